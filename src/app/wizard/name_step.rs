//! Step 2: the device name (defaults to the user name) and optional tags. The name is checked as it is
//! typed: IAM's rule, and whether a virtual device in the account already holds it. A name held by an
//! unassigned orphan (an abandoned enrollment) can be freed: the wizard reads its tags first, so that
//! another run's enrollment in progress (the marker of `enrollment_marker`) is not taken for abandoned,
//! and deletes the orphan only when the virtual device is created (a hardware token needs no name).

use crossterm::event::{KeyCode, KeyEvent};

use super::{Dialog, Problem, Purpose, Step, WizardState};
use crate::app::enrollment_marker::Standing;
use crate::app::text_input::TextInput;
use crate::app::{Ctx, Nav};
use crate::iam::{IamError, IamResult, MAX_DEVICES_PER_USER, Tag, op, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NameFocus {
    #[default]
    Name,
    Tags,
}

#[derive(Debug, Default)]
pub struct NameForm {
    pub input: TextInput,
    /// `key=value, key=value`
    pub tags: TextInput,
    pub focus: NameFocus,
    /// What IAM said when creation failed for this name (EntityAlreadyExists).
    pub server_error: Option<String>,
}

/// Why the typed name cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Invalid(String),
    /// A device assigned to someone holds it.
    Assigned {
        user_name: String,
    },
    /// An unassigned device holds it: it may be deleted to free the name.
    Orphan {
        serial: String,
    },
    /// IAM said it is taken (the account list was older, or could not be read).
    TakenInIam(String),
}

impl NameProblem {
    pub fn message(&self) -> String {
        match self {
            Self::Invalid(why) => why.clone(),
            Self::Assigned { user_name } => {
                format!("Taken: a device of that name is assigned to {user_name}")
            }
            Self::Orphan { .. } => {
                "Held by an unassigned device: Enter tells whether it is in use and offers to free the name".into()
            }
            Self::TakenInIam(message) => message.clone(),
        }
    }
}

/// The offer to free a name held by an unassigned device, with what its tags say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrphanOffer {
    pub serial: String,
    /// From its enrollment marker; `Err`: its tags could not be read (why).
    pub standing: Result<Standing, String>,
    /// The user pressed `!` to free the name of an enrollment in progress all the same.
    pub insisted: bool,
}

impl OrphanOffer {
    /// Another run is enrolling it and the user has not insisted: `y` does nothing.
    pub fn blocked(&self) -> bool {
        matches!(self.standing, Ok(standing) if standing.in_progress()) && !self.insisted
    }
}

impl NameForm {
    pub fn parsed_tags(&self) -> Result<Vec<Tag>, String> {
        validate::parse_tag_list(self.tags.value())
    }
}

impl WizardState {
    /// Checks the typed name against IAM's rule and the account's devices (IAM names ignore case).
    pub fn name_problem(&self) -> Option<NameProblem> {
        let name = self.name.input.value();
        if let Err(why) = validate::device_name(name) {
            return Some(NameProblem::Invalid(why));
        }
        let holder = self
            .taken
            .loaded()
            .and_then(|devices| devices.iter().find(|d| d.name().eq_ignore_ascii_case(name)));
        match holder {
            Some(device) => Some(match &device.user_name {
                Some(user_name) => NameProblem::Assigned {
                    user_name: user_name.clone(),
                },
                None => NameProblem::Orphan {
                    serial: device.serial.clone(),
                },
            }),
            None => self.name.server_error.clone().map(NameProblem::TakenInIam),
        }
    }

    /// True when the chosen user already has the most devices IAM allows.
    pub fn user_at_limit(&self) -> bool {
        self.chosen_user_count()
            .is_some_and(|n| n >= MAX_DEVICES_PER_USER)
    }

