DROP VIEW user_views;
