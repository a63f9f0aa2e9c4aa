ALTER TABLE visits DROP COLUMN lead_id;
