//! The demo account as data: `assets/demo-account.toml` (compiled in), or the file `--demo-data` names,
//! of the same shape. The file's comments explain each table; `schema` is its shape in Rust, `build`
//! turns it into the account (checking IAM's rules on the way), `error` says what is wrong and where.

mod build;
mod error;
mod schema;
#[cfg(test)]
mod tests;

use std::io::Read;
use std::path::Path;

use crate::clock::UnixSeconds;

pub(super) use self::build::{RootUser, Seeded};
pub use self::error::DemoDataError;

/// The account `--demo` starts with.
const BUILTIN: &str = include_str!("../../../../assets/demo-account.toml");
const BUILTIN_ORIGIN: &str = "assets/demo-account.toml (built in)";

/// Far more than any demo needs (the built-in file is a few KB); a bigger file is a wrong path.
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// A demo data file's text and what to call it in messages.
pub(super) struct Source {
    origin: String,
    text: String,
}

impl Source {
    pub fn builtin() -> Self {
        Self {
            origin: BUILTIN_ORIGIN.to_string(),
            text: BUILTIN.to_string(),
        }
    }

    pub fn read(path: &Path) -> Result<Self, DemoDataError> {
        let shown = path.display().to_string();
        let unreadable = |reason: String| DemoDataError::Unreadable {
            path: shown.clone(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|error| unreadable(error.to_string()))?;
        let mut text = String::new();
        let read = file
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|error| unreadable(error.to_string()))?;
        if read as u64 > MAX_FILE_BYTES {
            return Err(unreadable(format!(
                "it is larger than {} KiB, more than any demo account needs",
                MAX_FILE_BYTES / 1024
            )));
        }
        Ok(Self {
            origin: shown,
            text,
        })
    }

    /// The account the text describes, with its dates counted back from `now`.
    pub fn load(&self, now: UnixSeconds) -> Result<Seeded, DemoDataError> {
        let locate = |error: error::Located| error.in_file(&self.origin, &self.text);
        let file = schema::parse(&self.text).map_err(locate)?;
        build::account(&file, &self.text, now).map_err(locate)
    }
}
