DROP TRIGGER tenants_control ON tenants;
DROP TRIGGER users_control ON users;
DROP TRIGGER sessions_control ON sessions;
DROP FUNCTION karat_tenant_suspended();
DROP FUNCTION karat_user_deactivated();
DROP FUNCTION karat_session_revoked();
DROP TABLE realtime_tickets;
DROP TABLE events;
DROP TABLE event_counters;
