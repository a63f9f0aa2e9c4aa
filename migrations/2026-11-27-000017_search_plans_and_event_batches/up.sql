-- Customer search at a million rows.
--
-- A fragment such as "patil" matches 3% of a tenant's customers, "gupta123@"
-- a handful. The planner tells them apart from the histogram of search_doc
-- (it tries the pattern on the histogram's entries); with the default 100
-- entries a common surname looked rare, so PostgreSQL fetched 33,000 rows
-- through the trigram index and sorted them (200 ms) instead of walking the
-- newest ids until 50 matched (1 ms).
ALTER TABLE customers ALTER COLUMN search_doc SET STATISTICS 1000;

-- City in id order: "text + city" and "city" walk one city's customers
-- newest first instead of intersecting two large bitmaps.
DROP INDEX customers_city;
CREATE INDEX customers_city ON customers (tenant_id, lower(city), id DESC);

-- Events are written together just before their transaction commits (see
-- src/realtime/events.rs): one call takes the tenant's next seqs for all of
-- them, so the tenant's counter row is locked only from here to the COMMIT.
CREATE FUNCTION karat_emit_batch(p_tenant uuid, p_topics text[], p_kinds text[],
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

DROP FUNCTION karat_emit(uuid, text, text, jsonb, jsonb, text);

-- Candidates for a lead, with each one's open leads counted by a probe of
-- leads_queue (tenant, assignee). The previous form joined a tenant-wide
-- GROUP BY, which the planner ran once per telecaller when the tables' row
-- estimates were stale (a store that just added 200 telecallers): 20 ms
-- inside the tenant's assignment lock. This shape is linear whatever the
-- estimates say.
CREATE OR REPLACE FUNCTION karat_lead_candidates(p_tenant uuid, p_store uuid)
  RETURNS TABLE (user_id uuid, name text, open_leads bigint, languages text[])
  LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT u.id, u.name,
         (SELECT count(*) FROM leads l
           WHERE l.tenant_id = p_tenant AND l.assigned_to = u.id
             AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd')),
         coalesce(a.languages, '{}')
    FROM users u
    JOIN user_stores us ON us.user_id = u.id AND us.store_id = p_store
    LEFT JOIN agents a ON a.user_id = u.id
   WHERE u.tenant_id = p_tenant AND u.role = 'telecaller' AND u.active
     AND coalesce(a.status, 'available') NOT IN ('break', 'leave')
     AND EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id);
END
$$;

-- Wake the job workers only for a job that is due (within the workers' 5 s
-- poll, which also absorbs clock skew between the app and the database). A
-- job for later (an SLA check, a reminder) is found by the poll; waking the
-- workers for it cost each new lead a claim query that found nothing.
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
  IF n = 1 AND p_run_at <= clock_timestamp() + interval '5 seconds' THEN
    PERFORM pg_notify(p_channel, p_kind);
  END IF;
  RETURN n = 1;
END
$$;
