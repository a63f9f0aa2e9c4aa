-- Up to five photos per interest; the bytes live in file storage.
CREATE TABLE interest_photos (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id),
  interest_id uuid NOT NULL REFERENCES visit_interests (id) ON DELETE CASCADE,
  storage_key text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  size integer NOT NULL CHECK (size > 0),
  created_by uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX interest_photos_interest ON interest_photos (interest_id, created_at);
ALTER TABLE interest_photos ENABLE ROW LEVEL SECURITY;
ALTER TABLE interest_photos FORCE ROW LEVEL SECURITY;
CREATE POLICY interest_photos_isolation ON interest_photos
  USING (tenant_id = karat_tenant() OR karat_platform())
  WITH CHECK (tenant_id = karat_tenant() OR karat_platform());
