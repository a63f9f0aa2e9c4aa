DROP FUNCTION karat_attempts_today(date, smallint, text);
DROP FUNCTION karat_do_not_call(boolean, jsonb);
DROP FUNCTION karat_first_phone(text[]);
DROP FUNCTION karat_lead_candidates(uuid, uuid);
DROP FUNCTION karat_enqueue_job(uuid, uuid, text, jsonb, timestamptz, integer, text, text);
DROP FUNCTION karat_emit(uuid, text, text, jsonb, jsonb, text);
