//! Integration tests: the real server over real HTTP against a real PostgreSQL.

mod common;

mod auth;
mod isolation;
mod migrations;
mod notifications;
mod realtime;
mod users_stores;
