//! A one-line text field: the value, the cursor, and which characters it takes. Used by every form
//! (device name, tags, serial, codes, filters). Typing a character the field refuses is reported, so the
//! screen can say why at the spot where it was typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use zeroize::Zeroize;

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputChange {
    /// The value changed.
    Edited,
    /// Only the cursor moved.
    Moved,
    /// A character the field does not take was typed (and dropped).
    Refused(char),
    /// The key is not for the field (Enter, Tab, Esc, arrows up/down...).
    Ignored,
}

#[derive(Clone, Default)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters.
    cursor: usize,
    max_len: Option<usize>,
    allowed: Option<fn(char) -> bool>,
    /// Secret fields zeroize their text on drop and never show it in Debug.
    secret: bool,
}

impl std::fmt::Debug for TextInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.secret {
            "<redacted>"
        } else {
            self.value.as_str()
        };
        f.debug_struct("TextInput")
            .field("value", &shown)
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl Drop for TextInput {
    fn drop(&mut self) {
        if self.secret {
            self.value.zeroize();
        }
    }
}

impl TextInput {
    pub fn new() -> Self {
        Self::default()
    }

    /// A field for a six-digit authentication code.
    pub fn code() -> Self {
        Self::new().max_len(6).allow(|c| c.is_ascii_digit())
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.set(value);
        self
    }

    pub fn max_len(mut self, max_len: usize) -> Self {
        self.max_len = Some(max_len);
        self
    }

    pub fn allow(mut self, allowed: fn(char) -> bool) -> Self {
        self.allowed = Some(allowed);
        self
    }

    /// A field whose text is a secret: zeroized on drop, never in Debug, masked on a redacted screen.
    /// Room for the whole value is reserved now, so typing never moves it and leaves a copy behind.
    pub fn secret(mut self) -> Self {
        self.secret = true;
        self.value
            .reserve(self.max_len.unwrap_or(64).saturating_mul(4));
        self
    }

    pub fn is_secret(&self) -> bool {
        self.secret
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    pub fn is_full(&self) -> bool {
        self.max_len
            .is_some_and(|max| self.value.chars().count() >= max)
    }

    pub fn set(&mut self, value: impl Into<String>) {
        if self.secret {
            self.value.zeroize();
        }
        self.value = value.into();
        self.cursor = self.value.chars().count();
    }

    pub fn clear(&mut self) {
        self.set(String::new());
    }

    fn byte_index(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> InputChange {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('u') if ctrl => {
                self.clear();
                InputChange::Edited
            }
            KeyCode::Char(_) if ctrl => InputChange::Ignored,
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
                InputChange::Edited
            }
            KeyCode::Delete if self.cursor < self.value.chars().count() => {
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
                InputChange::Edited
            }
            KeyCode::Left if self.cursor > 0 => {
                self.cursor -= 1;
                InputChange::Moved
            }
            KeyCode::Right if self.cursor < self.value.chars().count() => {
                self.cursor += 1;
                InputChange::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                InputChange::Moved
            }
            KeyCode::End => {
                self.cursor = self.value.chars().count();
                InputChange::Moved
            }
            KeyCode::Backspace | KeyCode::Delete | KeyCode::Left | KeyCode::Right => {
                InputChange::Moved
            }
            _ => InputChange::Ignored,
        }
    }

    /// Pasted text, inserted at the cursor as if typed, except that line breaks and other control
    /// characters are dropped: a paste is text, it never submits. `Edited` when anything went in, else
    /// the first character the field refused (or `Ignored` for an empty paste).
    pub fn paste(&mut self, text: &str) -> InputChange {
        let mut change = InputChange::Ignored;
        for c in text.chars().filter(|c| !c.is_control()) {
            match self.insert(c) {
                InputChange::Edited => change = InputChange::Edited,
                refused if change == InputChange::Ignored => change = refused,
                _ => {}
            }
        }
        change
    }

    fn insert(&mut self, c: char) -> InputChange {
        if self.allowed.is_some_and(|allowed| !allowed(c)) || self.is_full() {
            return InputChange::Refused(c);
        }
        let at = self.byte_index(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
        InputChange::Edited
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;

    fn type_text(input: &mut TextInput, text: &str) -> Vec<InputChange> {
        text.chars()
            .map(|c| input.handle_key(key(KeyCode::Char(c))))
            .collect()
    }

    #[test]
    fn code_field_takes_six_digits_only() {
        let mut input = TextInput::code();
        let changes = type_text(&mut input, "12a3456789");
        assert_eq!(input.value(), "123456");
        assert_eq!(changes[2], InputChange::Refused('a'));
        assert_eq!(changes[9], InputChange::Refused('9'));
        assert!(input.is_full());
    }

    #[test]
    fn editing_in_the_middle() {
        let mut input = TextInput::new().with_value("alce");
        input.handle_key(key(KeyCode::Left));
        input.handle_key(key(KeyCode::Left));
        type_text(&mut input, "i");
        assert_eq!(input.value(), "alice");
        input.handle_key(key(KeyCode::Home));
        input.handle_key(key(KeyCode::Delete));
        assert_eq!(input.value(), "lice");
        input.handle_key(key(KeyCode::End));
        input.handle_key(key(KeyCode::Backspace));
        assert_eq!((input.value(), input.cursor()), ("lic", 3));
        input.handle_key(crate::app::ctrl('u'));
        assert!(input.is_empty());
    }

    #[test]
    fn secret_fields_hide_their_value_in_debug() {
        let input = TextInput::code().secret().with_value("123456");
        assert!(!format!("{input:?}").contains("123456"));
    }

    #[test]
    fn a_paste_is_text_and_its_line_breaks_are_dropped() {
        let mut input = TextInput::new().with_value("ab");
        input.handle_key(key(KeyCode::Left));
        assert_eq!(input.paste("x\ny\r\n"), InputChange::Edited);
        assert_eq!((input.value(), input.cursor()), ("axyb", 3));
        let mut code = TextInput::code();
        assert_eq!(code.paste("ab"), InputChange::Refused('a'));
        assert_eq!(code.paste("12 345 6789"), InputChange::Edited);
        assert_eq!(code.value(), "123456");
        assert_eq!(TextInput::new().paste("\n"), InputChange::Ignored);
    }

    #[test]
    fn enter_and_tab_are_for_the_screen() {
        let mut input = TextInput::new();
        assert_eq!(input.handle_key(key(KeyCode::Enter)), InputChange::Ignored);
        assert_eq!(input.handle_key(key(KeyCode::Tab)), InputChange::Ignored);
    }
}
