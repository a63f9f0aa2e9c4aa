-- Team and service: chat, files, announcements, support tickets, escalations
-- and feedback.

-- Uploaded files (chat and ticket attachments). A file is uploaded first, then
-- attached to one message; unattached files of a day ago are swept.
CREATE TABLE attachments (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  storage_key text NOT NULL,
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL,
  size integer NOT NULL CHECK (size > 0),
  uploaded_by uuid NOT NULL REFERENCES users (id),
  owner_kind text CHECK (owner_kind IN ('chat', 'ticket')),
  owner_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((owner_kind IS NULL) = (owner_id IS NULL))
);
CREATE INDEX attachments_owner ON attachments (tenant_id, owner_kind, owner_id);
CREATE INDEX attachments_unattached ON attachments (created_at) WHERE owner_id IS NULL;

CREATE TABLE chat_channels (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  kind text NOT NULL CHECK (kind IN ('store', 'custom', 'direct')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  description text CHECK (length(description) <= 500),
  private boolean NOT NULL DEFAULT false,
  store_id uuid,
  -- The two people of a direct conversation, sorted: one conversation per pair.
  direct_key text,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  archived_at timestamptz,
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, direct_key),
  CHECK ((kind = 'direct') = (direct_key IS NOT NULL)),
  CHECK ((kind = 'store') = (store_id IS NOT NULL)),
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX chat_channels_store ON chat_channels (tenant_id, store_id) WHERE kind = 'store';
CREATE UNIQUE INDEX chat_channels_name ON chat_channels (tenant_id, lower(name))
  WHERE kind = 'custom' AND archived_at IS NULL;

CREATE TABLE chat_members (
  tenant_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  is_admin boolean NOT NULL DEFAULT false,
  joined_at timestamptz NOT NULL DEFAULT now(),
  -- Messages up to this id (uuid v7, time-ordered) are read.
  last_read_id uuid,
  PRIMARY KEY (channel_id, user_id),
  FOREIGN KEY (tenant_id, channel_id) REFERENCES chat_channels (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_members_user ON chat_members (tenant_id, user_id);

CREATE TABLE chat_messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  channel_id uuid NOT NULL,
  author_id uuid NOT NULL REFERENCES users (id),
  -- The thread's first message; NULL for a message in the channel itself.
  parent_id uuid REFERENCES chat_messages (id),
  body text NOT NULL CHECK (length(body) <= 4000),
  mentions uuid[] NOT NULL DEFAULT '{}',
  reply_count integer NOT NULL DEFAULT 0,
  last_reply_at timestamptz,
  edited_at timestamptz,
  deleted_at timestamptz,
  -- The sender's Idempotency-Key: a retried send returns the first message.
  idempotency_key text CHECK (length(idempotency_key) <= 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (author_id, idempotency_key),
  FOREIGN KEY (tenant_id, channel_id) REFERENCES chat_channels (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX chat_messages_channel ON chat_messages (channel_id, id) WHERE parent_id IS NULL;
CREATE INDEX chat_messages_thread ON chat_messages (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX chat_messages_search ON chat_messages USING gin (body gin_trgm_ops);

-- Announcements: tenant_id NULL is platform-wide (published by the platform).
CREATE TABLE announcements (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'urgent')),
  pinned boolean NOT NULL DEFAULT false,
  store_ids uuid[] NOT NULL DEFAULT '{}',
  roles text[] NOT NULL DEFAULT '{}',
  requires_ack boolean NOT NULL DEFAULT false,
  publish_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  published_at timestamptz,
  withdrawn_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (expires_at IS NULL OR expires_at > publish_at)
);
CREATE INDEX announcements_tenant ON announcements (tenant_id, publish_at DESC);
CREATE INDEX announcements_due ON announcements (publish_at) WHERE published_at IS NULL AND withdrawn_at IS NULL;

CREATE TABLE announcement_acks (
  announcement_id uuid NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  acked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, user_id)
);

-- Support tickets from a tenant to the platform, numbered per UTC day. The
-- counter holds no tenant data (a day and a count); it is written only
-- through karat_ticket_number().
CREATE TABLE ticket_days (
  day date PRIMARY KEY,
  n integer NOT NULL
);
ALTER TABLE ticket_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_days FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_days_counter ON ticket_days USING (true) WITH CHECK (true);
CREATE FUNCTION karat_ticket_number() RETURNS text
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  INSERT INTO ticket_days AS d (day, n) VALUES ((now() AT TIME ZONE 'UTC')::date, 1)
  ON CONFLICT (day) DO UPDATE SET n = d.n + 1
  RETURNING 'ST-' || to_char(day, 'YYYYMMDD') || '-' || lpad(n::text, 4, '0')
$$;

CREATE TABLE tickets (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  number text NOT NULL UNIQUE,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  category text NOT NULL CHECK (category IN ('technical', 'billing', 'account', 'data', 'feature', 'other')),
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  created_by uuid NOT NULL REFERENCES users (id),
  assigned_to uuid REFERENCES users (id),
  -- Names kept with the row: platform staff are not visible to tenants.
  assigned_name text,
  sla_due_at timestamptz NOT NULL,
  sla_breached_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX tickets_tenant ON tickets (tenant_id, created_at DESC);
CREATE INDEX tickets_status ON tickets (status, created_at DESC);

CREATE TABLE ticket_messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  ticket_id uuid NOT NULL,
  author_id uuid REFERENCES users (id),
  author_name text,
  -- Written by platform staff (shown to the tenant as support).
  from_platform boolean NOT NULL DEFAULT false,
  kind text NOT NULL CHECK (kind IN ('reply', 'internal', 'system')),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- Canned answers for the platform team.
CREATE TABLE ticket_templates (
  id uuid PRIMARY KEY,
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A customer's problem inside a tenant.
CREATE TABLE escalations (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  call_id uuid,
  subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
  description text CHECK (length(description) <= 5000),
  category text NOT NULL CHECK (category IN ('product_quality', 'service', 'billing', 'delivery', 'repair', 'staff', 'other')),
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved', 'closed')),
  assigned_to uuid REFERENCES users (id),
  -- 0: the assignee; 1: escalated to the store manager; 2: to the business admin.
  level smallint NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 2),
  sla_due_at timestamptz NOT NULL,
  resolution text CHECK (length(resolution) <= 5000),
  resolved_at timestamptz,
  closed_at timestamptz,
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX escalations_board ON escalations (tenant_id, store_id, status);
CREATE INDEX escalations_due ON escalations (sla_due_at) WHERE status IN ('open', 'in_progress');

CREATE TABLE escalation_notes (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  escalation_id uuid NOT NULL,
  author_id uuid REFERENCES users (id),
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  internal boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, escalation_id) REFERENCES escalations (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX escalation_notes_escalation ON escalation_notes (escalation_id, id);

-- CSAT surveys (sent after a visit, purchase or resolved escalation, answered
-- through a public link) and internal team feedback.
CREATE TABLE feedback (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  kind text NOT NULL CHECK (kind IN ('visit', 'purchase', 'escalation', 'team')),
  subject_id uuid,
  customer_id uuid,
  store_id uuid,
  -- The survey link's secret: it can only answer this one survey, once.
  token text UNIQUE,
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  comment text CHECK (length(comment) <= 2000),
  sentiment text GENERATED ALWAYS AS (
    CASE WHEN rating >= 4 THEN 'positive' WHEN rating = 3 THEN 'neutral'
         WHEN rating <= 2 THEN 'negative' END) STORED,
  from_user uuid REFERENCES users (id),
  requested_at timestamptz NOT NULL DEFAULT now(),
  responded_at timestamptz,
  CHECK ((kind = 'team') = (customer_id IS NULL)),
  CHECK ((responded_at IS NULL) = (rating IS NULL))
);
CREATE INDEX feedback_report ON feedback (tenant_id, responded_at) WHERE responded_at IS NOT NULL;
CREATE UNIQUE INDEX feedback_subject ON feedback (tenant_id, kind, subject_id) WHERE kind <> 'team';

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['attachments', 'chat_channels', 'chat_members', 'chat_messages',
                           'announcement_acks', 'tickets', 'escalations', 'escalation_notes',
                           'feedback'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (tenant_id = karat_tenant() OR karat_platform())
                    WITH CHECK (tenant_id = karat_tenant() OR karat_platform())', t || '_isolation', t);
  END LOOP;
END $$;

-- Platform-wide announcements are readable by every tenant; only the platform writes them.
ALTER TABLE announcements ENABLE ROW LEVEL SECURITY;
ALTER TABLE announcements FORCE ROW LEVEL SECURITY;
CREATE POLICY announcements_read ON announcements FOR SELECT
  USING (tenant_id IS NULL OR tenant_id = karat_tenant() OR karat_platform());
CREATE POLICY announcements_write ON announcements FOR ALL
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Internal notes never reach a tenant, even through a query that forgets to filter.
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_messages_isolation ON ticket_messages
  USING ((tenant_id = karat_tenant() AND kind <> 'internal') OR karat_platform())
  WITH CHECK ((tenant_id = karat_tenant() AND kind <> 'internal') OR karat_platform());

ALTER TABLE ticket_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE ticket_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY ticket_templates_platform ON ticket_templates
  USING (karat_platform()) WITH CHECK (karat_platform());