    pub(super) fn on_name_key(&mut self, ctx: &mut Ctx, key: KeyEvent) -> Nav {
        match key.code {
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.name.focus = match self.name.focus {
                    NameFocus::Name => NameFocus::Tags,
                    NameFocus::Tags => NameFocus::Name,
                };
                Nav::Stay
            }
            KeyCode::Enter => {
                self.submit_name(ctx);
                Nav::Stay
            }
            KeyCode::Esc if self.user_fixed => self.leave_naming_lost(ctx, false),
            KeyCode::Esc => {
                self.step = Step::User;
                Nav::Stay
            }
            _ => {
                let field = match self.name.focus {
                    NameFocus::Name => &mut self.name.input,
                    NameFocus::Tags => &mut self.name.tags,
                };
                if field.handle_key(key) == crate::app::text_input::InputChange::Edited
                    && self.name.focus == NameFocus::Name
                {
                    self.name.server_error = None;
                }
                Nav::Stay
            }
        }
    }

    fn submit_name(&mut self, ctx: &mut Ctx) {
        // An earlier "free this name" was for the name as it was then.
        self.orphan_to_free = None;
        if self.user_at_limit() {
            return;
        }
        match self.name_problem() {
            Some(NameProblem::Orphan { serial }) => {
                // ListVirtualMFADevices returns no tags: read them for the enrollment marker.
                let request = op::ListMfaDeviceTags {
                    serial: serial.clone(),
                };
                self.send(ctx, request, Purpose::OrphanTags(serial));
            }
            Some(_) => self.name.focus = NameFocus::Name,
            None if self.name.parsed_tags().is_err() => self.name.focus = NameFocus::Tags,
            None => self.step = Step::Type,
        }
    }

    pub(super) fn on_orphan_tags(
        &mut self,
        ctx: &mut Ctx,
        serial: String,
        tags: IamResult<Vec<Tag>>,
    ) {
        let standing = tags
            .map(|tags| Standing::of(&tags, ctx.now))
            .map_err(|error| error.to_string());
        self.dialog = Some(Dialog::OrphanOffer(OrphanOffer {
            serial,
            standing,
            insisted: false,
        }));
    }

    pub(super) fn on_orphan_offer_key(
        &mut self,
        ctx: &mut Ctx,
        mut offer: OrphanOffer,
        key: KeyEvent,
    ) -> Nav {
        match key.code {
            KeyCode::Char('y') if !offer.blocked() => {
                ctx.notify(format!(
                    "{} will be deleted when the authenticator app is created (a hardware token leaves it)",
                    offer.serial
                ));
                self.orphan_to_free = Some(offer.serial);
                self.step = Step::Type;
            }
            KeyCode::Char('!') if offer.blocked() => {
                offer.insisted = true;
                self.dialog = Some(Dialog::OrphanOffer(offer));
            }
            KeyCode::Esc | KeyCode::Char('n') => {}
            _ => self.dialog = Some(Dialog::OrphanOffer(offer)),
        }
        Nav::Stay
    }

    pub(super) fn on_orphan_deleted(
        &mut self,
        ctx: &mut Ctx,
        serial: String,
        result: IamResult<()>,
    ) -> Nav {
        match result {
            // Gone already: the name is free all the same.
            Ok(()) | Err(IamError::NoSuchEntity(_)) => {
                self.forget_taken(&serial);
                self.orphan_to_free = None;
                ctx.notify(format!("Deleted the unassigned device {serial}"));
                // It was deleted to make room for this one.
                self.create_virtual(ctx);
            }
            Err(error) => {
                let request = op::DeleteVirtualMfaDevice {
                    serial: serial.clone(),
                };
                if let Some(nav) = self.offer_mfa_session(
                    ctx,
                    &error,
                    request,
                    Purpose::DeleteOrphan(serial),
                    "Deleting the unassigned device needs an MFA session",
                ) {
                    return nav;
                }
                self.orphan_to_free = None;
                self.step = Step::Name;
                self.dialog = Some(Dialog::Problem(Problem::new(
                    "Could not delete the unassigned device",
                    error,
                    Some("Choose another name, or ask an administrator to delete it.".into()),
                )));
            }
        }
        Nav::Stay
    }

    /// Drops a deleted device from the list of taken names.
    pub(super) fn forget_taken(&mut self, serial: &str) {
        if let crate::app::Loadable::Loaded(devices) = &mut self.taken {
            devices.retain(|d| d.serial != serial);
        }
    }
}
