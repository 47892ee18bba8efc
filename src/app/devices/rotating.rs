//! The devices screen driving a [`Rotation`]: it confirms the plan, opens the wizard where the plan
//! says, sends the old device's deactivate and delete, and goes on from IAM's state after an unclear
//! answer. Finishing a rotation always reads IAM first (reconcile, then act), so the old device is
//! deactivated only while IAM lists the new one for the user. A rotation that stops half-way is shown
//! exactly (`Rotation::stopped_lines`), kept in `unfinished`, and `f` brings it back to finish.

use super::change::{Change, ChangeRequest, deactivate_request, delete_request};
use super::rotation::plan::{RotateOrder, RotatePlan};
use super::rotation::{NextStep, Rotation, Stage};
use super::{DevicesState, Dialog, Question, describe};
use crate::app::manage::confirm::Confirm;
use crate::app::{Ctx, Nav, Outcome};
use crate::iam::IamError;

impl DevicesState {
    pub(super) fn ask_rotation(&mut self) {
        let Some(device) = self.selected().cloned() else {
            return;
        };
        let plan = RotatePlan::new(self.user_name.clone(), device, self.device_count());
        let confirm = Confirm::new(
            "Rotate device",
            plan.plan_lines(),
            "go ahead",
            Question::StartRotation(plan),
        );
        self.show(Dialog::Confirm(confirm));
    }

    /// `f`: the unfinished rotation, where it is and how to finish it.
    pub(super) fn ask_to_finish_rotation(&mut self) {
        if let Some(rotation) = self.unfinished.clone() {
            self.show_stopped(rotation, "it was left unfinished.");
        }
    }

    fn show_stopped(&mut self, rotation: Rotation, why: &str) {
        let confirm = Confirm::new(
            "Rotation stopped half-way",
            rotation.stopped_lines(why),
            "finish rotation",
            Question::ContinueRotation(rotation),
        );
        self.show(Dialog::Confirm(confirm));
    }

    /// The request of the rotation's next step on the old device, if that is what comes next.
    fn step_request(&self, rotation: &Rotation) -> Option<ChangeRequest> {
        let old = rotation.old();
        let step = rotation.next();
        match step {
            NextStep::DeactivateOld => Some(ChangeRequest::new(
                deactivate_request(&self.user_name, old),
                Change::Rotation(step),
            )),
            NextStep::DeleteOld => Some(ChangeRequest::new(
                delete_request(old),
                Change::Rotation(step),
            )),
            NextStep::Enroll | NextStep::Done => None,
        }
    }

    /// Takes the rotation's next step.
    pub(super) fn drive_rotation(&mut self, ctx: &mut Ctx, rotation: Rotation) -> Nav {
        self.unfinished = None;
        if let Some(sent) = self.step_request(&rotation) {
            self.rotation = Some(rotation);
            self.start(ctx, sent);
            return Nav::Stay;
        }
        if rotation.is_done() {
            let new_serial = rotation.new_serial().unwrap_or_default();
            self.say(format!(
                "Rotated: {} replaced by {new_serial}",
                describe(rotation.old())
            ));
            self.reload(ctx);
            return Nav::Stay;
        }
        if matches!(rotation.stage, Stage::OldRemoved { .. }) {
            // No reload here: requests sent with a push belong to the pushed screen. The list is
            // reloaded when the wizard closes.
            self.say(format!(
                "Removed {}; now enroll the new device",
                describe(rotation.old())
            ));
        }
        self.rotation = Some(rotation);
        self.open_wizard(ctx)
    }

    /// `y` on "Finish rotation" or on a stopped rotation's report: read IAM, then take the next step
    /// from where IAM says the rotation is.
    pub(super) fn continue_rotation(&mut self, ctx: &mut Ctx, rotation: Rotation) -> Nav {
        let Some(sent) = self.step_request(&rotation) else {
            return self.drive_rotation(ctx, rotation);
        };
        self.unfinished = None;
        self.rotation = Some(rotation);
        self.check(ctx, sent, None);
        Nav::Stay
    }

