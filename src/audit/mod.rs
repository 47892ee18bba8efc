//! `iam-mfa audit`: the coverage controls for scripts and CI. Exit status 0 when every selected control
//! passes (or has nothing in scope), 3 when any fails (as Prowler does), 1 when one cannot be judged or
//! IAM fails; usage errors (2) are clap's.

mod collect;
mod output;

pub use collect::{MAX_IN_FLIGHT, collect};
pub use output::{Audit, ControlResult, format};

use crate::cli::AuditArgs;
use crate::coverage::{Collector, Control, Status, controls};
use crate::iam::{Iam, Timestamp};

/// What `audit` ends with.
#[derive(Debug)]
pub enum Outcome {
    /// The output, and whether a control failed (exit 3).
    Done { text: String, failed: bool },
    /// A control could not be judged, or IAM failed: exit 1 with this line.
    Error(String),
}

/// The controls `--control` names (every control when none), or the usage error for an unknown ID.
pub fn selected(ids: &[String]) -> Result<Vec<&'static Control>, String> {
    if ids.is_empty() {
        return Ok(controls::CONTROLS.iter().collect());
    }
    ids.iter()
        .map(|id| {
            controls::find(id).ok_or_else(|| {
                let known: Vec<&str> = controls::CONTROLS.iter().map(|c| c.id).collect();
                format!(
                    "unknown control {id:?}; the controls are {}",
                    known.join(", ")
                )
            })
        })
        .collect()
}

pub async fn run(iam: &dyn Iam, args: &AuditArgs, now: Timestamp) -> Outcome {
    let selected = match selected(&args.control) {
        Ok(selected) => selected,
        Err(message) => return Outcome::Error(message),
    };
    let account_id = match iam.caller_identity().await {
        Ok(identity) => identity.account,
        Err(error) => return Outcome::Error(error.to_string()),
    };
    let (collector, first) = Collector::start();
    let collector = collect(iam, collector, first).await;
    let audit = Audit::judge(&account_id, now, collector.picture(), &selected);
    if let Some(why) = audit
        .controls
        .iter()
        .find_map(|result| match &result.status {
            Status::Unknown(why) => Some(format!("{} cannot be judged: {why}", result.control.id)),
            _ => None,
        })
    {
        return Outcome::Error(why);
    }
    Outcome::Done {
        failed: audit.failed(),
        text: format(&audit, args.output),
    }
}
