-- Birthdays and anniversaries as month*100+day, so "in the next N days"
-- segments are an index lookup instead of a scan of every customer.
ALTER TABLE customers
  ADD COLUMN birth_md smallint GENERATED ALWAYS AS
    ((extract(month FROM birth_date) * 100 + extract(day FROM birth_date))::smallint) STORED,
  ADD COLUMN anniversary_md smallint GENERATED ALWAYS AS
    ((extract(month FROM anniversary) * 100 + extract(day FROM anniversary))::smallint) STORED;
CREATE INDEX customers_birth_md ON customers (tenant_id, birth_md)
  WHERE birth_md IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX customers_anniversary_md ON customers (tenant_id, anniversary_md)
  WHERE anniversary_md IS NOT NULL AND deleted_at IS NULL;
