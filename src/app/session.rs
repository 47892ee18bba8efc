//! Who is calling and through what: filled in from STS and IAM answers at start, shown in the header.
//!
//! GetCallerIdentity says what kind of principal calls; root and role sessions are known from that alone.
//! For an IAM user two probes decide between admin and self-service:
//! 1. ListUsers. Denied: self-service. But AWS's own "self-manage an MFA device" policy *allows*
//!    ListUsers (the console's user list needs it), so "allowed" proves nothing yet, and:
//! 2. ListMFADevices for a user name nobody has ([`OTHERS_PROBE_USER`]). IAM authorizes before it looks
//!    the user up: a caller limited to `user/${aws:username}` gets AccessDenied (self-service), one who
//!    may manage other users gets NoSuchEntity (admin). Nothing changes in the account.
//!
//! Only AccessDenied counts as "no" (the IAM layer reads ListUsers' so); any other failure leaves the mode
//! unknown rather than calling an administrator "self-service" because of a network hiccup.

use crate::clock::UnixSeconds;
use crate::iam::{CallerIdentity, CallerMode, IamError, IamResult, MfaSession, Principal, op};

/// A valid IAM user name that no one is expected to have: the second probe asks for its devices.
pub const OTHERS_PROBE_USER: &str = "iam-mfa-permission-probe";

/// Data that arrives later: every list and lookup on screen is in one of these states.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Loadable<T> {
    #[default]
    Loading,
    Loaded(T),
    Failed(IamError),
}

impl<T> Loadable<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Self::Loaded(value) => Some(value),
            _ => None,
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self, Self::Loading)
    }

    pub fn from_result(result: Result<T, IamError>) -> Self {
        match result {
            Ok(value) => Self::Loaded(value),
            Err(error) => Self::Failed(error),
        }
    }
}

/// Whether the screen may use colours. Off when the user set `NO_COLOR` (<https://no-color.org>):
/// the theme then keeps only modifiers (bold, dim, reverse), and the QR code is drawn in the terminal's
/// own two colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Colours {
    #[default]
    On,
    Off,
}

