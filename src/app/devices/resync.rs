//! The resync form's keys and answers. IAM keeps no readable sync state, so after an unclear answer the
//! check can only tell whether the device is still the user's: the screen says the resync is
//! unconfirmed and how to find out, rather than claim either outcome.

use crossterm::event::KeyEvent;

use super::change::{Change, ChangeRequest};
use super::{DevicesState, Dialog, describe};
use crate::app::Ctx;
use crate::app::manage::resync::{ResyncForm, ResyncKeyResult};
use crate::iam::MfaDevice;

impl DevicesState {
    pub(super) fn on_resync_key(&mut self, ctx: &mut Ctx, key: KeyEvent, mut form: ResyncForm) {
        match form.handle_key(key, ctx.now) {
            ResyncKeyResult::Stay => self.show(Dialog::Resync(form)),
            ResyncKeyResult::Cancel => {}
            ResyncKeyResult::Submit(request) => {
                let device = self.selected().cloned();
                self.show(Dialog::Resync(form));
                if let Some(device) = device {
                    self.start(ctx, ChangeRequest::new(request, Change::Resync(device)));
                }
            }
        }
    }

    pub(super) fn resynced(&mut self, device: &MfaDevice) {
        self.dialog = None;
        self.say(format!(
            "Resynchronized {}: its codes are accepted again",
            describe(device)
        ));
    }

    /// An unclear answer to the resync; `assigned` says whether IAM still lists the device for the user.
    pub(super) fn resync_unconfirmed(&mut self, device: &MfaDevice, assigned: bool, lost: &str) {
        self.dialog = None;
        let name = describe(device);
        if assigned {
            self.say_error(format!(
                "Resync of {name} unconfirmed ({lost}); IAM cannot show whether it took. Sign in with it to check, or resync again (s) with two new codes."
            ));
        } else {
            self.say_error(format!(
                "Resync of {name} unconfirmed ({lost}): IAM no longer lists it for {}. Refresh (r) to see.",
                self.user_name
            ));
        }
    }
}
