//! Step 4 for an authenticator app: the QR code (a key inverts it, `f` shows it alone on the whole
//! terminal, `m` the same in full-size modules for terminals with line spacing) or the secret key in groups
//! of four; copy the secret to the clipboard, or save the QR code (PNG) or the secret (text) where the
//! user types.

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent};
use zeroize::Zeroizing;

use super::{Purpose, Step, WizardState};
use crate::app::text_input::TextInput;
use crate::app::{Ctx, Nav};
use crate::qr::{ModuleShape, Polarity};
use crate::secret_file::{self, SaveError};

/// Pixels per module of a saved QR code: about 450 pixels square for an AWS seed.
const PNG_SCALE: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretViewMode {
    #[default]
    QrCode,
    SecretKey,
}

/// Where the QR code is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QrScreen {
    /// In the wizard's panel, with the instructions.
    #[default]
    Panel,
    /// Alone on the whole terminal, in modules of this shape; any key returns to the panel.
    FullScreen(ModuleShape),
}

#[derive(Debug, Default)]
pub struct SecretView {
    pub mode: SecretViewMode,
    pub polarity: Polarity,
    pub screen: QrScreen,
    /// Open while the user types where to save.
    pub save_path: Option<TextInput>,
    /// Where the last copy went ("system clipboard", "terminal (OSC 52)").
    pub copied_to: Option<String>,
    pub saved_to: Option<PathBuf>,
    /// The save found this file there: `y` overwrites it, `n` edits the path.
    pub overwrite: Option<PathBuf>,
}

impl SecretView {
    /// The file name offered when saving: what is saved depends on what is shown.
    fn default_file_name(&self, device_name: &str) -> String {
        match self.mode {
            SecretViewMode::QrCode => format!("{device_name}-mfa-qr.png"),
            SecretViewMode::SecretKey => format!("{device_name}-mfa-secret.txt"),
        }
    }
}

impl WizardState {
    pub(super) fn on_secret_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        if let Some(path) = self.secret.overwrite.take() {
            match key.code {
                KeyCode::Char('y') => self.save_to(ctx, path, true),
                KeyCode::Char('n') | KeyCode::Esc => {
                    let typed = path.display().to_string();
                    self.secret.save_path = Some(TextInput::new().with_value(typed));
                }
                _ => self.secret.overwrite = Some(path),
            }
            return Nav::Stay;
        }
        if self.secret.save_path.is_some() {
            return self.on_save_path_key(ctx, key);
        }
        if self.secret.screen != QrScreen::Panel {
            self.secret.screen = QrScreen::Panel;
            return Nav::Stay;
        }
        // Hidden secrets stay hidden: no view of the code at all.
        let code_shown = self.secret.mode == SecretViewMode::QrCode && !ctx.session.redact;
        match key.code {
            KeyCode::Char('f') if code_shown => {
                self.secret.screen = QrScreen::FullScreen(ModuleShape::HalfBlock);
            }
            KeyCode::Char('m') if code_shown => {
                self.secret.screen = QrScreen::FullScreen(ModuleShape::FullSize);
            }
            KeyCode::Char('s') => {
                self.secret.mode = match self.secret.mode {
                    SecretViewMode::QrCode => SecretViewMode::SecretKey,
                    SecretViewMode::SecretKey => SecretViewMode::QrCode,
                };
            }
            KeyCode::Char('i') => self.secret.polarity = self.secret.polarity.inverted(),
            KeyCode::Char('c') => self.copy_secret(ctx),
            KeyCode::Char('w') => {
                let name = self.enrollment.as_ref().map_or("", |e| e.name.as_str());
                let file_name = self.secret.default_file_name(name);
                self.secret.save_path = Some(TextInput::new().with_value(file_name));
            }
            KeyCode::Enter => self.step = Step::Codes,
            KeyCode::Esc => return self.leave(false),
            _ => {}
        }
        Nav::Stay
    }

    fn copy_secret(&mut self, ctx: &mut Ctx) {
        let Some(seed) = self.enrollment.as_ref().and_then(|e| e.seed.as_ref()) else {
            return;
        };
        let text = Zeroizing::new(seed.as_base32().to_string());
        let ticket = ctx.copy_to_clipboard(text);
        self.requests.add(ticket, Purpose::Copy);
    }

    fn on_save_path_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        match key.code {
            KeyCode::Esc => self.secret.save_path = None,
            KeyCode::Enter => {
                let path = self
                    .secret
                    .save_path
                    .as_ref()
                    .map(|input| input.value().trim().to_string())
                    .unwrap_or_default();
                if !path.is_empty() {
                    self.secret.save_path = None;
                    self.save_to(ctx, PathBuf::from(path), false);
                }
            }
            _ => {
                if let Some(input) = self.secret.save_path.as_mut() {
                    input.handle_key(key);
                }
            }
        }
        Nav::Stay
    }

    /// The QR code as a PNG, or the secret as text, whichever is shown: written owner-only.
    fn save_to(&mut self, ctx: &mut Ctx, path: PathBuf, overwrite: bool) {
        let Some(enrollment) = self.enrollment.as_ref() else {
            return;
        };
        let (Some(seed), Some(uri)) = (enrollment.seed.as_ref(), enrollment.otpauth_uri()) else {
            return;
        };
        let contents = match self.secret.mode {
            SecretViewMode::QrCode => match secret_file::qr_png(&uri, PNG_SCALE) {
                Ok(png) => png,
                Err(error) => {
                    ctx.notify_error(format!("Could not make the PNG: {error}"));
                    return;
                }
            },
            SecretViewMode::SecretKey => {
                let text =
                    secret_file::secret_text(seed, &enrollment.name, &enrollment.account_label);
                Zeroizing::new(text.as_bytes().to_vec())
            }
        };
        let ticket = ctx.save_file(path, contents, overwrite);
        self.requests.add(ticket, Purpose::Save);
    }

    pub(super) fn on_copied(&mut self, ctx: &mut Ctx, result: Result<String, String>) {
        match result {
            Ok(place) => {
                let promise = crate::clipboard::clear_promise(&place);
                ctx.notify(format!("Copied to the {place}; {promise}"));
                self.secret.copied_to = Some(place);
            }
            Err(why) => ctx.notify_error(format!("Could not copy the secret key: {why}")),
        }
    }

    pub(super) fn on_saved(&mut self, ctx: &mut Ctx, result: Result<PathBuf, SaveError>) {
        match result {
            Ok(path) => {
                ctx.notify(format!(
                    "Saved to {} (readable by you only)",
                    path.display()
                ));
                self.secret.saved_to = Some(path);
            }
            Err(SaveError::Exists(path)) => self.secret.overwrite = Some(path),
            Err(SaveError::Failed(why)) => ctx.notify_error(format!("Could not save: {why}")),
        }
    }
}
