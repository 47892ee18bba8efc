//! The home screen: who you are, and the way into each part of the app.

use crossterm::event::KeyCode;

use super::{Ctx, Event, Nav, Screen, Session};
use super::{coverage, devices, profiles, users, virtual_devices, wizard};
use crate::iam::CallerMode;

/// One entry of the home menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeEntry {
    AssignDevice,
    MyDevices,
    Users,
    Coverage,
    VirtualDevices,
    Profiles,
    Quit,
}

impl HomeEntry {
    pub fn label(self) -> &'static str {
        match self {
            Self::AssignDevice => "Assign MFA device",
            Self::MyDevices => "My MFA devices",
            Self::Users => "Users",
            Self::Coverage => "Coverage",
            Self::VirtualDevices => "Virtual MFA devices",
            Self::Profiles => "Profiles",
            Self::Quit => "Quit",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::AssignDevice => "Enroll an authenticator app or a hardware TOTP token for a user",
            Self::MyDevices => "See, resync, rotate and remove your own devices",
            Self::Users => "Every user with their MFA devices: deactivate, resync, rotate, tags",
            Self::Coverage => {
                "Who can sign in without MFA: IAM.5/19/9/6 and CIS 2.10/2.5/2.6, live"
            }
            Self::VirtualDevices => "All virtual devices in the account; sweep unassigned orphans",
            Self::Profiles => "Switch to another AWS profile without restarting",
            Self::Quit => "Leave iam-mfa",
        }
    }

    pub fn shortcut(self) -> char {
        match self {
            Self::AssignDevice => 'a',
            Self::MyDevices => 'm',
            Self::Users => 'u',
            Self::Coverage => 'c',
            Self::VirtualDevices => 'v',
            Self::Profiles => 'p',
            Self::Quit => 'q',
        }
    }
}

/// The entries for this caller: a self-service user works on their own devices only; a role session has
/// no devices of its own.
pub fn entries(session: &Session) -> Vec<HomeEntry> {
    use HomeEntry::*;
    match session.mode {
        Some(CallerMode::SelfService) => {
            vec![AssignDevice, MyDevices, VirtualDevices, Profiles, Quit]
        }
        Some(CallerMode::Admin) => {
            vec![
                AssignDevice,
                Users,
                Coverage,
                MyDevices,
                VirtualDevices,
                Profiles,
                Quit,
            ]
        }
        Some(CallerMode::Root | CallerMode::Role) | None => {
            vec![
                AssignDevice,
                Users,
                Coverage,
                VirtualDevices,
                Profiles,
                Quit,
            ]
        }
    }
}

#[derive(Debug, Default)]
pub struct HomeState {
    pub selected: usize,
}

impl HomeState {
    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        let entries = entries(ctx.session);
        self.selected = self.selected.min(entries.len() - 1);
        match event {
            Event::Key(key) => match key.code {
                KeyCode::Up | KeyCode::Char('k') => {
                    self.selected = (self.selected + entries.len() - 1) % entries.len();
                    Nav::Stay
                }
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    self.selected = (self.selected + 1) % entries.len();
                    Nav::Stay
                }
                KeyCode::Enter => open(ctx, entries[self.selected]),
                KeyCode::Esc => Nav::Quit,
                KeyCode::Char(c) => match entries.iter().position(|e| e.shortcut() == c) {
                    Some(index) => {
                        self.selected = index;
                        open(ctx, entries[index])
                    }
                    None => Nav::Stay,
                },
                _ => Nav::Stay,
            },
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }
}

fn open(ctx: &mut Ctx, entry: HomeEntry) -> Nav {
    match entry {
        HomeEntry::AssignDevice => {
            Nav::Push(ctx.open(|ctx| Screen::Wizard(Box::new(wizard::WizardState::open(ctx)))))
        }
        HomeEntry::Users => Nav::Push(ctx.open(|ctx| Screen::Users(users::UsersState::open(ctx)))),
        HomeEntry::Coverage => {
            Nav::Push(ctx.open(|ctx| Screen::Coverage(coverage::CoverageState::open(ctx))))
        }
        HomeEntry::MyDevices => match ctx.session.own_user_name() {
            Some(user_name) => Nav::Push(
                ctx.open(|ctx| Screen::UserDevices(devices::DevicesState::open(ctx, user_name))),
            ),
            None => {
                ctx.notify_error("Still finding out who you are; try again in a moment");
                Nav::Stay
            }
        },
        HomeEntry::VirtualDevices => {
            Nav::Push(ctx.open(|ctx| {
                Screen::VirtualDevices(virtual_devices::VirtualDevicesState::open(ctx))
            }))
        }
        HomeEntry::Profiles => {
            Nav::Push(ctx.open(|ctx| Screen::Profiles(profiles::ProfilesState::open(ctx))))
        }
        HomeEntry::Quit => Nav::Quit,
    }
}
