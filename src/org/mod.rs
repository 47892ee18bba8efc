//! Many accounts, pure (no I/O): what the Accounts screen knows of each account of an organization as
//! answers arrive, and the bounded queue that decides which request goes out next.
//!
//! - [`AccountSummary`]: one row, from being reached (AssumeRole into the member role) to its counts;
//! - [`Throttle`]: requests waiting their turn, at most `limit` in flight across every account.

mod summary;
mod throttle;

pub use summary::{AccountSummary, Reach, console_users_without_mfa};
pub use throttle::Throttle;

/// The role the management account assumes in each member unless `--org-role` names another.
pub const DEFAULT_ORG_ROLE: &str = "OrganizationAccountAccessRole";

/// How many requests the Accounts screen keeps in flight at once, across all accounts: enough to fill
/// a screen quickly, few enough that IAM (per-account limits) and STS do not throttle.
pub const MAX_IN_FLIGHT: usize = 12;
