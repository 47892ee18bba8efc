//! MFA coverage: who can sign in without MFA, and whether root is protected, judged by the controls
//! admins are audited against (Security Hub FSBP IAM.5/19/9/6, CIS AWS Foundations 7.0 2.10/2.5/2.6).
//!
//! Pure: no I/O. [`Collector`] says which IAM requests to make next and folds their answers into a
//! [`Picture`] of one account; [`controls`] judges a picture. The Coverage screen and `iam-mfa audit`
//! both drive the same collector, each in its own way (the screen with tickets, the CLI with tasks), and
//! it knows nothing of which account it looks at, so a caller may run one per account.

mod collector;
pub mod controls;
mod picture;
#[cfg(test)]
mod tests;

pub use collector::{Answer, Collector, Need, REPORT_POLL_INTERVAL, REPORT_POLL_LIMIT};
pub use controls::{CONTROLS, Check, Control, Finding, Framework, Status, Verdict};
pub use picture::{Known, Password, PasswordSource, Picture, ReportFacts, UserFacts};
