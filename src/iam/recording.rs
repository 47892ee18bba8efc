//! An [`Iam`] that forwards every call to another and records it: the calls per action, the most in
//! flight at once, and failures it is told to answer instead. For tests and benchmarks, which need to know
//! what the app asked of IAM, and how much of it at once.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;

use super::{
    AssignmentFilter, CallerIdentity, CreatedVirtualDevice, Iam, IamError, IamResult, MfaDevice,
    MfaSession, NewVirtualDevice, Tag, User, VirtualMfaDevice,
};
use crate::otp::Seed;

/// What `may_list_users` is recorded as, apart from the ListUsers of the Users screen.
pub const LIST_USERS_PROBE: &str = "iam:ListUsers (probe)";

pub struct RecordingIam {
    inner: Arc<dyn Iam>,
    calls: Mutex<BTreeMap<&'static str, usize>>,
    failures: Mutex<HashMap<&'static str, IamError>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    hide_seeds: AtomicBool,
}

impl RecordingIam {
    pub fn new(inner: Arc<dyn Iam>) -> Self {
        Self {
            inner,
            calls: Mutex::default(),
            failures: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            hide_seeds: AtomicBool::new(false),
        }
    }

    /// Calls of `action` (e.g. "iam:ListMFADevices") since the last reset.
    pub fn calls(&self, action: &str) -> usize {
        self.calls_lock().get(action).copied().unwrap_or(0)
    }

    pub fn total_calls(&self) -> usize {
        self.calls_lock().values().sum()
    }

