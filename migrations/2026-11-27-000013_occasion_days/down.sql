ALTER TABLE customers DROP COLUMN birth_md, DROP COLUMN anniversary_md;
