-- Customer imports: the uploaded file, its column mapping, the validation
-- report and the progress of the batched import (the import record).
CREATE TABLE customer_imports (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  created_by uuid NOT NULL,
  filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
  format text NOT NULL CHECK (format IN ('csv', 'json', 'xlsx')),
  file bytea NOT NULL,
  status text NOT NULL DEFAULT 'uploaded'
    CHECK (status IN ('uploaded', 'validated', 'importing', 'done', 'failed')),
  headers text[] NOT NULL,
  mapping jsonb,
  home_store_id uuid,
  date_order text CHECK (date_order IN ('dmy', 'mdy')),
  total_rows integer NOT NULL DEFAULT 0,
  valid_rows integer NOT NULL DEFAULT 0,
  invalid_rows integer NOT NULL DEFAULT 0,
  duplicate_rows integer NOT NULL DEFAULT 0,
  imported_rows integer NOT NULL DEFAULT 0,
  skipped_rows integer NOT NULL DEFAULT 0,
  next_row integer NOT NULL DEFAULT 0,
  report jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  validated_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX customer_imports_tenant ON customer_imports (tenant_id, id DESC);
ALTER TABLE customer_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_imports FORCE ROW LEVEL SECURITY;
CREATE POLICY customer_imports_isolation ON customer_imports
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
