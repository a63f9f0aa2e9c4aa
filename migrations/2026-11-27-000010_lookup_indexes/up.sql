-- RLS policies read `tenant_id = karat_tenant() OR karat_platform()`; the OR
-- keeps the planner from using an index that leads with tenant_id unless the
-- query names the tenant itself. Lookups by a customer, visit or phone get
-- indexes that lead with that key, so they stay index scans either way.
CREATE INDEX customer_phones_phone ON customer_phones (phone);
CREATE INDEX customer_phones_customer_only ON customer_phones (customer_id);
CREATE INDEX customer_family_customer_only ON customer_family (customer_id);
CREATE INDEX customer_family_linked_only ON customer_family (linked_customer_id)
  WHERE linked_customer_id IS NOT NULL;
CREATE INDEX customer_notes_customer_only ON customer_notes (customer_id, created_at);
CREATE INDEX visits_customer_only ON visits (customer_id, visited_at);
CREATE INDEX visit_interests_visit_only ON visit_interests (visit_id, position);
CREATE INDEX leads_customer_only ON leads (customer_id);
CREATE INDEX leads_visit ON leads (visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX appointments_customer_only ON appointments (customer_id, scheduled_at);
CREATE INDEX customer_access_log_customer_only ON customer_access_log (customer_id, at DESC);
CREATE INDEX audit_log_entity_only ON audit_log (entity, entity_id);
