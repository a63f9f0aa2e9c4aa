//! Karat: a multi-tenant, real-time CRM for jewellery retailers.

pub mod announcements;
pub mod audit;
pub mod auth;
pub mod chat;
pub mod config;
pub mod customers;
pub mod db;
pub mod demo;
pub mod escalations;
pub mod feedback;
pub mod files;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod notifications;
pub mod push;
pub mod realtime;
pub mod segments;
pub mod server;
pub mod state;
pub mod storage;
pub mod stores;
pub mod telecalling;
pub mod tenants;
pub mod tickets;
pub mod users;
