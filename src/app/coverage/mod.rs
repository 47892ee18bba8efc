//! The Coverage screen: one row per control (FSBP IAM.5/19/9/6 beside their CIS 7.0 twins), PASS or
//! FAIL with the number failing, judged live by the [`Collector`] as its answers come in. Enter lists
//! a control's failing principals; `a` on a failing IAM user opens the Assign MFA device wizard for
//! them, and when it closes that user's devices are asked for again, so the row re-checks itself.
//!
//! The rows show from the first frame ("checking" until known); the collector's needs go out at most
//! [`MAX_IN_FLIGHT`] at a time (as the Users screen and `iam-mfa audit`), fewer while IAM throttles.

use std::collections::VecDeque;

use crossterm::event::KeyCode;

use super::manage::list_cursor::ListCursor;
use super::manage::request_cap::RequestCap;
use super::{Ctx, Event, Nav, Outcome, Pending, Reply, Response, Screen, Ticket, wizard};
use crate::clock::UnixSeconds;
use crate::coverage::controls::judge;
use crate::coverage::{CONTROLS, Collector, Control, Finding, Need, Verdict};
use crate::iam::{IamError, IamResult};

/// As the Users screen and the audit: enough to hide IAM's latency, few enough to stay clear of its
/// throttling.
pub const MAX_IN_FLIGHT: usize = crate::audit::MAX_IN_FLIGHT;

/// The failing principals of one control, shown over the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingView {
    /// Position of the control in [`CONTROLS`].
    pub control: usize,
    pub cursor: ListCursor,
}

#[derive(Debug)]
pub struct CoverageState {
    collector: Collector,
    /// Needs not sent yet (the cap was reached).
    queue: VecDeque<Need>,
    /// Needs to send once the clock reaches their time (a credential report not ready yet).
    later: Vec<(UnixSeconds, Need)>,
    pending: Pending<Need>,
    pub cap: RequestCap,
    pub cursor: ListCursor,
    pub failing: Option<FailingView>,
    /// The user the wizard was opened for, to re-check when it closes.
    fixing: Option<String>,
    page: usize,
}

impl CoverageState {
    pub fn open(ctx: &mut Ctx) -> Self {
        let (collector, first) = Collector::start();
        let mut state = Self {
            collector,
            queue: VecDeque::new(),
            later: Vec::new(),
            pending: Pending::default(),
            cap: RequestCap::new(MAX_IN_FLIGHT),
            cursor: ListCursor::default(),
            failing: None,
            fixing: None,
            page: ListCursor::page_for(ctx.size.1),
        };
        state.enqueue(ctx, first);
        state
    }

    /// Every control with its verdict as things stand.
    pub fn verdicts(&self) -> Vec<(&'static Control, Verdict)> {
        CONTROLS
            .iter()
            .map(|control| (control, judge(control.check, self.collector.picture())))
            .collect()
    }

