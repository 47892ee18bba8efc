//! How far a command is (`iam-mfa list`, `audit`), as one line on stderr that is cleared when the work
//! ends. Drawn only when stderr is a terminal, never into a pipe or a file (stdout, the command's
//! output, is never touched), and only once the work has taken longer than [`DELAY`], so quick runs
//! print nothing at all. No colours (NO_COLOR holds without asking).
//!
//! ```ignore
//! let progress = Progress::new("Reading users", Some(users.len() as u64));
//! let report = progress.around(audit(iam, &users, || progress.inc(1))).await;
//! progress.finish();
//! ```

use std::borrow::Cow;
use std::future::Future;
use std::io::IsTerminal;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work that ends sooner shows no progress.
pub const DELAY: Duration = Duration::from_millis(300);
/// How often a shown line is redrawn (the spinner turns, the elapsed time moves).
const TICK: Duration = Duration::from_millis(120);

/// Where progress may be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// stderr, which is a terminal.
    Terminal,
    /// Nowhere: stderr is a pipe or a file.
    Nowhere,
}

impl Place {
    /// stderr if it is a terminal.
    pub fn stderr() -> Self {
        if std::io::stderr().is_terminal() {
            Self::Terminal
        } else {
            Self::Nowhere
        }
    }
}

/// One job's progress line: `what`, and `n of N` with a bar once the total is known.
pub struct Progress {
    bar: ProgressBar,
    place: Place,
    /// Set once the work has lasted [`DELAY`] on a terminal.
    shown: AtomicBool,
}

impl Progress {
    /// Progress on stderr if it is a terminal; `total` steps, or `None` while not known.
    pub fn new(what: impl Into<Cow<'static, str>>, total: Option<u64>) -> Self {
        Self::at(Place::stderr(), what, total)
    }

    pub fn at(place: Place, what: impl Into<Cow<'static, str>>, total: Option<u64>) -> Self {
        // Hidden until the work has lasted DELAY (see `around`).
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_message(what);
        let this = Self {
            bar,
            place,
            shown: AtomicBool::new(false),
        };
        match total {
            Some(total) => this.set_total(total),
            None => this.bar.set_style(spinner_style()),
        }
        this
    }

    /// The number of steps, once known.
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_style(count_style());
    }

    /// `n` more steps done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Steps done so far.
    pub fn position(&self) -> u64 {
        self.bar.position()
    }

    /// Whether the line is drawn (stderr is a terminal and the work has lasted [`DELAY`]).
    pub fn is_shown(&self) -> bool {
        self.shown.load(Ordering::Relaxed)
    }

    /// Runs `work`, showing the line once it has lasted [`DELAY`] and redrawing it while it lasts.
    pub async fn around<T>(&self, work: impl Future<Output = T>) -> T {
        let mut work = pin!(work);
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + DELAY, TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                done = &mut work => return done,
                _ = ticks.tick() => self.show(),
            }
        }
    }

    fn show(&self) {
        if self.place == Place::Terminal && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.tick();
    }

    /// Clears the line: the command's own output follows on a clean terminal.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}… {elapsed}").expect("a valid template")
}

fn count_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {pos} of {len}  {wide_bar}  {elapsed}")
        .expect("a valid template")
        .progress_chars("█▉▊▋▌▍▎▏ ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn quick_work_is_never_shown() {
        let progress = Progress::at(Place::Terminal, "Listing", None);
        let answer = progress.around(async { 42 }).await;
        assert_eq!(answer, 42);
        assert!(!progress.is_shown());
        progress.finish();
    }

    #[tokio::test]
    async fn long_work_is_shown_on_a_terminal_and_nowhere_else() {
        for (place, shown) in [(Place::Terminal, true), (Place::Nowhere, false)] {
            let progress = Progress::at(place, "Reading users", Some(3));
            progress
                .around(async {
                    progress.inc(2);
                    tokio::time::sleep(DELAY * 2).await;
                })
                .await;
            assert_eq!(progress.is_shown(), shown, "{place:?}");
            assert_eq!(progress.position(), 2);
            progress.finish();
        }
    }
}
