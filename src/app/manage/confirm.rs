//! A yes/no question before a destructive action: it states exactly what will happen, and only `y`
//! goes ahead (Enter does not, so a key pressed by habit changes nothing).

use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm<A> {
    pub title: String,
    /// What will happen, one statement a line.
    pub lines: Vec<String>,
    /// The `y` key's label, e.g. "deactivate".
    pub yes_label: &'static str,
    /// What to do on yes.
    pub action: A,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Undecided,
}

impl<A> Confirm<A> {
    pub fn new(
        title: impl Into<String>,
        lines: Vec<String>,
        yes_label: &'static str,
        action: A,
    ) -> Self {
        Self {
            title: title.into(),
            lines,
            yes_label,
            action,
        }
    }

    pub fn answer(key: KeyEvent) -> Answer {
        match key.code {
            KeyCode::Char('y' | 'Y') => Answer::Yes,
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Answer::No,
            _ => Answer::Undecided,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;

    #[test]
    fn only_y_confirms() {
        assert_eq!(Confirm::<()>::answer(key(KeyCode::Char('y'))), Answer::Yes);
        assert_eq!(
            Confirm::<()>::answer(key(KeyCode::Enter)),
            Answer::Undecided
        );
        assert_eq!(Confirm::<()>::answer(key(KeyCode::Esc)), Answer::No);
        assert_eq!(Confirm::<()>::answer(key(KeyCode::Char('n'))), Answer::No);
    }
}
