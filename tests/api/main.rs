//! Integration tests: the real server over real HTTP against a real PostgreSQL.

mod common;

mod auth;
mod chat;
mod customers;
mod imports;
mod isolation;
mod jobs;
mod migrations;
mod notifications;
mod push;
mod realtime;
mod segments;
mod team;
mod telecalling;
mod tickets;
mod users_stores;
