//! Carries out the effects the app returns, each on a task of its own, and sends the result back to
//! the loop as a message under the effect's ticket.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::mpsc;
use zeroize::Zeroizing;

use super::copy::{self, PendingClear};
use super::executor;
use crate::app::effect::Switched;
use crate::app::{Effect, Msg, Request, Response, Ticket};
use crate::iam::Iam;
use crate::iam::connect::{ConnectFailure, Connector};

/// Messages into the loop: for the app, or for the terminal itself.
pub enum LoopMsg {
    App(Msg),
    /// Bytes for the terminal, e.g. an OSC 52 clipboard sequence.
    WriteTerminal(Zeroizing<String>),
    /// A profile switch's new backend (or why not), for [`Effects::connected`].
    Connected {
        ticket: Ticket,
        profile: String,
        result: Result<Arc<dyn Iam>, ConnectFailure>,
    },
}

#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

pub struct Effects {
    iam: Arc<dyn Iam>,
    tx: mpsc::UnboundedSender<LoopMsg>,
    clipboard: PendingClear,
    /// Device creations sent and not yet answered: at exit their answers are awaited, so that a device
    /// created at the last moment is known to the app and removed with the rest.
    creating: HashSet<Ticket>,
    /// Lists profiles and connects to one; without it the app cannot switch.
    connector: Option<Arc<dyn Connector>>,
}

impl Effects {
    pub fn new(iam: Arc<dyn Iam>, tx: mpsc::UnboundedSender<LoopMsg>) -> Self {
        Self {
            iam,
            tx,
            clipboard: PendingClear::default(),
            creating: HashSet::new(),
            connector: None,
        }
    }

    pub fn with_connector(mut self, connector: Option<Arc<dyn Connector>>) -> Self {
        self.connector = connector;
        self
    }

    /// The backend calls go to from now on: the app switched profiles.
    fn switch_to(&mut self, iam: Arc<dyn Iam>) {
        self.iam = iam;
    }

    pub fn iam(&self) -> &dyn Iam {
        self.iam.as_ref()
    }

    pub fn clipboard(&self) -> &PendingClear {
        &self.clipboard
    }

    /// Whether a device creation is still unanswered.
    pub fn creating(&self) -> bool {
        !self.creating.is_empty()
    }

    /// Notes that `msg` answers an effect, if it does.
    pub fn answered(&mut self, msg: &Msg) {
        if let Msg::Response(ticket, _) = msg {
            self.creating.remove(ticket);
        }
    }

    /// Hands one message to the app and starts the effects it asks for.
    pub fn apply(&mut self, app: &mut crate::app::App, msg: Msg) -> Flow {
        self.answered(&msg);
        let mut flow = Flow::Continue;
        for effect in app.update(msg) {
            if matches!(effect, Effect::Quit) {
                flow = Flow::Quit;
            } else {
                self.start(effect);
            }
        }
        flow
    }

    /// Starts one effect (not [`Effect::Quit`], which is the loop's to act on).
    pub fn start(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        let answer = move |ticket, response| {
            // The loop may have ended; then nobody is waiting for the answer.
            let _ = tx.send(LoopMsg::App(Msg::Response(ticket, response)));
        };
        match effect {
            Effect::Call { ticket, request } => {
                if creates_device(&request) {
                    self.creating.insert(ticket);
                }
                let iam = self.iam.clone();
                tokio::spawn(async move {
                    let result = executor::execute(iam.as_ref(), request).await;
                    answer(ticket, Response::Iam(result));
                });
            }
            Effect::Copy { ticket, text } => {
                let tx = self.tx.clone();
                let pending = self.clipboard.clone();
                tokio::spawn(async move {
                    let result = copy::copy_secret(text, tx, pending).await;
                    answer(ticket, Response::Copied(result));
                });
            }
            Effect::Save {
                ticket,
                path,
                contents,
                overwrite,
            } => {
                tokio::task::spawn_blocking(move || {
                    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
                    let result =
                        crate::secret_file::save(&path, &contents, overwrite, home.as_deref());
                    answer(ticket, Response::Saved(result));
                });
            }
            Effect::ListProfiles { ticket } => {
                let connector = self.connector.clone();
                tokio::spawn(async move {
                    let result = match connector {
                        Some(connector) => connector.profiles().await,
                        None => Err(no_connector()),
                    };
                    answer(ticket, Response::Profiles(result));
                });
            }
            Effect::SwitchProfile { ticket, profile } => {
                let connector = self.connector.clone();
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let result = match connector {
                        Some(connector) => connector.connect(&profile).await,
                        None => Err(no_connector()),
                    };
                    let _ = tx.send(LoopMsg::Connected {
                        ticket,
                        profile,
                        result,
                    });
                });
            }
            Effect::Quit => {}
        }
    }

    /// A connection made on a task becomes the backend here, on the loop, before the app hears of it:
    /// every request the app sends after the answer goes to the new profile.
    pub fn connected(
        &mut self,
        ticket: Ticket,
        profile: String,
        result: Result<Arc<dyn Iam>, ConnectFailure>,
    ) -> Msg {
        let result = result.map(|iam| {
            let backend = iam.describe();
            self.switch_to(iam);
            Switched { profile, backend }
        });
        Msg::Response(ticket, Response::Switched(result))
    }
}

fn no_connector() -> ConnectFailure {
    ConnectFailure("Switching profiles is not available here".into())
}

/// The one request whose answer the exit path waits for.
fn creates_device(request: &Request) -> bool {
    matches!(request, Request::CreateVirtualMfaDevice(_))
}
