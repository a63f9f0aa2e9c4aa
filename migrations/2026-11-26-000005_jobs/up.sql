-- The job queue: claimed with FOR UPDATE SKIP LOCKED, woken by NOTIFY
-- karat_jobs, retried with exponential backoff, dead after max_attempts.
CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  -- At most one live job per key (e.g. one retention sweep per hour).
  dedupe_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_ready ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_tenant_state ON jobs (tenant_id, state);
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
-- Tenants may read (and enqueue) their own jobs; the worker runs on the platform path.
CREATE POLICY jobs_isolation ON jobs
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
