//! The IAM layer: one trait over every operation the product uses, with two implementations, the real
//! AWS SDK ([`aws::AwsIam`]) and the in-process demo account ([`demo::DemoAccount`]), and layers over
//! either (recording, faults). It knows nothing of the screen, and no SDK type leaves it.
//!
//! The operations are listed once, in `operations.rs`: the [`Iam`] trait, [`Request`], [`Reply`] and
//! the `op::` request structs are generated from that table.

mod account;
mod action;
pub mod aws;
pub mod connect;
pub mod demo;
mod error;
pub mod faults;
pub mod layer;
mod operations;
pub mod org;
pub mod recording;
mod types;
pub mod validate;

pub use account::*;
pub use action::Action;
pub use error::{IamError, IamResult};
pub use operations::{Arg, Borrowed, Code, Iam, Operation, Reply, Request, op};
pub use org::{AccountStatus, OrgAccount};
pub use types::*;

/// IAM's largest page: lists ask for it so that a thousand devices take one round trip.
pub const MAX_PAGE_SIZE: i32 = 1000;
/// How many MFA devices of any kind a user may have (since November 2022).
pub const MAX_DEVICES_PER_USER: usize = 8;
/// IAM's tag limits on one resource.
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_KEY_LEN: usize = 128;
pub const MAX_TAG_VALUE_LEN: usize = 256;
