//! The one type for feedback on a screen: the app's notice in the footer, the line under a list after an
//! action. The renderer picks the style from the kind (`ui::widgets::status_line`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Done, or good to know.
    Info,
    /// Nothing went wrong, but the action did not happen (a device that cannot be marked, nothing
    /// deleted).
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Self {
        Self::new(text, StatusKind::Info)
    }

    pub fn warning(text: impl Into<String>) -> Self {
        Self::new(text, StatusKind::Warning)
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self::new(text, StatusKind::Error)
    }

    fn new(text: impl Into<String>, kind: StatusKind) -> Self {
        Self {
            text: text.into(),
            kind,
        }
    }
}
