CREATE OR REPLACE FUNCTION karat_emit_batch(p_tenant uuid, p_topics text[], p_kinds text[],
                                            p_payloads jsonb[], p_audiences jsonb[],
                                            p_channel text) RETURNS bigint
  LANGUAGE plpgsql AS $$
DECLARE
  n integer := cardinality(p_topics);
  last bigint;
BEGIN
  INSERT INTO event_counters AS c (tenant_id, last_seq) VALUES (p_tenant, n)
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = c.last_seq + n
    RETURNING last_seq INTO last;
  INSERT INTO events (tenant_id, seq, topic, kind, payload, audience)
    SELECT p_tenant, last - n + i, p_topics[i], p_kinds[i], p_payloads[i], p_audiences[i]
      FROM generate_series(1, n) AS i;
  FOR i IN 1..n LOOP
    PERFORM pg_notify(p_channel, p_tenant::text || ':' || (last - n + i)::text);
  END LOOP;
  RETURN last;
END
$$;

CREATE FUNCTION karat_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

CREATE FUNCTION karat_platform() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('app.platform', true), '') = 'on'
$$;

ALTER POLICY customers_isolation ON customers
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- pg_policies prints the expressions the up migration wrote in this form.
DO $$
DECLARE
  p record;
  tenant text := $t$(NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid$t$;
  platform text := $f$(COALESCE(current_setting('app.platform'::text, true), ''::text) = 'on'::text)$f$;
  stmt text;
BEGIN
  FOR p IN SELECT schemaname, tablename, policyname, qual, with_check FROM pg_policies
            WHERE schemaname = 'public'
  LOOP
    stmt := format('ALTER POLICY %I ON %I.%I', p.policyname, p.schemaname, p.tablename);
    IF p.qual IS NOT NULL THEN
      stmt := stmt || ' USING ('
        || replace(replace(p.qual, tenant, 'karat_tenant()'), platform, 'karat_platform()') || ')';
    END IF;
    IF p.with_check IS NOT NULL THEN
      stmt := stmt || ' WITH CHECK ('
        || replace(replace(p.with_check, tenant, 'karat_tenant()'), platform, 'karat_platform()') || ')';
    END IF;
    EXECUTE stmt;
  END LOOP;
END $$;
