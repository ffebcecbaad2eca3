//! One module per route.

pub mod digest;
pub mod home;
pub mod item;
pub mod not_found;
pub mod tag;
