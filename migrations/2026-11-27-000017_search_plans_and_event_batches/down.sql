CREATE OR REPLACE FUNCTION karat_enqueue_job(p_id uuid, p_tenant uuid, p_kind text, p_payload jsonb,
                                  p_run_at timestamptz, p_max_attempts integer,
                                  p_dedupe_key text, p_channel text) RETURNS boolean
  LANGUAGE plpgsql AS $$
DECLARE
  n integer;
BEGIN
  INSERT INTO jobs (id, tenant_id, kind, payload, run_at, max_attempts, dedupe_key)
    VALUES (p_id, p_tenant, p_kind, p_payload, p_run_at, p_max_attempts, p_dedupe_key)
    ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM pg_notify(p_channel, p_kind);
  RETURN n = 1;
END
$$;

-- Telecallers of a store who could take a lead now (online, not on break or
CREATE OR REPLACE FUNCTION karat_lead_candidates(p_tenant uuid, p_store uuid)
  RETURNS TABLE (user_id uuid, name text, open_leads bigint, languages text[])
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.name, coalesce(o.n, 0), coalesce(a.languages, '{}')
    FROM users u
    JOIN user_stores us ON us.user_id = u.id AND us.store_id = p_store
    LEFT JOIN agents a ON a.user_id = u.id
    LEFT JOIN (SELECT l.assigned_to, count(*) AS n FROM leads l
                WHERE l.tenant_id = p_tenant AND l.assigned_to IS NOT NULL
                  AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd')
                GROUP BY l.assigned_to) o ON o.assigned_to = u.id
   WHERE u.tenant_id = p_tenant AND u.role = 'telecaller' AND u.active
     AND coalesce(a.status, 'available') NOT IN ('break', 'leave')
     AND EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id);
END
$$;
CREATE FUNCTION karat_emit(p_tenant uuid, p_topic text, p_kind text, p_payload jsonb,
                           p_audience jsonb, p_channel text) RETURNS bigint
  LANGUAGE plpgsql AS $$
DECLARE
  s bigint;
BEGIN
  INSERT INTO event_counters AS c (tenant_id, last_seq) VALUES (p_tenant, 1)
    ON CONFLICT (tenant_id) DO UPDATE SET last_seq = c.last_seq + 1
    RETURNING last_seq INTO s;
  INSERT INTO events (tenant_id, seq, topic, kind, payload, audience)
    VALUES (p_tenant, s, p_topic, p_kind, p_payload, p_audience);
  PERFORM pg_notify(p_channel, p_tenant::text || ':' || s::text);
  RETURN s;
END
$$;
DROP FUNCTION karat_emit_batch(uuid, text[], text[], jsonb[], jsonb[], text);
DROP INDEX customers_city;
CREATE INDEX customers_city ON customers (tenant_id, lower(city));
ALTER TABLE customers ALTER COLUMN search_doc SET STATISTICS -1;
