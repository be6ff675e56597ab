//! One component per route.

pub mod brief;
pub mod complaint;
pub mod contact_form;
pub mod customer;
pub mod customer_form;
pub mod customers;
pub mod login;
pub mod manager_tools;
pub mod message;
pub mod org_settings;
pub mod playbooks;
pub mod pool;
#[cfg(feature = "manager")]
pub mod review;
pub mod rules;
pub mod service;
pub mod settings;
#[cfg(feature = "manager")]
pub mod team;
pub mod today;
pub mod trash;
pub mod visit_form;
