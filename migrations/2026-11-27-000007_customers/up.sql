-- Customers and the showroom moment: profiles, phones (the de-duplication key),
-- family, notes, visits with interests, leads, appointments, and who viewed what.
-- Every table is tenant-owned with the same fail-closed RLS as the foundation.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE tenants ADD COLUMN trash_retention_days integer NOT NULL DEFAULT 30
  CHECK (trash_retention_days BETWEEN 1 AND 3650);

-- The text a search matches: name, e-mail and every phone, lower-cased.
CREATE FUNCTION karat_customer_doc(name text, email text, phones text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(name) || ' ' || coalesce(lower(email), '') || ' ' || array_to_string(phones, ' ')
$$;

CREATE TABLE customers (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  -- phones[1] is the primary number; customer_phones keeps them unique per tenant.
  phones text[] NOT NULL CHECK (cardinality(phones) BETWEEN 1 AND 5),
  email text CHECK (length(email) <= 254),
  gender text CHECK (gender IN ('female', 'male', 'other')),
  birth_date date,
  anniversary date,
  address text CHECK (length(address) <= 500),
  city text CHECK (length(city) <= 100),
  area text CHECK (length(area) <= 100),
  postal_code text CHECK (length(postal_code) <= 12),
  language text CHECK (length(language) <= 40),
  community text CHECK (length(community) <= 60),
  customer_type text NOT NULL DEFAULT 'individual'
    CHECK (customer_type IN ('individual', 'corporate', 'wholesale')),
  preferences jsonb NOT NULL DEFAULT '{}',
  budget_band text CHECK (budget_band IN ('under_50k', '50k_2l', '2l_5l', '5l_10l', 'above_10l')),
  tier text NOT NULL DEFAULT 'general' CHECK (tier IN ('general', 'vip', 'vvip')),
  tags text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 30),
  consent jsonb NOT NULL DEFAULT '{}',
  dnd boolean NOT NULL DEFAULT false,
  home_store_id uuid NOT NULL,
  lifetime_value bigint NOT NULL DEFAULT 0 CHECK (lifetime_value >= 0),
  last_purchase_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  deleted_by uuid,
  merged_into uuid,
  search_doc text GENERATED ALWAYS AS (karat_customer_doc(name, email, phones)) STORED,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, home_store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX customers_tenant_id ON customers (tenant_id, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX customers_search ON customers USING gin (search_doc gin_trgm_ops);
CREATE INDEX customers_tags ON customers USING gin (tags);
CREATE INDEX customers_city ON customers (tenant_id, lower(city));
CREATE INDEX customers_tier ON customers (tenant_id, tier);
CREATE INDEX customers_home_store ON customers (tenant_id, home_store_id);
CREATE INDEX customers_trash ON customers (tenant_id, deleted_at) WHERE deleted_at IS NOT NULL;
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY customers_isolation ON customers
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE customer_phones (
  tenant_id uuid NOT NULL,
  phone text NOT NULL CHECK (phone ~ '^\+[0-9]{8,15}$'),
  customer_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, phone),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_phones_customer ON customer_phones (tenant_id, customer_id);
ALTER TABLE customer_phones ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_phones FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_phones_isolation ON customer_phones
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE customer_family (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  relation text NOT NULL CHECK (relation IN
    ('spouse', 'son', 'daughter', 'father', 'mother', 'brother', 'sister', 'grandchild', 'other')),
  linked_customer_id uuid,
  birth_date date,
  anniversary date,
  wedding_date date,
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, linked_customer_id) REFERENCES customers (tenant_id, id) ON DELETE SET NULL (linked_customer_id)
);
CREATE INDEX customer_family_customer ON customer_family (tenant_id, customer_id);
CREATE INDEX customer_family_linked ON customer_family (tenant_id, linked_customer_id);
ALTER TABLE customer_family ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_family FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_family_isolation ON customer_family
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE customer_notes (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  author_id uuid NOT NULL,
  body text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_notes_customer ON customer_notes (tenant_id, customer_id, created_at);
ALTER TABLE customer_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_notes_isolation ON customer_notes
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE visits (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  visited_at timestamptz NOT NULL,
  attended_by uuid NOT NULL,
  reason text NOT NULL CHECK (reason IN ('wedding', 'engagement', 'gifting', 'self', 'repair',
    'valuation', 'exchange', 'investment', 'inquiry')),
  lead_source text NOT NULL CHECK (lead_source IN ('walk_in', 'referral', 'instagram', 'facebook',
    'google', 'whatsapp', 'website', 'exhibition', 'newspaper', 'hoarding', 'other')),
  notes text CHECK (length(notes) <= 2000),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX visits_customer ON visits (tenant_id, customer_id, visited_at);
CREATE INDEX visits_store ON visits (tenant_id, store_id, visited_at);
ALTER TABLE visits ENABLE ROW LEVEL SECURITY;
ALTER TABLE visits FORCE ROW LEVEL SECURITY;
CREATE POLICY visits_isolation ON visits
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE visit_interests (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  visit_id uuid NOT NULL,
  category text NOT NULL CHECK (category IN ('rings', 'necklace_sets', 'chains', 'mangalsutra',
    'bangles', 'earrings', 'pendants', 'bracelets', 'nose_pins', 'anklets', 'coins', 'other')),
  design_number text CHECK (length(design_number) <= 60),
  expected_value bigint CHECK (expected_value >= 0),
  outcome text NOT NULL CHECK (outcome IN ('purchased', 'design_selected', 'wants_more_discount',
    'checking_other_jewellers', 'felt_less_variety', 'other')),
  note text CHECK (length(note) <= 1000),
  position smallint NOT NULL,
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX visit_interests_visit ON visit_interests (tenant_id, visit_id, position);
ALTER TABLE visit_interests ENABLE ROW LEVEL SECURITY;
ALTER TABLE visit_interests FORCE ROW LEVEL SECURITY;
CREATE POLICY visit_interests_isolation ON visit_interests
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Leads are born here (a visit without a purchase); telecalling works them.
CREATE TABLE leads (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  source text NOT NULL CHECK (source IN ('visit', 'import', 'web_form', 'manual')),
  visit_id uuid,
  state text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'assigned', 'attempted', 'contacted',
    'follow_up', 'qualified', 'appointment_set', 'converted', 'lost', 'not_interested',
    'wrong_number', 'dnd')),
  assigned_to uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE SET NULL (visit_id)
);
CREATE INDEX leads_customer ON leads (tenant_id, customer_id);
CREATE INDEX leads_assignee ON leads (tenant_id, assigned_to) WHERE assigned_to IS NOT NULL;
CREATE INDEX leads_open ON leads (tenant_id, store_id, created_at)
  WHERE state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd');
ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE leads FORCE ROW LEVEL SECURITY;
CREATE POLICY leads_isolation ON leads
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

CREATE TABLE appointments (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  store_id uuid NOT NULL,
  staff_id uuid,
  scheduled_at timestamptz NOT NULL,
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'confirmed', 'completed',
    'cancelled', 'no_show', 'rescheduled')),
  rescheduled_to uuid,
  notes text CHECK (length(notes) <= 2000),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id)
);
CREATE INDEX appointments_customer ON appointments (tenant_id, customer_id, scheduled_at);
CREATE INDEX appointments_store ON appointments (tenant_id, store_id, scheduled_at);
ALTER TABLE appointments ENABLE ROW LEVEL SECURITY;
ALTER TABLE appointments FORCE ROW LEVEL SECURITY;
CREATE POLICY appointments_isolation ON appointments
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());

-- Who opened whose full profile (for the privacy officer). Kept after a purge.
CREATE TABLE customer_access_log (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  customer_id uuid NOT NULL,
  user_id uuid NOT NULL,
  ip text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_access_log_customer ON customer_access_log (tenant_id, customer_id, at DESC);
CREATE INDEX customer_access_log_user ON customer_access_log (tenant_id, user_id, at DESC);
ALTER TABLE customer_access_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_access_log FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_access_log_isolation ON customer_access_log
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
