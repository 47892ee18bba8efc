//! An [`Iam`] that forwards every call to another and records it: the calls per action, the most in
//! flight at once, and failures it is told to answer instead. For tests and benchmarks, which need to know
//! what the app asked of IAM, and how much of it at once. A [`Layer`] like the fault layer, whose rules
//! it uses for `fail`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::faults::{Fault, Faults, Times};
use super::layer::{Call, Layer, Layered};
use super::{Action, Iam, IamError};
use crate::otp::Seed;

/// What [`RecordingIam`] keeps: counts, the calls in flight and the failures to answer.
#[derive(Default)]
pub struct Recorder {
    calls: Mutex<BTreeMap<Action, usize>>,
    failures: Faults,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    hide_seeds: AtomicBool,
}

/// Any backend, its calls recorded: `RecordingIam::new(backend)`, then [`Recorder::calls`] on it.
pub type RecordingIam = Layered<Recorder>;

impl RecordingIam {
    pub fn new(inner: Arc<dyn Iam>) -> Self {
        Layered::wrap(inner, Recorder::default())
    }
}

impl Recorder {
    /// Calls of `action` since the last reset (the ListUsers probe of the start-up counts as ListUsers).
    pub fn calls(&self, action: Action) -> usize {
        self.calls_lock().get(&action).copied().unwrap_or(0)
    }

    pub fn total_calls(&self) -> usize {
        self.calls_lock().values().sum()
    }

    /// The calls per action and the most in flight at once since the last take or reset; counting
    /// starts afresh.
    pub fn take(&self) -> (BTreeMap<Action, usize>, usize) {
        let calls = std::mem::take(&mut *self.calls_lock());
        let peak = self
            .peak
            .swap(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        (calls, peak)
    }

    pub fn reset(&self) {
        self.take();
    }

    /// From now on, calls of `action` answer `error` (they are still counted, and not made).
    pub fn fail(&self, action: Action, error: IamError) {
        self.failures
            .inject(action, Fault::FailBefore(error), Times::Always);
    }

    pub fn clear_failures(&self) {
        self.failures.clear();
    }

    /// Answer no seed, as AWS never does after creation.
    pub fn hide_seeds(&self, hide: bool) {
        self.hide_seeds.store(hide, Ordering::SeqCst);
    }

    fn calls_lock(&self) -> MutexGuard<'_, BTreeMap<Action, usize>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a call and marks it in flight until the guard is dropped (also when its future is dropped
    /// unfinished).
    fn start(&self, action: Action) -> InFlight<'_> {
        *self.calls_lock().entry(action).or_default() += 1;
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }
}

struct InFlight<'a>(&'a Recorder);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Layer for Recorder {
    fn around<'a, T: Send + 'a>(&'a self, action: Action, call: Call<'a, T>) -> Call<'a, T> {
        let call = self.failures.around(action, call);
        Box::pin(async move {
            let _in_flight = self.start(action);
            call.await
        })
    }

    fn known_seed(&self, below: &dyn Iam, serial: &str) -> Option<Seed> {
        if self.hide_seeds.load(Ordering::SeqCst) {
            None
        } else {
            below.known_seed(serial)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::iam::demo::{DemoAccount, DemoIdentity};

    fn recording() -> RecordingIam {
        let clock = ManualClock::at(crate::headless::FIXED_NOW);
        RecordingIam::new(Arc::new(DemoAccount::new(
            DemoIdentity::Admin,
            Arc::new(clock),
        )))
    }

    #[tokio::test]
    async fn counts_calls_and_the_peak_in_flight() {
        let iam = recording();
        let (a, b) = tokio::join!(iam.list_mfa_devices("admin"), iam.list_users());
        assert!(a.is_ok() && b.is_ok());
        assert_eq!(iam.calls(Action::ListMfaDevices), 1);
        assert_eq!(iam.total_calls(), 2);
        let (calls, peak) = iam.take();
        assert_eq!(calls.len(), 2);
        assert!((1..=2).contains(&peak));
        assert_eq!(iam.total_calls(), 0, "take starts afresh");
    }

    #[tokio::test]
    async fn answers_injected_failures_and_hides_seeds() {
        let iam = recording();
        iam.fail(
            Action::ListUsers,
            IamError::ServiceFailure("injected".into()),
        );
        assert_eq!(
            iam.list_users().await,
            Err(IamError::ServiceFailure("injected".into()))
        );
        assert_eq!(iam.calls(Action::ListUsers), 1);
        iam.clear_failures();
        assert!(iam.list_users().await.is_ok());

        let serial = "arn:aws:iam::210987654321:mfa/admin-iphone";
        assert!(iam.known_seed(serial).is_some());
        iam.hide_seeds(true);
        assert!(iam.known_seed(serial).is_none());
    }
}
