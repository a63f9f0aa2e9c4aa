-- The lead a visit belongs to: the one it opened, or the open lead it joined.
ALTER TABLE visits ADD COLUMN lead_id uuid REFERENCES leads (id) ON DELETE SET NULL;
UPDATE visits v SET lead_id = l.id FROM leads l WHERE l.visit_id = v.id;
CREATE INDEX visits_lead ON visits (lead_id) WHERE lead_id IS NOT NULL;
