//! What is wrong with a demo data file, said on one line: the file, the line and column, and the rule.

use std::fmt::Write;
use std::ops::Range;

/// A demo data file that cannot be used. Its `Display` is the one line `iam-mfa` prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoDataError {
    #[error("cannot read the demo data {path}: {reason}")]
    Unreadable { path: String, reason: String },

    /// `line` and `column` count from 1; the column in characters, as editors show it.
    #[error("{origin}:{line}:{column}: {message}")]
    Invalid {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },

    /// An error the parser could not place (it has always placed them so far).
    #[error("{origin}: {message}")]
    Unplaced { origin: String, message: String },
}

/// An error at a place in the text (a byte range), before it is turned into a line and column.
#[derive(Debug)]
pub(super) struct Located {
    pub span: Option<Range<usize>>,
    pub message: String,
}

impl Located {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            span: Some(span),
            message: message.into(),
        }
    }

    /// The error as the user sees it, for the file `origin` holding `text`.
    pub fn in_file(self, origin: &str, text: &str) -> DemoDataError {
        let origin = origin.to_string();
        let message = one_line(&self.message);
        match self.span {
            Some(span) => {
                let (line, column) = line_and_column(text, span.start);
                DemoDataError::Invalid {
                    origin,
                    line,
                    column,
                    message,
                }
            }
            None => DemoDataError::Unplaced { origin, message },
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// The message on one line, with control characters (from the file's own strings, which TOML escapes
/// can fill with anything) shown as escapes rather than sent to the terminal.
fn one_line(message: &str) -> String {
    let mut shown = String::with_capacity(message.len());
    for word in message.split_whitespace() {
        if !shown.is_empty() {
            shown.push(' ');
        }
        for c in word.chars() {
            if c.is_control() {
                let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
            } else {
                shown.push(c);
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        let text = "a = 1\nname = \"é b\"\n";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 6), (2, 1));
        let b = text.find('b').unwrap();
        assert_eq!(line_and_column(text, b), (2, 11));
        assert_eq!(line_and_column(text, 10_000), (3, 1));
    }

    #[test]
    fn messages_are_one_line_without_raw_control_characters() {
        assert_eq!(
            one_line("unknown\nfield `a\u{1b}b`  "),
            "unknown field `a\\u{1b}b`"
        );
    }
}
