DROP TABLE segments;
DROP INDEX customers_auto_tags;
ALTER TABLE customers DROP COLUMN auto_tags;
ALTER TABLE visit_interests DROP COLUMN metal, DROP COLUMN stone;
