-- Telecalling: per-store calling rules, telecaller status, the lead history,
-- calls with dispositions, transfers to sales, and public web-form keys.

ALTER TABLE leads
  ADD COLUMN priority smallint NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
  ADD COLUMN note text CHECK (length(note) <= 1000),
  ADD COLUMN assigned_at timestamptz,
  ADD COLUMN sla_due_at timestamptz,
  ADD COLUMN sla_breached_at timestamptz,
  ADD COLUMN follow_up_at timestamptz,
  ADD COLUMN last_call_at timestamptz,
  ADD COLUMN attempts_on date,
  ADD COLUMN attempts_that_day smallint NOT NULL DEFAULT 0,
  ADD COLUMN sales_rep_id uuid,
  ADD COLUMN closed_at timestamptz,
  ADD CONSTRAINT leads_tenant_id_key UNIQUE (tenant_id, id);
CREATE INDEX leads_queue ON leads (tenant_id, assigned_to, follow_up_at)
  WHERE state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd');
CREATE INDEX leads_backlog ON leads (tenant_id, store_id, priority, created_at)
  WHERE assigned_to IS NULL AND state = 'new';

-- An import may open a lead for every customer it creates.
ALTER TABLE customer_imports ADD COLUMN create_leads boolean NOT NULL DEFAULT false;

-- One row per store, created on first use; its row lock serialises assignment.
CREATE TABLE telecalling_settings (
  store_id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  rule text NOT NULL DEFAULT 'round_robin'
    CHECK (rule IN ('manual', 'round_robin', 'least_loaded', 'language')),
  max_open_leads integer NOT NULL DEFAULT 40 CHECK (max_open_leads BETWEEN 1 AND 1000),
  sla_minutes integer NOT NULL DEFAULT 15 CHECK (sla_minutes BETWEEN 1 AND 1440),
  sticky_days integer NOT NULL DEFAULT 4 CHECK (sticky_days BETWEEN 0 AND 90),
  retry_minutes integer NOT NULL DEFAULT 20 CHECK (retry_minutes BETWEEN 5 AND 1440),
  max_attempts_per_day integer NOT NULL DEFAULT 3 CHECK (max_attempts_per_day BETWEEN 1 AND 20),
  calling_start time NOT NULL DEFAULT '09:30',
  calling_end time NOT NULL DEFAULT '20:30',
  wrap_up_seconds integer NOT NULL DEFAULT 120 CHECK (wrap_up_seconds BETWEEN 10 AND 1800),
  thresholds jsonb NOT NULL DEFAULT '{}',
  last_assigned_to uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (calling_start < calling_end),
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) ON DELETE CASCADE
);

-- A telecaller's working status; no row means available.
CREATE TABLE agents (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  status text NOT NULL DEFAULT 'available'
    CHECK (status IN ('available', 'on_call', 'wrap_up', 'break', 'leave')),
  since timestamptz NOT NULL DEFAULT now(),
  lead_id uuid,
  call_id uuid,
  languages text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX agents_tenant ON agents (tenant_id);

-- Every state change and (re)assignment of a lead: who, when, why.
CREATE TABLE lead_history (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  lead_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('state', 'assigned', 'sla_breach', 'transfer')),
  from_state text,
  to_state text NOT NULL,
  assigned_to uuid,
  actor_id uuid,
  reason text CHECK (length(reason) <= 500),
  at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX lead_history_lead ON lead_history (lead_id, at);
CREATE INDEX lead_history_breaches ON lead_history (tenant_id, at) WHERE kind = 'sla_breach';

CREATE TABLE calls (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  lead_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  telecaller_id uuid NOT NULL REFERENCES users (id),
  phone text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  disposition text CHECK (disposition IN ('connected', 'no_answer', 'busy', 'switched_off',
    'wrong_number', 'call_back', 'not_interested')),
  duration_seconds integer CHECK (duration_seconds BETWEEN 0 AND 14400),
  sentiment text CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  notes text CHECK (length(notes) <= 2000),
  next_step text CHECK (next_step IN ('none', 'follow_up', 'revisit', 'qualified', 'converted', 'lost')),
  follow_up_at timestamptz,
  appointment_id uuid,
  disposed_at timestamptz,
  FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX calls_lead ON calls (lead_id, started_at);
CREATE INDEX calls_telecaller ON calls (tenant_id, telecaller_id, started_at);
CREATE INDEX calls_store ON calls (tenant_id, store_id, started_at);
CREATE INDEX calls_phone ON calls (tenant_id, phone, started_at);
CREATE UNIQUE INDEX calls_one_open ON calls (telecaller_id) WHERE disposed_at IS NULL;

CREATE TABLE lead_transfers (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  lead_id uuid NOT NULL,
  from_user uuid NOT NULL REFERENCES users (id),
  to_user uuid NOT NULL REFERENCES users (id),
  note text CHECK (length(note) <= 1000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  reason text CHECK (length(reason) <= 500),
  appointment_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX lead_transfers_one_pending ON lead_transfers (lead_id) WHERE status = 'pending';
CREATE INDEX lead_transfers_to ON lead_transfers (tenant_id, to_user, created_at);

-- Public web forms: the key is the only credential, so it is long and random.
CREATE TABLE lead_forms (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  store_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key text NOT NULL UNIQUE CHECK (length(key) BETWEEN 32 AND 64),
  active boolean NOT NULL DEFAULT true,
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['telecalling_settings', 'agents', 'lead_history', 'calls',
                           'lead_transfers', 'lead_forms'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = karat_tenant() OR karat_platform())
                    WITH CHECK (tenant_id = karat_tenant() OR karat_platform())', t || '_isolation', t);
  END LOOP;
END $$;

-- When a lead may next be called: `after`, moved into the store's calling
-- hours (local time), or the next day's start when today's attempts are used up.
CREATE FUNCTION karat_next_call_time(after timestamptz, tz text, day_start time, day_end time,
                                     next_day boolean) RETURNS timestamptz
  LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN next_day OR (after AT TIME ZONE tz)::time >= day_end
      THEN (((after AT TIME ZONE tz)::date + 1) + day_start) AT TIME ZONE tz
    WHEN (after AT TIME ZONE tz)::time < day_start
      THEN ((after AT TIME ZONE tz)::date + day_start) AT TIME ZONE tz
    ELSE after
  END
$$;
