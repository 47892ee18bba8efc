//! The Profiles screen: the profiles of the shared config files (listed by the runtime), and Enter to
//! switch the whole app to one. The switch is the runtime's: it connects, checks who the new profile is,
//! and only then calls through it; the app then starts over on the home screen (`App::switched`). A
//! profile that fails says why here, and the current one stays in use.

use crossterm::event::KeyCode;

use super::manage::list_cursor::ListCursor;
use super::{Ctx, Event, Nav, Outcome, Response, Ticket};
use crate::iam::connect::{ConnectFailure, ProfileInfo};

/// The listing, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    Loading,
    Loaded(Vec<ProfileInfo>),
    Failed(ConnectFailure),
}

#[derive(Debug)]
pub struct ProfilesState {
    pub listing: Listing,
    pub cursor: ListCursor,
    /// The profile being connected to, while the runtime tries it.
    pub connecting: Option<String>,
    /// Why the last profile tried could not be used.
    pub failure: Option<ConnectFailure>,
    /// The profile the app uses now, when known (marked in the list).
    pub current: Option<String>,
    listing_ticket: Option<Ticket>,
    switch_ticket: Option<Ticket>,
}

impl ProfilesState {
    pub fn open(ctx: &mut Ctx) -> Self {
        let mut state = Self {
            listing: Listing::Loading,
            cursor: ListCursor::default(),
            connecting: None,
            failure: None,
            current: ctx.session.profile.clone(),
            listing_ticket: None,
            switch_ticket: None,
        };
        state.reload(ctx);
        state
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        self.listing = Listing::Loading;
        self.listing_ticket = Some(ctx.list_profiles());
    }

    pub fn profiles(&self) -> &[ProfileInfo] {
        match &self.listing {
            Listing::Loaded(profiles) => profiles,
            _ => &[],
        }
    }

    pub fn selected(&self) -> Option<&ProfileInfo> {
        self.profiles().get(self.cursor.selected)
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        match event {
            Event::Key(key) => {
                let len = self.profiles().len();
                if self
                    .cursor
                    .handle_key(key, len, ListCursor::page_for(ctx.size.1))
                {
                    return Nav::Stay;
                }
                match key.code {
                    KeyCode::Esc | KeyCode::Char('q') if self.connecting.is_none() => {
                        Nav::Pop(Outcome::Closed)
                    }
                    KeyCode::Char('r') if self.connecting.is_none() => {
                        self.reload(ctx);
                        Nav::Stay
                    }
                    KeyCode::Enter if self.connecting.is_none() => {
                        if let Some(profile) = self.selected().map(|p| p.name.clone()) {
                            self.failure = None;
                            self.switch_ticket = Some(ctx.switch_profile(profile.clone()));
                            self.connecting = Some(profile);
                        }
                        Nav::Stay
                    }
                    _ => Nav::Stay,
                }
            }
            Event::Response(ticket, response) => {
                self.on_response(ticket, response);
                Nav::Stay
            }
            // Nothing of this screen is left behind: a switch under way ends with the app reset anyway.
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }

    fn on_response(&mut self, ticket: Ticket, response: Response) {
        match response {
            Response::Profiles(result) if self.listing_ticket == Some(ticket) => {
                self.listing_ticket = None;
                self.listing = match result {
                    Ok(profiles) => Listing::Loaded(profiles),
                    Err(failure) => Listing::Failed(failure),
                };
                // Start on the profile in use.
                if let Some(index) = self
                    .current
                    .as_ref()
                    .and_then(|current| self.profiles().iter().position(|p| &p.name == current))
                {
                    self.cursor.selected = index;
                }
            }
            // A success never reaches a screen: the app starts over (`App::switched`).
            Response::Switched(Err(failure)) if self.switch_ticket == Some(ticket) => {
                self.switch_ticket = None;
                self.connecting = None;
                self.failure = Some(failure);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
