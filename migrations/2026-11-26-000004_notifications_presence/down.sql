DROP TABLE presence;
DROP TABLE nodes;
DROP TABLE notification_prefs;
DROP TABLE notifications;
