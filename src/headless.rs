//! Drives the app without a terminal: keys in, screen text out, effects carried out against a real IAM
//! backend through the same executor as the runtime. For tests, snapshot tests and benchmarks.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use zeroize::Zeroizing;

use crate::app::effect::Switched;
use crate::app::{App, Effect, Msg, Response, Session, Ticket};
use crate::clock::{Clock, ManualClock, SharedClock};
use crate::iam::Iam;
use crate::iam::connect::{ConnectFailure, Connector};
use crate::iam::demo::profiles::{DemoConnector, MakeAccount};
use crate::iam::demo::{DemoAccount, DemoIdentity};
use crate::runtime::executor;

/// A fixed moment for reproducible screens: 2026-11-23 14:14:00 UTC, 0 s into a TOTP window.
pub const FIXED_NOW: u64 = 1_795_443_240;

pub struct Headless {
    pub app: App,
    pub iam: Arc<dyn Iam>,
    pub clock: ManualClock,
    terminal: Terminal<TestBackend>,
    /// Effects not yet carried out (when replies are held back to see loading states).
    pending: VecDeque<Effect>,
    /// Whether effects are carried out as soon as they are returned.
    pub auto_reply: bool,
    /// When set, a call that has not answered within it is answered as the SDK answers one that timed
    /// out (`IamError::Network`, "did not answer in time"): for tests of hanging calls
    /// (`Fault::Hang`, `Fault::HangAfterApplying`). Unset, such a call waits for ever.
    pub call_timeout: Option<std::time::Duration>,
    /// What the app copied to the clipboard, and files it saved, in order.
    pub copied: Vec<Zeroizing<String>>,
    pub saved: Vec<(PathBuf, Zeroizing<Vec<u8>>)>,
    /// Lists profiles and switches between them, as the runtime's does (the demo's fictional ones).
    pub connector: Option<Arc<dyn Connector>>,
}

impl Headless {
    /// The app on the demo account, as `identity`, at [`FIXED_NOW`], in a `cols` x `rows` terminal; the
    /// start-up requests have been answered.
    pub async fn demo(identity: DemoIdentity, cols: u16, rows: u16) -> Self {
        let clock = ManualClock::at(FIXED_NOW);
        let shared: SharedClock = Arc::new(clock.clone());
        let iam: Arc<dyn Iam> =
            Arc::new(DemoAccount::new(identity, shared.clone()).with_deterministic_seeds());
        let make: MakeAccount = Box::new(move |identity| {
            DemoAccount::new(identity, shared.clone()).with_deterministic_seeds()
        });
        let connector: Arc<dyn Connector> = Arc::new(DemoConnector::new(iam.clone(), make));
        let mut this = Self::new(iam, clock, true, cols, rows).await;
        this.connector = Some(connector);
        this
    }

    pub async fn new(
        iam: Arc<dyn Iam>,
        clock: ManualClock,
        demo: bool,
        cols: u16,
        rows: u16,
    ) -> Self {
        let session = Session::new(iam.describe(), demo, false);
        let (app, effects) = App::new(session, clock.now(), (cols, rows));
        let mut this = Self {
            app,
            iam,
            clock,
            terminal: Terminal::new(TestBackend::new(cols, rows)).expect("a test terminal"),
            pending: effects.into(),
            auto_reply: true,
            call_timeout: None,
            copied: Vec::new(),
            saved: Vec::new(),
            connector: None,
        };
        this.settle().await;
        this
    }

    /// Sends a message and, with `auto_reply`, carries out every effect until the app is idle.
    pub async fn send(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        self.pending.extend(effects);
        if self.auto_reply {
            self.settle().await;
        }
    }

    pub async fn press(&mut self, key: crossterm::event::KeyEvent) {
        self.send(Msg::Key(key)).await;
    }

