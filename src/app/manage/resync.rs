//! The resync form: two consecutive codes from the device. Their format is always checked before the
//! call; where the backend knows the seed (the demo account; AWS never does) the pair is checked too, so
//! a stale or mistyped pair gets its message at the field instead of a refusal from IAM.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::text_input::{InputChange, TextInput};
use crate::clock::UnixSeconds;
use crate::iam::{Code, IamError, op};
use crate::otp::{self, CodeField, Seed};

#[derive(Debug)]
pub struct ResyncForm {
    pub user_name: String,
    pub serial: String,
    pub code1: TextInput,
    pub code2: TextInput,
    pub focus: CodeField,
    /// A message at one field: a refused key, a bad pair, or IAM's refusal.
    pub error: Option<(CodeField, String)>,
    /// The device's seed when the backend knows it (Debug shows no secret); the screen asks for it.
    seed: Option<Seed>,
    /// Set while the ResyncMFADevice call is out.
    pub submitting: bool,
}

/// What a key did to the form.
#[derive(Debug, PartialEq, Eq)]
pub enum ResyncKeyResult {
    Stay,
    Cancel,
    /// Both codes pass every local check: send this.
    Submit(op::ResyncMfaDevice),
}

impl ResyncForm {
    /// An empty form; the seed, when the backend knows it, comes with [`Self::set_seed`].
    pub fn open(user_name: String, serial: String) -> Self {
        Self {
            user_name,
            serial,
            code1: TextInput::code(),
            code2: TextInput::code(),
            focus: CodeField::First,
            error: None,
            seed: None,
            submitting: false,
        }
    }

    /// The codes the device shows now and next, when the seed is known: the demo account's stand-in for
    /// the phone (the renderer shows them in demo mode only).
    pub fn device_codes(&self, now: UnixSeconds) -> Option<(String, String)> {
        let seed = self.seed.as_ref()?;
        let window = otp::window(now);
        Some((
            seed.code_for_window(window),
            seed.code_for_window(window + 1),
        ))
    }

    /// Whether the pair can be checked here before it is sent.
    pub fn seed_known(&self) -> bool {
        self.seed.is_some()
    }

    /// The device's seed, from the backend that knows it: the pair is then checked before it is sent.
    pub fn set_seed(&mut self, seed: Seed) {
        self.seed = Some(seed);
    }

    pub fn handle_key(&mut self, key: KeyEvent, now: UnixSeconds) -> ResyncKeyResult {
        if self.submitting {
            return ResyncKeyResult::Stay;
        }
        match key.code {
            KeyCode::Esc => return ResyncKeyResult::Cancel,
            KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
                self.focus = other(self.focus);
                return ResyncKeyResult::Stay;
            }
            KeyCode::Enter if self.focus == CodeField::First => {
                self.focus = CodeField::Second;
                return ResyncKeyResult::Stay;
            }
            KeyCode::Enter => return self.submit(now),
            _ => {}
        }
        let field = self.focus;
        match self.field_mut(field).handle_key(key) {
            InputChange::Edited => {
                self.error = None;
                if field == CodeField::First && self.code1.is_full() {
                    self.focus = CodeField::Second;
                }
            }
            InputChange::Refused(c) if c.is_ascii_digit() => {
                self.error = Some((field, "A code has six digits".to_string()));
            }
            InputChange::Refused(c) => {
                self.error = Some((field, format!("A code is six digits; {c:?} is not a digit")));
            }
            InputChange::Moved | InputChange::Ignored => {}
        }
        ResyncKeyResult::Stay
    }

    fn field_mut(&mut self, field: CodeField) -> &mut TextInput {
        match field {
            CodeField::First => &mut self.code1,
            CodeField::Second => &mut self.code2,
        }
    }

    fn submit(&mut self, now: UnixSeconds) -> ResyncKeyResult {
        let (code1, code2) = (self.code1.value(), self.code2.value());
        let checked = match &self.seed {
            Some(seed) => otp::check_pair(seed, code1, code2, now),
            None => otp::check_pair_format(code1, code2),
        };
        if let Err(problem) = checked {
            self.focus = problem.field();
            self.error = Some((problem.field(), problem.to_string()));
            return ResyncKeyResult::Stay;
        }
        self.submitting = true;
        self.error = None;
        ResyncKeyResult::Submit(op::ResyncMfaDevice {
            user_name: self.user_name.clone(),
            serial: self.serial.clone(),
            code1: Code::from(code1),
            code2: Code::from(code2),
        })
    }

    /// IAM refused the call: the message goes under the codes (or under code 1 for anything else).
    pub fn failed(&mut self, error: &IamError) {
        self.submitting = false;
        let field = match error {
            IamError::InvalidAuthenticationCode(_) => CodeField::Second,
            _ => CodeField::First,
        };
        self.error = Some((field, error.to_string()));
    }
}

fn other(field: CodeField) -> CodeField {
    match field {
        CodeField::First => CodeField::Second,
        CodeField::Second => CodeField::First,
    }
}
