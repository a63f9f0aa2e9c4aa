DROP FUNCTION karat_next_call_time(timestamptz, text, time, time, boolean);
DROP TABLE lead_forms;
DROP TABLE lead_transfers;
DROP TABLE calls;
DROP TABLE lead_history;
DROP TABLE agents;
DROP TABLE telecalling_settings;
ALTER TABLE customer_imports DROP COLUMN create_leads;
DROP INDEX leads_backlog;
DROP INDEX leads_queue;
ALTER TABLE leads
  DROP CONSTRAINT leads_tenant_id_key,
  DROP COLUMN priority, DROP COLUMN note, DROP COLUMN assigned_at, DROP COLUMN sla_due_at,
  DROP COLUMN sla_breached_at, DROP COLUMN follow_up_at, DROP COLUMN last_call_at,
  DROP COLUMN attempts_on, DROP COLUMN attempts_that_day, DROP COLUMN sales_rep_id,
  DROP COLUMN closed_at;