impl Colours {
    /// The choice `NO_COLOR` asks for: any non-empty value turns colours off, an empty one does not.
    pub fn from_no_color(value: Option<&std::ffi::OsStr>) -> Self {
        match value {
            Some(value) if !value.is_empty() => Self::Off,
            _ => Self::On,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    /// Where calls go, as the backend describes itself ("demo account", "AWS (profile dev)").
    pub backend: String,
    /// The profile switched to on the Profiles screen (the one given at start shows in `backend`).
    pub profile: Option<String>,
    pub demo: bool,
    /// Hide secrets on screen (recordings).
    pub redact: bool,
    /// Set by the runtime when the terminal can show QR codes as images; half blocks otherwise.
    pub graphics: Option<super::graphics::Graphics>,
    /// Set by the runtime from `NO_COLOR`; the theme draws from it.
    pub colours: Colours,
    pub identity: Loadable<CallerIdentity>,
    /// The ListUsers probe: whether the caller may list users (AccessDenied already reads as `false`).
    pub may_list_users: Loadable<bool>,
    /// The second probe: whether the caller may read another user's MFA devices.
    pub may_manage_others: Loadable<bool>,
    /// Known once the identity (and, for an IAM user, the ListUsers probe) has answered.
    pub mode: Option<CallerMode>,
    /// The MFA session the IAM layer signs with; dropped once `now` passes its expiry.
    pub mfa_session: Option<MfaSession>,
}

impl Session {
    pub fn new(backend: impl Into<String>, demo: bool, redact: bool) -> Self {
        Self {
            backend: backend.into(),
            profile: None,
            demo,
            redact,
            graphics: None,
            colours: Colours::On,
            identity: Loadable::Loading,
            may_list_users: Loadable::Loading,
            may_manage_others: Loadable::Loading,
            mode: None,
            mfa_session: None,
        }
    }

    /// The caller's own IAM user name, when the caller is an IAM user.
    pub fn own_user_name(&self) -> Option<String> {
        self.identity.loaded().and_then(CallerIdentity::user_name)
    }

    pub fn principal(&self) -> Option<Principal> {
        self.identity.loaded().map(CallerIdentity::principal)
    }

    pub fn account(&self) -> Option<&str> {
        self.identity
            .loaded()
            .map(|identity| identity.account.as_str())
    }

    /// True when the app narrows to the caller's own user.
    pub fn is_self_service(&self) -> bool {
        self.mode == Some(CallerMode::SelfService)
    }

    /// The answer to GetCallerIdentity.
    pub fn record_identity(&mut self, result: IamResult<CallerIdentity>) {
        self.identity = Loadable::from_result(result);
        self.settle_mode();
    }

    /// The answer to the ListUsers probe. A failed probe after an earlier answer (a re-check when an MFA
    /// session starts or ends) keeps the earlier answer: one network error does not change the mode.
    pub fn record_list_probe(&mut self, result: IamResult<bool>) {
        record_probe(&mut self.may_list_users, result);
        self.settle_mode();
    }

    /// The answer to [`Self::others_probe`]: NoSuchEntity (or devices, should the user exist) means the
    /// caller may manage other users; AccessDenied means they may not.
    pub fn record_others_probe<T>(&mut self, result: IamResult<T>) {
        let answer = match result {
            Ok(_) | Err(IamError::NoSuchEntity(_)) => Ok(true),
            Err(IamError::AccessDenied { .. }) => Ok(false),
            Err(other) => Err(other),
        };
        record_probe(&mut self.may_manage_others, answer);
        self.settle_mode();
    }

    /// The second probe, when the detection waits for it: an IAM user who may list users.
    pub fn others_probe(&self) -> Option<op::ListMfaDevices> {
        let wanted = matches!(self.principal(), Some(Principal::IamUser { .. }))
            && self.may_list_users.loaded() == Some(&true)
            && self.may_manage_others.is_loading();
        wanted.then(|| op::ListMfaDevices {
            user_name: OTHERS_PROBE_USER.to_string(),
        })
    }

    /// Root and role sessions are known from the ARN alone; an IAM user needs the probes' answers.
    fn settle_mode(&mut self) {
        let Some(principal) = self.principal() else {
            self.mode = None;
            return;
        };
        let administers = match (&self.may_list_users, &self.may_manage_others) {
            (Loadable::Loaded(false), _) => Some(false),
            (Loadable::Loaded(true), Loadable::Loaded(manages)) => Some(*manages),
            _ => None,
        };
        self.mode = match principal {
            Principal::IamUser { .. } => {
                administers.map(|administers| CallerMode::detect(&principal, administers))
            }
            // The probes do not matter for these.
            _ => Some(CallerMode::detect(&principal, false)),
        };
    }

    /// Why an IAM user's mode is unknown: a probe failed for a reason other than AccessDenied.
    pub fn mode_problem(&self) -> Option<&IamError> {
        if self.mode.is_some() || self.identity.loaded().is_none() {
            return None;
        }
        match (&self.may_list_users, &self.may_manage_others) {
            (Loadable::Failed(error), _) | (Loadable::Loaded(true), Loadable::Failed(error)) => {
                Some(error)
            }
            _ => None,
        }
    }

    /// The MFA session, if there is one and it has not expired at `now`.
    pub fn live_mfa_session(&self, now: UnixSeconds) -> Option<&MfaSession> {
        self.mfa_session
            .as_ref()
            .filter(|session| is_live(session, now))
    }

    /// Drops the MFA session once `now` reaches its expiry, and returns it (to say so).
    pub fn end_expired_mfa_session(&mut self, now: UnixSeconds) -> Option<MfaSession> {
        match &self.mfa_session {
            Some(session) if !is_live(session, now) => self.mfa_session.take(),
            _ => None,
        }
    }
}

/// A failed probe after an earlier answer keeps that answer.
fn record_probe(slot: &mut Loadable<bool>, result: IamResult<bool>) {
    match result {
        Ok(answer) => *slot = Loadable::Loaded(answer),
        Err(error) if slot.loaded().is_none() => *slot = Loadable::Failed(error),
        Err(_) => {}
    }
}

/// STS credentials are good until their expiry, not at it.
fn is_live(session: &MfaSession, now: UnixSeconds) -> bool {
    i64::try_from(now).is_ok_and(|now| now < session.expires_at.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Action, Timestamp};

    fn identity(arn: &str) -> CallerIdentity {
        CallerIdentity {
            account: "123456789012".into(),
            arn: arn.into(),
            user_id: "AIDAEXAMPLE".into(),
        }
    }

    fn session() -> Session {
        Session::new("test", false, false)
    }

    #[test]
    fn no_color_with_any_value_turns_colours_off_and_empty_does_not() {
        use std::ffi::OsStr;
        assert_eq!(Colours::from_no_color(None), Colours::On);
        assert_eq!(Colours::from_no_color(Some(OsStr::new(""))), Colours::On);
        assert_eq!(Colours::from_no_color(Some(OsStr::new("1"))), Colours::Off);
        assert_eq!(Colours::from_no_color(Some(OsStr::new("0"))), Colours::Off);
    }

    fn alice() -> Session {
        let mut s = session();
        s.record_identity(Ok(identity("arn:aws:iam::123456789012:user/alice")));
        s
    }

    fn denied() -> IamError {
        IamError::access_denied(Action::ListMfaDevices, "not authorized")
    }

    #[test]
    fn an_iam_user_denied_list_users_is_self_service() {
        let mut s = alice();
        assert_eq!(s.mode, None);
        s.record_list_probe(Ok(false));
        assert_eq!(s.mode, Some(CallerMode::SelfService));
        assert_eq!(s.others_probe(), None, "no second probe needed");
    }

    #[test]
    fn listing_users_is_not_enough_to_be_an_admin() {
        let mut s = alice();
        s.record_list_probe(Ok(true));
        assert_eq!(s.mode, None, "waits for the second probe");
        assert_eq!(
            s.others_probe(),
            Some(op::ListMfaDevices {
                user_name: OTHERS_PROBE_USER.into()
            })
        );
        s.record_others_probe::<()>(Err(IamError::NoSuchEntity("no such user".into())));
        assert_eq!(s.mode, Some(CallerMode::Admin));
        assert_eq!(s.others_probe(), None);
    }

    #[test]
    fn aws_s_self_manage_policy_lists_users_but_not_others_devices() {
        let mut s = alice();
        s.record_list_probe(Ok(true));
        s.record_others_probe::<()>(Err(denied()));
        assert_eq!(s.mode, Some(CallerMode::SelfService));
    }

    #[test]
    fn the_probes_may_answer_before_the_identity() {
        let mut s = session();
        s.record_list_probe(Ok(true));
        assert_eq!(
            s.others_probe(),
            None,
            "not before we know it is an IAM user"
        );
        s.record_identity(Ok(identity("arn:aws:iam::123456789012:user/alice")));
        assert!(s.others_probe().is_some());
        s.record_others_probe(Ok(Vec::<u8>::new()));
        assert_eq!(s.mode, Some(CallerMode::Admin));
    }

    #[test]
    fn root_and_roles_need_no_probe() {
        for (arn, mode) in [
            ("arn:aws:iam::123456789012:root", CallerMode::Root),
            (
                "arn:aws:sts::123456789012:assumed-role/Ops/bob",
                CallerMode::Role,
            ),
            (
                "arn:aws-cn:sts::123456789012:federated-user/carol",
                CallerMode::Role,
            ),
        ] {
            let mut s = session();
            s.record_identity(Ok(identity(arn)));
            assert_eq!(s.mode, Some(mode), "{arn}");
        }
    }

    #[test]
    fn a_probe_failing_for_another_reason_leaves_the_mode_unknown() {
        let mut s = alice();
        s.record_list_probe(Err(IamError::Throttled("Rate exceeded".into())));
        assert_eq!(s.mode, None);
        assert_eq!(
            s.mode_problem(),
            Some(&IamError::Throttled("Rate exceeded".into()))
        );

        let mut s = alice();
        s.record_list_probe(Ok(true));
        s.record_others_probe::<()>(Err(IamError::Network("down".into())));
        assert_eq!(s.mode, None);
        assert_eq!(s.mode_problem(), Some(&IamError::Network("down".into())));
    }

    #[test]
    fn a_failed_recheck_keeps_the_earlier_answer() {
        let mut s = alice();
        s.record_list_probe(Ok(false));
        s.record_list_probe(Err(IamError::Network("down".into())));
        assert_eq!(s.mode, Some(CallerMode::SelfService));
        assert_eq!(s.mode_problem(), None);
    }

    #[test]
    fn a_failed_identity_leaves_no_mode_and_no_probe_problem() {
        let mut s = session();
        s.record_list_probe(Err(IamError::Network("down".into())));
        s.record_identity(Err(IamError::Network("down".into())));
        assert_eq!(s.mode, None);
        assert_eq!(s.mode_problem(), None);
    }

    #[test]
    fn an_mfa_session_ends_at_its_expiry() {
        let mut s = session();
        s.mfa_session = Some(MfaSession {
            serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            expires_at: Timestamp(1_000),
        });
        assert!(s.live_mfa_session(999).is_some());
        assert_eq!(s.end_expired_mfa_session(999), None);
        assert!(s.live_mfa_session(1_000).is_none());
        let ended = s.end_expired_mfa_session(1_000).expect("ended");
        assert_eq!(ended.expires_at, Timestamp(1_000));
        assert_eq!(s.mfa_session, None);
        assert_eq!(s.end_expired_mfa_session(1_001), None);
    }
}
