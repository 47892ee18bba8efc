//! Code entry, written once for every screen that asks for authentication codes: [`CodeInput`] is one
//! six-digit code (the MFA-session prompt), [`CodePair`] two consecutive codes (the wizard's codes step,
//! the resync form). A code is always a secret (zeroized, never in Debug, masked on a redacted screen:
//! `ui::field` decides that from the field and the session); each field has its own message, said where
//! the code was typed, and a refused character is worded the same everywhere.

use crossterm::event::{KeyCode, KeyEvent};

use super::text_input::{InputChange, TextInput};
use crate::clock::UnixSeconds;
use crate::iam::Code;
use crate::otp::{self, CodeField, Seed};

/// Why a typed character did not go in: the one wording for every code field.
pub fn refusal(c: char) -> String {
    if c.is_ascii_digit() {
        "A code has six digits: this one is complete".to_string()
    } else {
        format!("Digits only: {c:?} is not one")
    }
}

/// One six-digit code and the message under it.
#[derive(Debug)]
pub struct CodeInput {
    input: TextInput,
    message: Option<String>,
}

impl Default for CodeInput {
    fn default() -> Self {
        Self {
            input: TextInput::code().secret(),
            message: None,
        }
    }
}

impl CodeInput {
    /// The field as typed, for the renderer.
    pub fn input(&self) -> &TextInput {
        &self.input
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The typed code, as the IAM layer takes it (zeroized when dropped).
    pub fn code(&self) -> Code {
        Code::from(self.input.value())
    }

    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.input.is_full()
    }

    /// What is said under the field: a refused key, a bad code, or IAM's refusal.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    pub fn set_message(&mut self, message: impl Into<String>) {
        self.message = Some(message.into());
    }

    pub fn clear_message(&mut self) {
        self.message = None;
    }

    /// Empties the field (the message stays: it usually says why).
    pub fn clear(&mut self) {
        self.input.clear();
    }

    /// A key for the field: an edit clears its message, a refused character says why.
    pub fn handle_key(&mut self, key: KeyEvent) -> InputChange {
        let change = self.input.handle_key(key);
        self.note(change);
        change
    }

    /// Pasted text, as if typed (line breaks dropped, so a paste never submits): "123 456" gives the
    /// code, "1234567" says the code is complete.
    pub fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.type_char(c);
        }
    }

    fn type_char(&mut self, c: char) -> InputChange {
        self.handle_key(super::key(KeyCode::Char(c)))
    }

    fn note(&mut self, change: InputChange) {
        match change {
            InputChange::Edited => self.message = None,
            InputChange::Refused(c) => self.message = Some(refusal(c)),
            InputChange::Moved | InputChange::Ignored => {}
        }
    }
}

/// Two consecutive codes: the focus moves to code 2 once code 1 is full, and Backspace on an empty
/// code 2 goes back to code 1. At most one of the two carries a message.
#[derive(Debug)]
pub struct CodePair {
    first: CodeInput,
    second: CodeInput,
    focus: CodeField,
}

impl Default for CodePair {
    fn default() -> Self {
        Self {
            first: CodeInput::default(),
            second: CodeInput::default(),
            focus: CodeField::First,
        }
    }
}

impl CodePair {
    pub fn focus(&self) -> CodeField {
        self.focus
    }

    pub fn set_focus(&mut self, field: CodeField) {
        self.focus = field;
    }

    pub fn field(&self, field: CodeField) -> &CodeInput {
        match field {
            CodeField::First => &self.first,
            CodeField::Second => &self.second,
        }
    }

    fn field_mut(&mut self, field: CodeField) -> &mut CodeInput {
        match field {
            CodeField::First => &mut self.first,
            CodeField::Second => &mut self.second,
        }
    }

    pub fn first(&self) -> &CodeInput {
        &self.first
    }

    pub fn second(&self) -> &CodeInput {
        &self.second
    }

    /// Puts a message under one field (and clears the other's), with the focus there to retype.
    pub fn fail(&mut self, field: CodeField, message: impl Into<String>) {
        self.first.clear_message();
        self.second.clear_message();
        self.field_mut(field).set_message(message);
        self.focus = field;
    }

