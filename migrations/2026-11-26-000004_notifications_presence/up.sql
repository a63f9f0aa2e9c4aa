-- In-app notifications, per-user preferences, and presence per node.
CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL,
  title text NOT NULL CHECK (length(title) <= 200),
  body text NOT NULL CHECK (length(body) <= 2000),
  link text CHECK (length(link) <= 500),
  urgent boolean NOT NULL DEFAULT false,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY notifications_isolation ON notifications
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE notification_prefs (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  muted_in_app text[] NOT NULL DEFAULT '{}',
  muted_push text[] NOT NULL DEFAULT '{}',
  quiet_start time,
  quiet_end time,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);
ALTER TABLE notification_prefs ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_prefs FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_prefs_isolation ON notification_prefs
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Each running `karat serve` process is a node with a heartbeat; presence rows
-- belong to the node that holds the user's sockets and die with it.
CREATE TABLE nodes (
  id uuid PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE nodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE nodes FORCE ROW LEVEL SECURITY;
CREATE POLICY nodes_platform ON nodes USING (karat_platform()) WITH CHECK (karat_platform());

CREATE TABLE presence (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  node_id uuid NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  status text NOT NULL CHECK (status IN ('online', 'away', 'busy', 'on_call')),
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, node_id)
);
CREATE INDEX presence_tenant ON presence (tenant_id);
ALTER TABLE presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE presence FORCE ROW LEVEL SECURITY;
CREATE POLICY presence_isolation ON presence
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
