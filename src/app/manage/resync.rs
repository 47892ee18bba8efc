//! The resync form: two consecutive codes from the device. Their format is always checked before the
//! call; where the backend knows the seed (the demo account; AWS never does) the pair is checked too, so
//! a stale or mistyped pair gets its message at the field instead of a refusal from IAM.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::code_entry::CodePair;
use crate::clock::UnixSeconds;
use crate::iam::{IamError, op};
use crate::otp::{self, CodeField, Seed};

#[derive(Debug)]
pub struct ResyncForm {
    pub user_name: String,
    pub serial: String,
    /// The two codes, each with its message: a refused key, a bad pair, or IAM's refusal.
    pub codes: CodePair,
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
            codes: CodePair::default(),
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
        if self.codes.handle_key(key) {
            return ResyncKeyResult::Stay;
        }
        match key.code {
            KeyCode::Esc => ResyncKeyResult::Cancel,
            KeyCode::Enter if self.codes.focus() == CodeField::First => {
                self.codes.set_focus(CodeField::Second);
                ResyncKeyResult::Stay
            }
            KeyCode::Enter => self.submit(now),
            _ => ResyncKeyResult::Stay,
        }
    }

    /// Pasted text, for the focused code (a pasted pair fills both; it never submits).
    pub fn paste(&mut self, text: &str) {
        if !self.submitting {
            self.codes.paste(text);
        }
    }

    fn submit(&mut self, now: UnixSeconds) -> ResyncKeyResult {
        let Some((code1, code2)) = self.codes.check(self.seed.as_ref(), now) else {
            return ResyncKeyResult::Stay;
        };
        self.submitting = true;
        ResyncKeyResult::Submit(op::ResyncMfaDevice {
            user_name: self.user_name.clone(),
            serial: self.serial.clone(),
            code1,
            code2,
        })
    }

    /// IAM refused the call: the message goes under the codes (or under code 1 for anything else).
    pub fn failed(&mut self, error: &IamError) {
        self.submitting = false;
        let field = match error {
            IamError::InvalidAuthenticationCode(_) => CodeField::Second,
            _ => CodeField::First,
        };
        self.codes.fail(field, error.to_string());
    }
}
