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
