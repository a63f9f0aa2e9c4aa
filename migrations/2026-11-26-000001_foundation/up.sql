-- Foundations: tenants, stores, users, auth sessions, mail outbox, audit.
-- Tenant tables carry RLS (ENABLE + FORCE) with fail-closed policies: with no
-- `app.tenant_id` set, nothing is visible. The explicit platform path
-- (`app.platform = 'on'`, set only by `Db::platform_tx`) is how platform
-- admins and authentication reach rows across tenants.

CREATE FUNCTION karat_tenant() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

CREATE FUNCTION karat_platform() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(current_setting('app.platform', true), '') = 'on'
$$;

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  time_zone text NOT NULL,
  locale text NOT NULL,
  plan text NOT NULL CHECK (plan IN ('trial', 'standard', 'premium')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenants_isolation ON tenants
  USING (id = karat_tenant() OR karat_platform())
  WITH CHECK (karat_platform());

CREATE TABLE stores (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{0,19}$'),
  address text CHECK (length(address) <= 500),
  city text CHECK (length(city) <= 100),
  time_zone text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, code),
  UNIQUE (tenant_id, id)
);
CREATE INDEX stores_tenant_created ON stores (tenant_id, created_at, id);
ALTER TABLE stores ENABLE ROW LEVEL SECURITY;
ALTER TABLE stores FORCE ROW LEVEL SECURITY;
CREATE POLICY stores_isolation ON stores
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Platform admins are the only users without a tenant (enforced by the CHECK);
-- tenant context can never see them because NULL = tenant is never true.
CREATE TABLE users (
  id uuid PRIMARY KEY,
  tenant_id uuid REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  phone text CHECK (length(phone) <= 20),
  role text NOT NULL CHECK (role IN ('platform_admin', 'business_admin', 'manager', 'sales_rep', 'telecaller', 'marketing')),
  manager_id uuid REFERENCES users (id),
  password_hash text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'platform_admin') = (tenant_id IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_tenant_created ON users (tenant_id, created_at, id);
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY users_isolation ON users
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE user_stores (
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  store_id uuid NOT NULL,
  PRIMARY KEY (user_id, store_id),
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX user_stores_store ON user_stores (tenant_id, store_id);
ALTER TABLE user_stores ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_stores FORCE ROW LEVEL SECURITY;
CREATE POLICY user_stores_isolation ON user_stores
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Authentication tables are reachable only through the platform path.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id uuid REFERENCES tenants (id),
  device text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id, created_at);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_platform ON sessions USING (karat_platform()) WITH CHECK (karat_platform());

-- Every refresh token ever issued in a session (its family). A token that is
-- presented after it was rotated means theft: the whole session is revoked.
CREATE TABLE refresh_tokens (
  token_hash bytea PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  used_at timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
ALTER TABLE refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE refresh_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY refresh_tokens_platform ON refresh_tokens USING (karat_platform()) WITH CHECK (karat_platform());

CREATE TABLE password_resets (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
CREATE POLICY password_resets_platform ON password_resets USING (karat_platform()) WITH CHECK (karat_platform());

-- Failed logins per account, shared by every node.
CREATE TABLE login_failures (
  email text PRIMARY KEY,
  failures integer NOT NULL,
  window_started_at timestamptz NOT NULL,
  locked_until timestamptz
);
ALTER TABLE login_failures ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_failures FORCE ROW LEVEL SECURITY;
CREATE POLICY login_failures_platform ON login_failures USING (karat_platform()) WITH CHECK (karat_platform());

-- Mail goes here when no SMTP server is configured (and is logged).
CREATE TABLE mail_outbox (
  id uuid PRIMARY KEY,
  to_email text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY mail_outbox_platform ON mail_outbox USING (karat_platform()) WITH CHECK (karat_platform());

-- Append-only audit trail (the app role gets INSERT and SELECT only).
-- tenant_id NULL marks a platform-level action.
CREATE TABLE audit_log (
  id uuid PRIMARY KEY,
  tenant_id uuid,
  actor_id uuid,
  actor_name text,
  entity text NOT NULL,
  entity_id text,
  action text NOT NULL,
  changes jsonb,
  ip text,
  user_agent text,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_created ON audit_log (tenant_id, created_at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (tenant_id, entity, entity_id);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_log_isolation ON audit_log
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