    /// The calls per action and the most in flight at once since the last take or reset; counting
    /// starts afresh.
    pub fn take(&self) -> (BTreeMap<&'static str, usize>, usize) {
        let calls = std::mem::take(&mut *self.calls_lock());
        let peak = self
            .peak
            .swap(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
        (calls, peak)
    }

    pub fn reset(&self) {
        self.take();
    }

    /// From now on, calls of `action` answer `error` (they are still counted).
    pub fn fail(&self, action: &'static str, error: IamError) {
        self.failures_lock().insert(action, error);
    }

    pub fn clear_failures(&self) {
        self.failures_lock().clear();
    }

    /// Answer no seed, as AWS never does after creation.
    pub fn hide_seeds(&self, hide: bool) {
        self.hide_seeds.store(hide, Ordering::SeqCst);
    }

    fn calls_lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, usize>> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn failures_lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, IamError>> {
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a call and marks it in flight until the guard is dropped (also when its future is dropped
    /// unfinished); the injected failure, if any, instead of the call.
    fn start(&self, action: &'static str) -> IamResult<InFlight<'_>> {
        *self.calls_lock().entry(action).or_default() += 1;
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        let call = InFlight(self);
        match self.failures_lock().get(action) {
            Some(error) => Err(error.clone()),
            None => Ok(call),
        }
    }
}

struct InFlight<'a>(&'a RecordingIam);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Iam for RecordingIam {
    async fn caller_identity(&self) -> IamResult<CallerIdentity> {
        let _call = self.start("sts:GetCallerIdentity")?;
        self.inner.caller_identity().await
    }

    async fn may_list_users(&self) -> IamResult<bool> {
        let _call = self.start(LIST_USERS_PROBE)?;
        self.inner.may_list_users().await
    }

    async fn list_users(&self) -> IamResult<Vec<User>> {
        let _call = self.start("iam:ListUsers")?;
        self.inner.list_users().await
    }

    async fn get_user(&self, user_name: Option<&str>) -> IamResult<User> {
        let _call = self.start("iam:GetUser")?;
        self.inner.get_user(user_name).await
    }

    async fn list_mfa_devices(&self, user_name: &str) -> IamResult<Vec<MfaDevice>> {
        let _call = self.start("iam:ListMFADevices")?;
        self.inner.list_mfa_devices(user_name).await
    }

    async fn list_virtual_mfa_devices(
        &self,
        filter: AssignmentFilter,
    ) -> IamResult<Vec<VirtualMfaDevice>> {
        let _call = self.start("iam:ListVirtualMFADevices")?;
        self.inner.list_virtual_mfa_devices(filter).await
    }

    async fn create_virtual_mfa_device(
        &self,
        request: &NewVirtualDevice,
    ) -> IamResult<CreatedVirtualDevice> {
        let _call = self.start("iam:CreateVirtualMFADevice")?;
        self.inner.create_virtual_mfa_device(request).await
    }

    async fn enable_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        let _call = self.start("iam:EnableMFADevice")?;
        self.inner
            .enable_mfa_device(user_name, serial, code1, code2)
            .await
    }

    async fn deactivate_mfa_device(&self, user_name: &str, serial: &str) -> IamResult<()> {
        let _call = self.start("iam:DeactivateMFADevice")?;
        self.inner.deactivate_mfa_device(user_name, serial).await
    }

    async fn resync_mfa_device(
        &self,
        user_name: &str,
        serial: &str,
        code1: &str,
        code2: &str,
    ) -> IamResult<()> {
        let _call = self.start("iam:ResyncMFADevice")?;
        self.inner
            .resync_mfa_device(user_name, serial, code1, code2)
            .await
    }

    async fn delete_virtual_mfa_device(&self, serial: &str) -> IamResult<()> {
        let _call = self.start("iam:DeleteVirtualMFADevice")?;
        self.inner.delete_virtual_mfa_device(serial).await
    }

    async fn tag_mfa_device(&self, serial: &str, tags: &[Tag]) -> IamResult<()> {
        let _call = self.start("iam:TagMFADevice")?;
        self.inner.tag_mfa_device(serial, tags).await
    }

    async fn untag_mfa_device(&self, serial: &str, keys: &[String]) -> IamResult<()> {
        let _call = self.start("iam:UntagMFADevice")?;
        self.inner.untag_mfa_device(serial, keys).await
    }

    async fn list_mfa_device_tags(&self, serial: &str) -> IamResult<Vec<Tag>> {
        let _call = self.start("iam:ListMFADeviceTags")?;
        self.inner.list_mfa_device_tags(serial).await
    }

    async fn start_mfa_session(
        &self,
        serial: &str,
        code: &str,
        duration: Option<Duration>,
    ) -> IamResult<MfaSession> {
        let _call = self.start("sts:GetSessionToken")?;
        self.inner.start_mfa_session(serial, code, duration).await
    }

    fn mfa_session(&self) -> Option<MfaSession> {
        self.inner.mfa_session()
    }

    fn known_seed(&self, serial: &str) -> Option<Seed> {
        if self.hide_seeds.load(Ordering::SeqCst) {
            None
        } else {
            self.inner.known_seed(serial)
        }
    }

    fn describe(&self) -> String {
        self.inner.describe()
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
        assert_eq!(iam.calls("iam:ListMFADevices"), 1);
        assert_eq!(iam.total_calls(), 2);
        let (calls, peak) = iam.take();
        assert_eq!(calls.len(), 2);
        assert!((1..=2).contains(&peak));
        assert_eq!(iam.total_calls(), 0, "take starts afresh");
    }

    #[tokio::test]
    async fn answers_injected_failures_and_hides_seeds() {
        let iam = recording();
        iam.fail("iam:ListUsers", IamError::ServiceFailure("injected".into()));
        assert_eq!(
            iam.list_users().await,
            Err(IamError::ServiceFailure("injected".into()))
        );
        assert_eq!(iam.calls("iam:ListUsers"), 1);
        iam.clear_failures();
        assert!(iam.list_users().await.is_ok());

        let serial = "arn:aws:iam::210987654321:mfa/admin-iphone";
        assert!(iam.known_seed(serial).is_some());
        iam.hide_seeds(true);
        assert!(iam.known_seed(serial).is_none());
    }
}