    pub async fn press_code(&mut self, code: crossterm::event::KeyCode) {
        self.press(crate::app::key(code)).await;
    }

    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press_code(crossterm::event::KeyCode::Char(c)).await;
        }
    }

    /// Pastes text as a terminal with bracketed paste delivers it: one message, not keystrokes.
    pub async fn paste(&mut self, text: &str) {
        self.send(Msg::Paste(text.to_string())).await;
    }

    /// Moves the clock and tells the app.
    pub async fn advance(&mut self, seconds: u64) {
        self.clock.advance(seconds);
        self.send(Msg::Tick(self.clock.now())).await;
    }

    /// Carries out every pending effect, and the effects their answers cause, until none is left.
    pub async fn settle(&mut self) {
        while let Some(effect) = self.pending.pop_front() {
            if let Some((ticket, response)) = self.carry_out(effect).await {
                let more = self.app.update(Msg::Response(ticket, response));
                self.pending.extend(more);
            }
        }
    }

    /// As [`settle`](Self::settle), but an effect not carried out within `wait` is dropped, as a request
    /// that never answers stays in flight (for `Fault::Hang` and `HangAfterApplying`). Answers how many.
    pub async fn settle_for(&mut self, wait: std::time::Duration) -> usize {
        let mut hung = 0;
        while let Some(effect) = self.pending.pop_front() {
            match tokio::time::timeout(wait, self.carry_out(effect)).await {
                Ok(Some((ticket, response))) => {
                    let more = self.app.update(Msg::Response(ticket, response));
                    self.pending.extend(more);
                }
                Ok(None) => {}
                Err(_) => hung += 1,
            }
        }
        hung
    }

    /// How many effects are waiting (with `auto_reply` off).
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }

    async fn carry_out(&mut self, effect: Effect) -> Option<(Ticket, Response)> {
        match effect {
            Effect::Call { ticket, request } => {
                let call = executor::execute(self.iam.as_ref(), request);
                let result = match self.call_timeout {
                    None => call.await,
                    Some(limit) => tokio::time::timeout(limit, call).await.unwrap_or_else(|_| {
                        Err(crate::iam::IamError::Network(
                            "the test endpoint did not answer in time".into(),
                        ))
                    }),
                };
                Some((ticket, Response::Iam(result)))
            }
            Effect::Copy { ticket, text } => {
                self.copied.push(text);
                Some((ticket, Response::Copied(Ok("test clipboard".into()))))
            }
            Effect::Save {
                ticket,
                path,
                contents,
                overwrite,
            } => {
                // A file system of the files saved so far: a second save to a name needs `overwrite`.
                if !overwrite && self.saved.iter().any(|(saved, _)| *saved == path) {
                    let exists = crate::secret_file::SaveError::Exists(path);
                    return Some((ticket, Response::Saved(Err(exists))));
                }
                self.saved.push((path.clone(), contents));
                Some((ticket, Response::Saved(Ok(path))))
            }
            Effect::ListProfiles { ticket } => {
                let result = match &self.connector {
                    Some(connector) => connector.profiles().await,
                    None => Err(ConnectFailure("no connector in this test".into())),
                };
                Some((ticket, Response::Profiles(result)))
            }
            Effect::SwitchProfile { ticket, profile } => {
                let result = match &self.connector {
                    Some(connector) => connector.connect(&profile).await,
                    None => Err(ConnectFailure("no connector in this test".into())),
                };
                let result = result.map(|iam| {
                    let backend = iam.describe();
                    self.iam = iam;
                    Switched { profile, backend }
                });
                Some((ticket, Response::Switched(result)))
            }
            Effect::Quit => None,
        }
    }

    /// Renders the app and returns the terminal's buffer (for insta snapshots: `insta::assert_snapshot!`
    /// of `backend` prints it as text).
    pub fn render(&mut self) -> &TestBackend {
        self.terminal
            .draw(|frame| crate::ui::render(frame, &self.app))
            .expect("drawing to a test backend");
        self.terminal.backend()
    }

    /// Renders the app and returns the frame as drawn, with what a backend never sees: which cells are
    /// skipped (those under an image) and which one carries an image's escape sequence.
    pub fn render_frame(&mut self) -> ratatui::buffer::Buffer {
        self.terminal
            .draw(|frame| crate::ui::render(frame, &self.app))
            .expect("drawing to a test backend")
            .buffer
            .clone()
    }

    /// The screen as plain text, one line per row, trailing spaces trimmed.
    pub fn screen_text(&mut self) -> String {
        let buffer = self.render().buffer().clone();
        let area = buffer.area;
        (0..area.height)
            .map(|y| {
                let line: String = (0..area.width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect();
                line.trim_end().to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.terminal.backend_mut().resize(cols, rows);
        let _ = self.app.update(Msg::Resize(cols, rows));
    }
}
