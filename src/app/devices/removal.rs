//! Removing a device: deactivate it (each kind's consequence stated first), then, for a virtual device,
//! offer to delete its entity, whose name stays taken otherwise. A deactivate or delete whose answer was
//! ambiguous is settled by what IAM lists (`reconcile`): gone from the user's list is deactivated, gone
//! from the account's virtual devices is deleted; still listed is not done, and said so.

use super::change::{Change, ChangeRequest, deactivate_request, delete_request};
use super::{DevicesState, Dialog, Question, describe};
use crate::app::Ctx;
use crate::app::manage::confirm::Confirm;
use crate::iam::{DeviceKind, MfaDevice, device_name_from_serial};

/// The words added when a success was read from IAM's state, not from its answer.
fn read_from_iam(lost: Option<&str>, what_iam_shows: &str) -> String {
    lost.map_or_else(String::new, |lost| {
        format!(" (IAM's answer was unclear: {lost}; {what_iam_shows})")
    })
}

impl DevicesState {
    pub(super) fn deactivate_question(&self, device: MfaDevice) -> Confirm<Question> {
        let user = &self.user_name;
        let mut lines = vec![format!("Deactivate {} for {user}?", describe(&device))];
        lines.push(match device.kind() {
            DeviceKind::Virtual => format!(
                "{user} can no longer sign in with it. The virtual device entity stays in the account, its name taken, until it is deleted: you will be asked next."
            ),
            DeviceKind::Hardware => format!(
                "{user} can no longer sign in with it. The token stays known to IAM, unassigned: hardware tokens cannot be deleted, only deactivated."
            ),
            DeviceKind::Passkey => format!(
                "{user} can no longer sign in with it. Passkeys and security keys cannot be deleted as entities, only deactivated; to use it again, register it in the console."
            ),
            DeviceKind::Sms => format!(
                "{user} can no longer sign in with it. AWS retired SMS MFA: it cannot be enabled again."
            ),
        });
        if self.device_count() == 1 {
            lines.push(format!(
                "It is {user}'s only MFA device: {user} will have no MFA left."
            ));
        }
        Confirm::new(
            "Deactivate device",
            lines,
            "deactivate",
            Question::Deactivate(device),
        )
    }

    fn delete_question(device: MfaDevice, first: Option<String>) -> Confirm<Question> {
        let mut lines: Vec<String> = first.into_iter().collect();
        lines.extend([
            format!("Delete the virtual device entity {}?", device_name_from_serial(&device.serial)),
            device.serial.clone(),
            "It is no longer assigned; deleting it frees its name. Its secret is gone for good: entries for it in authenticator apps stop working.".to_string(),
            "Press n to keep it (unassigned).".to_string(),
        ]);
        Confirm::new(
            "Delete virtual device",
            lines,
            "delete",
            Question::DeleteEntity(device),
        )
    }

    pub(super) fn deactivate(&mut self, ctx: &mut Ctx, device: MfaDevice) {
        let request = deactivate_request(&self.user_name, &device);
        self.start(ctx, ChangeRequest::new(request, Change::Deactivate(device)));
    }

    pub(super) fn delete(&mut self, ctx: &mut Ctx, device: MfaDevice) {
        let request = delete_request(&device);
        self.start(ctx, ChangeRequest::new(request, Change::Delete(device)));
    }

    /// The device is deactivated; `lost` is the unclear answer when IAM's list showed it.
    pub(super) fn deactivated(&mut self, ctx: &mut Ctx, device: MfaDevice, lost: Option<&str>) {
        let how = read_from_iam(lost, "it no longer lists the device");
        self.say(format!(
            "Deactivated {} for {}{how}",
            describe(&device),
            self.user_name
        ));
        if device.kind() == DeviceKind::Virtual {
            self.show(Dialog::Confirm(Self::delete_question(device, None)));
        }
        self.reload(ctx);
    }

    pub(super) fn deleted(&mut self, ctx: &mut Ctx, device: &MfaDevice, lost: Option<&str>) {
        let how = read_from_iam(lost, "it no longer lists the device");
        self.say(format!(
            "Deleted {}; its name is free again{how}",
            describe(device)
        ));
        self.reload(ctx);
    }

    /// An unclear delete answer, and IAM still lists the device: it was not deleted. The question comes
    /// back, saying so, so `y` tries again.
    pub(super) fn delete_not_done(&mut self, device: MfaDevice, lost: &str) {
        self.say_error(format!(
            "Could not delete {}: {lost}. IAM still lists it.",
            describe(&device)
        ));
        let first = format!("The delete did not happen ({lost}): IAM still lists the device.");
        self.show(Dialog::Confirm(Self::delete_question(device, Some(first))));
    }

    pub(super) fn kept_unassigned(&mut self, device: &MfaDevice) {
        self.say(format!(
            "Kept {} unassigned; its name stays taken until it is deleted (Virtual MFA devices screen)",
            describe(device)
        ));
    }
}
