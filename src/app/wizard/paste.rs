//! Pasted text in the wizard: it goes to the step's focused field as text, the way typing would edit
//! it, and never acts as keys (a newline in it does not submit, a `1` does not choose a device type).

use super::name_step::NameFocus;
use super::{Step, WizardState};
use crate::app::text_input::InputChange;
use crate::app::{Ctx, Nav};

impl WizardState {
    pub(super) fn on_paste(&mut self, ctx: &mut Ctx, text: &str) -> Nav {
        // A box over the step, or a request out: no field has the focus.
        if self.busy().is_some() || self.dialog.is_some() {
            return Nav::Stay;
        }
        match self.step {
            Step::User => {
                if self.picker.filter.paste(text) == InputChange::Edited {
                    self.after_filter_change(ctx);
                }
            }
            Step::Name => match self.name.focus {
                NameFocus::Name => {
                    if self.name.input.paste(text) == InputChange::Edited {
                        self.name.server_error = None;
                    }
                }
                NameFocus::Tags => {
                    self.name.tags.paste(text);
                }
            },
            Step::Secret => {
                if let Some(input) = self.secret.save_path.as_mut() {
                    input.paste(text);
                }
            }
            Step::Serial => {
                if self.serial.input.paste(text) == InputChange::Edited {
                    self.serial.server_error = None;
                }
            }
            Step::Codes => self.codes.paste(text),
            Step::Type | Step::Done => {}
        }
        Nav::Stay
    }
}
