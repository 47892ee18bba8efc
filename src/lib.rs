//! iam-mfa: a terminal wizard for AWS IAM MFA devices.
//!
//! The layers: [`iam`] talks to AWS or the demo account and knows nothing of the screen; [`otp`] and [`qr`]
//! are pure; [`app`] is the state machine (no I/O); [`ui`] renders it; [`runtime`] owns the terminal and
//! carries out the effects the state machine asks for.

// Every case is answered: a reply to the wrong request is an `IamError` (`iam::Operation::answer`),
// never a panic. (The other lints are in Cargo.toml.)
#![deny(clippy::unreachable)]

pub mod app;
pub mod audit;
pub mod cli;
pub mod clipboard;
pub mod clock;
pub mod coverage;
pub mod generate;
pub mod headless;
pub mod iam;
pub mod listing;
pub mod log_file;
pub mod org;
pub mod otp;
pub mod output;
pub mod progress;
pub mod qr;
pub mod runtime;
pub mod secret_file;
pub mod ui;