    pub(super) fn rotation_step_done(&mut self, ctx: &mut Ctx, step: NextStep) -> Nav {
        let Some(mut rotation) = self.rotation.take() else {
            return Nav::Stay;
        };
        match step {
            NextStep::DeactivateOld => rotation.old_deactivated(),
            NextStep::DeleteOld => rotation.old_deleted(),
            NextStep::Enroll | NextStep::Done => {}
        }
        self.drive_rotation(ctx, rotation)
    }

    /// The check after an unclear answer (`error`), or before finishing (none), has put the stage where
    /// IAM says. A step that IAM shows not taken stops the rotation; otherwise it goes on from there.
    pub(super) fn rotation_reconciled(
        &mut self,
        ctx: &mut Ctx,
        tried: NextStep,
        error: Option<&IamError>,
    ) -> Nav {
        let Some(rotation) = self.rotation.take() else {
            return Nav::Stay;
        };
        if let Some(error) = error
            && rotation.next() == tried
        {
            self.rotation = Some(rotation);
            self.rotation_stopped(ctx, &format!("{error}; IAM shows that step not taken."));
            return Nav::Stay;
        }
        if rotation.stage == Stage::Planned && rotation.plan.order == RotateOrder::EnrollFirst {
            // The new device is not in the user's list any more: the old one stays, and nothing is
            // removed on the strength of an enrollment IAM does not show.
            self.rotation = Some(rotation);
            self.rotation_stopped(ctx, "IAM does not list the new device for the user.");
            return Nav::Stay;
        }
        self.drive_rotation(ctx, rotation)
    }

    /// The rotation's step was refused (or its state could not be read): report where it stopped.
    pub(super) fn rotation_stopped(&mut self, ctx: &mut Ctx, why: &str) {
        // What IAM lists now, under the report.
        self.reload(ctx);
        let Some(rotation) = self.rotation.take() else {
            self.say_error(why.to_string());
            return;
        };
        if rotation.stage == Stage::Planned {
            let text = match rotation.plan.order {
                RotateOrder::MakeRoomFirst => format!(
                    "Could not remove {}: {why} The rotation stopped before the new device: nothing changed.",
                    describe(rotation.old())
                ),
                RotateOrder::EnrollFirst => format!(
                    "The rotation stopped: {why} {} stays enabled; nothing was removed.",
                    describe(rotation.old())
                ),
            };
            self.say_error(text);
            return;
        }
        self.say_error(format!(
            "Rotation unfinished: {why} f shows where it is and finishes it."
        ));
        self.unfinished = Some(rotation.clone());
        self.show_stopped(rotation, why);
    }

    /// `n` on a rotation's question: it stays unfinished.
    pub(super) fn rotation_left(&mut self, rotation: Rotation) {
        let text = match &rotation.stage {
            Stage::NewEnabled { new_serial } => format!(
                "Kept {}: {} now has both it and {new_serial} (f finishes the rotation)",
                describe(rotation.old()),
                rotation.plan.user_name
            ),
            _ => "Rotation unfinished: f shows where it is and finishes it".to_string(),
        };
        self.say(text);
        self.unfinished = Some(rotation);
    }

    /// The wizard of a rotation closed.
    pub(super) fn rotation_after_wizard(
        &mut self,
        ctx: &mut Ctx,
        mut rotation: Rotation,
        outcome: Outcome,
    ) -> Nav {
        match outcome {
            Outcome::Enrolled { serial, .. } => {
                rotation.enrolled(serial.clone());
                if rotation.is_done() {
                    return self.drive_rotation(ctx, rotation);
                }
                self.show(Dialog::Confirm(Confirm::new(
                    "Finish rotation",
                    rotation.plan.finish_lines(&serial),
                    "remove old device",
                    Question::ContinueRotation(rotation),
                )));
            }
            _ if rotation.stage == Stage::Planned => {
                self.say("Rotation cancelled: nothing changed");
            }
            _ => {
                self.say_error(format!(
                    "{} was removed, but no new device was enrolled (f opens the wizard again)",
                    describe(rotation.old())
                ));
                self.unfinished = Some(rotation);
            }
        }
        self.reload(ctx);
        Nav::Stay
    }
}
