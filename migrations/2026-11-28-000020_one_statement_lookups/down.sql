DROP FUNCTION karat_find_user(uuid, uuid, uuid);
DROP FUNCTION karat_find_store(uuid, uuid, uuid);
DROP FUNCTION karat_find_tenant(uuid, uuid, uuid);
