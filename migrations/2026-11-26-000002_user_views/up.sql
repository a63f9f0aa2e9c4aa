-- Users with their store memberships in one cacheable, RLS-respecting read
-- (security_invoker: the caller's row-level security applies to both tables).
CREATE VIEW user_views WITH (security_invoker = true) AS
SELECT u.id, u.tenant_id, u.name, u.email, u.phone, u.role, u.manager_id, u.active, u.created_at,
       ARRAY(SELECT s.store_id FROM user_stores s WHERE s.user_id = u.id ORDER BY s.store_id) AS store_ids
FROM users u;
