//! A backend that misbehaves on purpose, for tests of what the app does when IAM does not answer as
//! hoped (DESIGN.md 5b, "ambiguous answers"). [`FaultIam`] wraps any [`Iam`] and applies rules per
//! [`Action`]: fail before the call is made, make the call and lose its answer, or never answer. Rules
//! hold for the next N calls of their action, always, or for a seeded share of them (throttling that
//! hits some calls and not others, the same ones on every run); the test picks the error. For example
//! `FaultIam::new(demo)`, then `inject(Action::CreateVirtualMfaDevice, Fault::LoseAnswer(error),
//! Times::Next(1))`: the next create makes the device and answers `error`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::layer::{Call, Layer, Layered};
use super::{Action, Iam, IamError};

/// What a rule does to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer the error without making the call: the request never reached IAM.
    FailBefore(IamError),
    /// Make the call, drop its answer and answer the error instead: the change took effect, and the
    /// caller cannot tell (a lost answer: a timeout, a dropped connection, a 5xx after the fact).
    LoseAnswer(IamError),
    /// Never answer, and do not make the call. The test drops the future or puts a timeout on it.
    Hang,
    /// Make the call, then never answer: the change took effect, and the caller waits.
    HangAfterApplying,
}

/// How long a rule holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// The next `n` calls of the action, then the rule is spent.
    Next(usize),
    Always,
    /// About `percent` of the calls, drawn from `seed`: the same calls in the same order on every run.
    /// A call the draw spares goes through (later rules for the action are not consulted).
    Share {
        percent: u8,
        seed: u64,
    },
}

#[derive(Debug)]
struct Rule {
    action: Action,
    fault: Fault,
    times: Times,
}

/// The rules of a [`FaultIam`]; also the failure injection of the recording layer.
#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<Rule>>,
}

impl Faults {
    /// From now on, calls of `action` meet `fault`, `times` times. Rules apply in the order they were
    /// added: the first live rule for the action decides.
    pub fn inject(&self, action: Action, fault: Fault, times: Times) {
        self.rules().push(Rule {
            action,
            fault,
            times,
        });
    }

    /// Drops every rule: calls go through again.
    pub fn clear(&self) {
        self.rules().clear();
    }

    /// The fault for the next call of `action`, if a rule holds; spends one of its times.
    fn next_fault(&self, action: Action) -> Option<Fault> {
        let mut rules = self.rules();
        let index = rules.iter().position(|rule| rule.action == action)?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        match &mut rule.times {
            Times::Always => {}
            Times::Share { percent, seed } => {
                if splitmix64(seed) % 100 >= u64::from(*percent) {
                    return None;
                }
            }
            Times::Next(n) => {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    rules.remove(index);
                }
            }
        }
        Some(fault)
    }

    fn rules(&self) -> MutexGuard<'_, Vec<Rule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Layer for Faults {
    fn around<'a, T: Send + 'a>(&'a self, action: Action, call: Call<'a, T>) -> Call<'a, T> {
        let Some(fault) = self.next_fault(action) else {
            return call;
        };
        Box::pin(async move {
            match fault {
                // `call` is dropped unpolled: the backend never sees it.
                Fault::FailBefore(error) => Err(error),
                Fault::LoseAnswer(error) => {
                    let _lost = call.await;
                    Err(error)
                }
                Fault::Hang => std::future::pending().await,
                Fault::HangAfterApplying => {
                    let _lost = call.await;
                    std::future::pending().await
                }
            }
        })
    }
}

/// The next number of the SplitMix64 sequence whose state is `state` (a tiny, well-spread generator;
/// the rules only need a repeatable share, not randomness).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Any backend with fault rules: `FaultIam::new(backend)`, then [`Faults::inject`] on it.
pub type FaultIam = Layered<Faults>;