    /// Handles the keys of the pair itself (typing, moving between the codes); false for the keys the
    /// screen decides on (Enter, Esc, and anything else the fields do not take).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.focus = other(self.focus);
                true
            }
            KeyCode::Backspace if self.focus == CodeField::Second && self.second.is_empty() => {
                self.focus = CodeField::First;
                true
            }
            KeyCode::Enter | KeyCode::Esc => false,
            _ => {
                let change = self.field_mut(self.focus).handle_key(key);
                self.advance_if_full(change);
                change != InputChange::Ignored
            }
        }
    }

    /// Pasted text goes in as typed, so a pasted pair fills code 1 and moves on to code 2; line breaks
    /// and other control characters are dropped (a paste never submits).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            let focus = self.focus;
            let change = self.field_mut(focus).type_char(c);
            self.advance_if_full(change);
        }
    }

    fn advance_if_full(&mut self, change: InputChange) {
        if change == InputChange::Edited && self.focus == CodeField::First && self.first.is_full() {
            self.focus = CodeField::Second;
        }
    }

    /// Checks the pair: against the seed when it is known here (current, consecutive, not the same
    /// twice), else its format only. A problem goes under the field it concerns, and nothing is
    /// returned.
    pub fn check(&mut self, seed: Option<&Seed>, now: UnixSeconds) -> Option<(Code, Code)> {
        let (code1, code2) = (self.first.value(), self.second.value());
        let checked = match seed {
            Some(seed) => otp::check_pair(seed, code1, code2, now),
            None => otp::check_pair_format(code1, code2),
        };
        match checked {
            Ok(()) => {
                self.first.clear_message();
                self.second.clear_message();
                Some((self.first.code(), self.second.code()))
            }
            Err(problem) => {
                self.fail(problem.field(), problem.to_string());
                None
            }
        }
    }
}

fn other(field: CodeField) -> CodeField {
    match field {
        CodeField::First => CodeField::Second,
        CodeField::Second => CodeField::First,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;

    fn type_text(pair: &mut CodePair, text: &str) {
        for c in text.chars() {
            pair.handle_key(key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn code_one_full_moves_on_and_backspace_on_an_empty_code_two_comes_back() {
        let mut pair = CodePair::default();
        type_text(&mut pair, "123456");
        assert_eq!(pair.focus(), CodeField::Second);
        type_text(&mut pair, "7");
        pair.handle_key(key(KeyCode::Backspace));
        assert_eq!(
            (pair.second().value(), pair.focus()),
            ("", CodeField::Second)
        );
        pair.handle_key(key(KeyCode::Backspace));
        assert_eq!(pair.focus(), CodeField::First);
        pair.handle_key(key(KeyCode::Backspace));
        assert_eq!(pair.first().value(), "12345");
    }

    #[test]
    fn refused_characters_are_said_at_the_field_in_one_wording() {
        let mut pair = CodePair::default();
        type_text(&mut pair, "12x");
        assert_eq!(pair.first().message(), Some("Digits only: 'x' is not one"));
        type_text(&mut pair, "3");
        assert_eq!(pair.first().message(), None);
        let mut single = CodeInput::default();
        single.paste("1234567");
        assert_eq!(
            single.message(),
            Some("A code has six digits: this one is complete")
        );
    }

    #[test]
    fn a_pasted_pair_fills_both_codes_and_does_not_submit() {
        let mut pair = CodePair::default();
        pair.paste("123456\n654321\n");
        assert_eq!(pair.first().value(), "123456");
        assert_eq!(pair.second().value(), "654321");
        assert_eq!(pair.second().message(), None);
    }

    #[test]
    fn the_pair_is_checked_and_a_problem_goes_under_its_field() {
        let seed = Seed::generate();
        let now = 1_700_000_010;
        let window = otp::window(now);
        let mut pair = CodePair::default();
        let code = seed.code_for_window(window);
        pair.paste(&code);
        pair.paste(&code);
        assert!(pair.check(Some(&seed), now).is_none());
        assert_eq!(pair.focus(), CodeField::Second);
        assert!(pair.second().message().is_some_and(|m| m.contains("same")));

        let mut pair = CodePair::default();
        pair.paste(&seed.code_for_window(window));
        pair.paste(&seed.code_for_window(window + 1));
        let (code1, code2) = pair.check(Some(&seed), now).expect("a right pair");
        assert_eq!(code1.as_str(), seed.code_for_window(window));
        assert_eq!(code2.as_str(), seed.code_for_window(window + 1));
    }

    #[test]
    fn codes_are_secret() {
        let mut pair = CodePair::default();
        pair.paste("123456");
        assert!(pair.first().input().is_secret());
        assert!(!format!("{pair:?}").contains("123456"));
    }
}
