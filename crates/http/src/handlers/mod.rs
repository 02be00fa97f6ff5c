//! Request handlers, thin: parse, call the application, shape the answer.

pub mod accounts;
pub mod assessment;
pub mod chat;
pub mod entities;
pub mod evidence;
pub mod jobs;
pub mod models;
mod posture_pages;
