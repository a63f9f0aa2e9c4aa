-- Segments (saved rules over customers) and the tags they maintain, plus the
-- metal and stone of an interest so purchase shares can be computed.

ALTER TABLE visit_interests
  ADD COLUMN metal text CHECK (metal IN ('gold', 'silver', 'platinum', 'rose_gold')),
  ADD COLUMN stone text CHECK (stone IN ('diamond', 'polki', 'kundan', 'ruby', 'emerald',
    'sapphire', 'pearl', 'other'));

-- Tags kept by segment rules, apart from the ones people type.
ALTER TABLE customers ADD COLUMN auto_tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX customers_auto_tags ON customers USING gin (auto_tags);

CREATE TABLE segments (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description text CHECK (length(description) <= 500),
  rule jsonb NOT NULL,
  auto_tag text CHECK (length(auto_tag) BETWEEN 1 AND 40),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);
CREATE UNIQUE INDEX segments_auto_tag ON segments (tenant_id, auto_tag) WHERE auto_tag IS NOT NULL;
ALTER TABLE segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE segments FORCE ROW LEVEL SECURITY;
CREATE POLICY segments_isolation ON segments
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
