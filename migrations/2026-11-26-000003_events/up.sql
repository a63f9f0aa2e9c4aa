-- The event log: per-tenant, gap-free sequence numbers in commit order. The
-- counter row is locked by `UPDATE … RETURNING` until the mutation commits, so
-- a later seq can never become visible before an earlier one.
CREATE TABLE event_counters (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  last_seq bigint NOT NULL
);
ALTER TABLE event_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY event_counters_isolation ON event_counters
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE events (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  seq bigint NOT NULL,
  topic text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  -- Who may receive it: {"kind":"tenant"} | {"kind":"roles","roles":[…]} |
  -- {"kind":"stores","stores":[…]} | {"kind":"users","users":[…]}
  audience jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX events_created ON events (created_at);
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY events_isolation ON events
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- One-time WebSocket tickets (30 s), so the access token never travels in a URL.
CREATE TABLE realtime_tickets (
  ticket_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
ALTER TABLE realtime_tickets ENABLE ROW LEVEL SECURITY;
ALTER TABLE realtime_tickets FORCE ROW LEVEL SECURITY;
CREATE POLICY realtime_tickets_platform ON realtime_tickets USING (karat_platform()) WITH CHECK (karat_platform());

-- Live sockets close when what they stand on goes away: every code path that
-- revokes a session, deactivates a user or suspends a tenant tells the nodes
-- (on commit) through karat_control.
CREATE FUNCTION karat_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
    PERFORM pg_notify('karat_control', 'session:' || NEW.id);
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION karat_user_deactivated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.active AND NOT NEW.active THEN
    PERFORM pg_notify('karat_control', 'user:' || NEW.id);
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION karat_tenant_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'active' AND NEW.status <> 'active' THEN
    PERFORM pg_notify('karat_control', 'tenant:' || NEW.id);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER sessions_control AFTER UPDATE OF revoked_at ON sessions
  FOR EACH ROW EXECUTE FUNCTION karat_session_revoked();
CREATE TRIGGER users_control AFTER UPDATE OF active ON users
  FOR EACH ROW EXECUTE FUNCTION karat_user_deactivated();
CREATE TRIGGER tenants_control AFTER UPDATE OF status ON tenants
  FOR EACH ROW EXECUTE FUNCTION karat_tenant_suspended();