impl FaultIam {
    pub fn new(below: Arc<dyn Iam>) -> Self {
        Layered::wrap(below, Faults::default())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::clock::ManualClock;
    use crate::headless::FIXED_NOW;
    use crate::iam::demo::{DemoAccount, DemoIdentity};
    use crate::iam::{AssignmentFilter, NewVirtualDevice};

    fn over_demo() -> FaultIam {
        let clock = ManualClock::at(FIXED_NOW);
        let demo = DemoAccount::empty(DemoIdentity::Admin, Arc::new(clock));
        FaultIam::new(Arc::new(demo))
    }

    fn device(name: &str) -> NewVirtualDevice {
        NewVirtualDevice {
            name: name.into(),
            path: None,
            tags: Vec::new(),
        }
    }

    async fn devices(iam: &FaultIam) -> Vec<String> {
        let listed = iam.below().list_virtual_mfa_devices(AssignmentFilter::Any);
        let listed = listed.await.expect("listed");
        listed.into_iter().map(|d| d.serial).collect()
    }

    fn network() -> IamError {
        IamError::Network("connection reset".into())
    }

    #[tokio::test]
    async fn fail_before_leaves_nothing_behind() {
        let iam = over_demo();
        let action = Action::CreateVirtualMfaDevice;
        iam.inject(action, Fault::FailBefore(network()), Times::Next(1));
        let error = iam.create_virtual_mfa_device(&device("phone")).await;
        assert_eq!(error.unwrap_err(), network());
        assert!(devices(&iam).await.is_empty(), "the call was never made");
    }

    #[tokio::test]
    async fn a_lost_answer_leaves_the_device_created() {
        let iam = over_demo();
        let failure = IamError::ServiceFailure("lost".into());
        iam.inject(
            Action::CreateVirtualMfaDevice,
            Fault::LoseAnswer(failure.clone()),
            Times::Next(1),
        );
        let answer = iam.create_virtual_mfa_device(&device("phone")).await;
        assert_eq!(answer.unwrap_err(), failure);
        assert_eq!(devices(&iam).await, ["arn:aws:iam::210987654321:mfa/phone"]);
        // The rule is spent: the retry meets the device the lost call made, as on AWS.
        let retry = iam.create_virtual_mfa_device(&device("phone")).await;
        assert!(matches!(retry, Err(IamError::EntityAlreadyExists(_))));
    }

    #[tokio::test]
    async fn a_hang_never_answers_and_makes_no_call() {
        let iam = over_demo();
        iam.inject(Action::CreateVirtualMfaDevice, Fault::Hang, Times::Always);
        let phone = device("phone");
        let call = iam.create_virtual_mfa_device(&phone);
        let waited = tokio::time::timeout(Duration::from_millis(20), call).await;
        assert!(waited.is_err(), "no answer");
        assert!(devices(&iam).await.is_empty());

        iam.inject(Action::ListUsers, Fault::HangAfterApplying, Times::Always);
        iam.clear();
        assert!(
            iam.list_users().await.is_ok(),
            "cleared rules let calls through"
        );
    }

    #[tokio::test]
    async fn hanging_after_applying_makes_the_change() {
        let iam = over_demo();
        let action = Action::CreateVirtualMfaDevice;
        iam.inject(action, Fault::HangAfterApplying, Times::Always);
        let phone = device("phone");
        let call = iam.create_virtual_mfa_device(&phone);
        let waited = tokio::time::timeout(Duration::from_millis(20), call).await;
        assert!(waited.is_err(), "no answer");
        assert_eq!(devices(&iam).await.len(), 1);
    }

    #[tokio::test]
    async fn rules_count_down_and_only_touch_their_action() {
        let iam = over_demo();
        let denied = IamError::access_denied(Action::ListUsers, "not today");
        iam.inject(
            Action::ListUsers,
            Fault::FailBefore(denied.clone()),
            Times::Next(2),
        );
        assert!(iam.list_mfa_devices("admin").await.is_ok());
        assert_eq!(iam.list_users().await, Err(denied.clone()));
        assert_eq!(iam.list_users().await, Err(denied));
        assert!(iam.list_users().await.is_ok(), "spent after two calls");
    }

    #[tokio::test]
    async fn a_share_hits_about_that_share_of_the_calls_the_same_ones_each_run() {
        let run = || async {
            let iam = over_demo();
            let throttled = IamError::Throttled("Rate exceeded".into());
            let share = Times::Share {
                percent: 20,
                seed: 7,
            };
            iam.inject(Action::ListUsers, Fault::FailBefore(throttled), share);
            let mut hits = Vec::new();
            for _ in 0..1000 {
                hits.push(iam.list_users().await.is_err());
            }
            assert!(
                iam.list_mfa_devices("admin").await.is_ok(),
                "one action only"
            );
            hits
        };
        let first = run().await;
        let failed = first.iter().filter(|&&hit| hit).count();
        assert!((150..250).contains(&failed), "{failed} of 1000");
        assert_eq!(first, run().await, "seeded: the same calls");
    }
}