    /// The freshness and disagreement notes of all controls, each once.
    pub fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = Vec::new();
        for (_, verdict) in self.verdicts() {
            for note in verdict.notes {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
        notes
    }

    pub fn picture(&self) -> &crate::coverage::Picture {
        self.collector.picture()
    }

    pub fn is_complete(&self) -> bool {
        self.collector.is_complete()
    }

    /// The failing principals of the open sub-view.
    pub fn failing_list(&self) -> Option<(&'static Control, Vec<Finding>)> {
        let view = self.failing.as_ref()?;
        let control = &CONTROLS[view.control];
        Some((
            control,
            judge(control.check, self.collector.picture()).failing,
        ))
    }

    /// The finding under the sub-view's cursor.
    pub fn selected_finding(&self) -> Option<Finding> {
        let view = self.failing.as_ref()?;
        let (_, failing) = self.failing_list()?;
        failing.into_iter().nth(view.cursor.selected)
    }

    pub fn update(&mut self, ctx: &mut Ctx, event: Event) -> Nav {
        self.page = ListCursor::page_for(ctx.size.1);
        match event {
            Event::Key(key) if self.failing.is_some() => self.on_failing_key(ctx, key),
            Event::Key(key) => {
                if self.cursor.handle_key(key, CONTROLS.len(), self.page) {
                    return Nav::Stay;
                }
                match key.code {
                    KeyCode::Esc => Nav::Pop(Outcome::Closed),
                    KeyCode::Enter => {
                        self.failing = Some(FailingView {
                            control: self.cursor.selected.min(CONTROLS.len() - 1),
                            cursor: ListCursor::default(),
                        });
                        Nav::Stay
                    }
                    _ => Nav::Stay,
                }
            }
            Event::Response(ticket, Response::Iam(result)) => {
                self.on_response(ctx, ticket, result);
                Nav::Stay
            }
            Event::Tick => {
                self.send_due(ctx);
                Nav::Stay
            }
            Event::Resumed(outcome) => {
                let user = match outcome {
                    Outcome::Enrolled { user_name, .. } => Some(user_name),
                    _ => None,
                };
                // Closed or not, the wizard may have changed the user's devices: ask again, live.
                if let Some(user) = user.or(self.fixing.take()) {
                    let needs = self.collector.recheck(&user);
                    self.enqueue(ctx, needs);
                }
                self.fixing = None;
                self.clamp_failing();
                Nav::Stay
            }
            Event::QuitRequested => Nav::Quit,
            _ => Nav::Stay,
        }
    }

    fn on_failing_key(&mut self, ctx: &mut Ctx, key: crossterm::event::KeyEvent) -> Nav {
        let len = self.failing_list().map_or(0, |(_, failing)| failing.len());
        if let Some(view) = &mut self.failing
            && view.cursor.handle_key(key, len, self.page)
        {
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Esc => {
                self.failing = None;
                Nav::Stay
            }
            KeyCode::Char('a') => match self.selected_finding() {
                Some(finding) if !finding.is_root() => {
                    self.fixing = Some(finding.principal.clone());
                    let user_name = finding.principal;
                    Nav::Push(ctx.open(|ctx| {
                        Screen::Wizard(Box::new(wizard::WizardState::open_for_user(ctx, user_name)))
                    }))
                }
                _ => Nav::Stay,
            },
            _ => Nav::Stay,
        }
    }

    fn clamp_failing(&mut self) {
        let len = self.failing_list().map_or(0, |(_, failing)| failing.len());
        let page = self.page;
        if let Some(view) = &mut self.failing {
            view.cursor.selected = view.cursor.selected.min(len.saturating_sub(1));
            view.cursor.keep_visible(len, page);
        }
    }

    fn on_response(&mut self, ctx: &mut Ctx, ticket: Ticket, result: IamResult<Reply>) {
        let Some(need) = self.pending.take(ticket) else {
            return;
        };
        if matches!(result, Err(IamError::Throttled(_))) {
            self.cap.on_throttled();
        } else {
            self.cap.on_answer();
        }
        let more = self.collector.fold(need.answer(result));
        self.enqueue(ctx, more);
        self.clamp_failing();
    }

    fn enqueue(&mut self, ctx: &mut Ctx, needs: Vec<Need>) {
        for need in needs {
            match need.pause() {
                Some(pause) => self.later.push((ctx.now + pause.as_secs(), need)),
                None => self.queue.push_back(need),
            }
        }
        self.send_more(ctx);
    }

    fn send_due(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.later)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.later = later;
        self.queue.extend(due.into_iter().map(|(_, need)| need));
        self.send_more(ctx);
    }

    fn send_more(&mut self, ctx: &mut Ctx) {
        while self.pending.count(|_| true) < self.cap.get() {
            let Some(need) = self.queue.pop_front() else {
                return;
            };
            self.pending.call(ctx, need.request(), need);
        }
    }
}

#[cfg(test)]
mod tests;
