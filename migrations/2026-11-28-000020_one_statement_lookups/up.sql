-- One-statement lookups (src/db/find.rs). karat_find_<kind>(tenant, user, id)
-- reads one row by id as that tenant's user reads it in a tenant transaction:
-- it sets the tenant's settings (local to the transaction), reads under
-- row-level security, and puts the settings back as they were, so it never
-- changes the tenant of a transaction it is called in. The app calls it alone,
-- so its statement is its transaction.
--   STABLE: PostgreSQL refuses any write inside.
--   STRICT: without a tenant there is no row.
-- Each returns every column of its table or view: recreate it when they change.
DO $do$
DECLARE
  f record;
BEGIN
  FOR f IN SELECT * FROM (VALUES ('user', 'user_views'), ('store', 'stores'), ('tenant', 'tenants'))
             AS t (kind, source)
  LOOP
    EXECUTE format($sql$
      CREATE FUNCTION karat_find_%1$s(p_tenant uuid, p_user uuid, p_id uuid)
      RETURNS SETOF %2$I LANGUAGE plpgsql STABLE STRICT AS $body$
      DECLARE
        outer_tenant text := current_setting('app.tenant_id', true);
        outer_user text := current_setting('app.user_id', true);
        outer_platform text := current_setting('app.platform', true);
      BEGIN
        PERFORM set_config('app.tenant_id', p_tenant::text, true),
                set_config('app.user_id', p_user::text, true),
                set_config('app.platform', '', true);
        RETURN QUERY SELECT * FROM %2$I WHERE id = p_id;
        PERFORM set_config('app.tenant_id', coalesce(outer_tenant, ''), true),
                set_config('app.user_id', coalesce(outer_user, ''), true),
                set_config('app.platform', coalesce(outer_platform, ''), true);
      END $body$
    $sql$, f.kind, f.source);
  END LOOP;
END $do$;
