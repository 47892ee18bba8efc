//! The collector: which requests to make next, and what their answers mean. It never waits or calls
//! anything itself; a driver sends each [`Need`] (as [`Need::request`]) and hands the answer back
//! through [`Collector::fold`], which says what to ask next. Any order of answers gives the same picture.
//!
//! The fewest calls that give a live answer: ListUsers, GetAccountSummary and ListVirtualMFADevices once;
//! ListMFADevices per user (MFA state is always live) unless the caller already knows the answer; console
//! passwords from the credential report (one Generate, one Get: about a hundred times cheaper than a
//! GetLoginProfile per user, see BENCHMARKS.md), plus GetLoginProfile only for users the report does
//! not list (created since it was written), or for everyone when there is no report to be had.

use std::collections::BTreeMap;
use std::time::Duration;

use super::picture::{Known, Password, PasswordSource, Picture, ReportFacts, UserFacts};
use crate::iam::{
    AccountSummary, AssignmentFilter, CredentialReport, IamError, IamResult, LoginProfile,
    MfaDevice, Operation, Reply, ReportState, Request, User, VirtualMfaDevice, op,
};

/// How long to wait before asking again whether the credential report is ready.
pub const REPORT_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How many "not ready yet" answers before we do without the report (a minute at the interval).
pub const REPORT_POLL_LIMIT: u32 = 30;

/// A request the collector wants made.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    ListUsers,
    AccountSummary,
    VirtualDevices,
    /// GenerateCredentialReport; `again` after a "not ready yet": send it after [`REPORT_POLL_INTERVAL`].
    GenerateReport {
        again: bool,
    },
    GetReport,
    LoginProfile(String),
    MfaDevices(String),
}

impl Need {
    /// The IAM request that answers this need.
    pub fn request(&self) -> Request {
        match self {
            Self::ListUsers => op::ListUsers {}.into(),
            Self::AccountSummary => op::GetAccountSummary {}.into(),
            Self::VirtualDevices => op::ListVirtualMfaDevices {
                filter: AssignmentFilter::Any,
            }
            .into(),
            Self::GenerateReport { .. } => op::GenerateCredentialReport {}.into(),
            Self::GetReport => op::GetCredentialReport {}.into(),
            Self::LoginProfile(user_name) => op::GetLoginProfile {
                user_name: user_name.clone(),
            }
            .into(),
            Self::MfaDevices(user_name) => op::ListMfaDevices {
                user_name: user_name.clone(),
            }
            .into(),
        }
    }

    /// How long to wait before sending it.
    pub fn pause(&self) -> Option<Duration> {
        matches!(self, Self::GenerateReport { again: true }).then_some(REPORT_POLL_INTERVAL)
    }

    /// The answer to this need, out of its request's reply.
    pub fn answer(self, result: IamResult<Reply>) -> Answer {
        match self {
            Self::ListUsers => Answer::Users(op::ListUsers::answer(result)),
            Self::AccountSummary => Answer::Summary(op::GetAccountSummary::answer(result)),
            Self::VirtualDevices => {
                Answer::VirtualDevices(op::ListVirtualMfaDevices::answer(result))
            }
            Self::GenerateReport { .. } => {
                Answer::ReportState(op::GenerateCredentialReport::answer(result))
            }
            Self::GetReport => Answer::Report(op::GetCredentialReport::answer(result)),
            Self::LoginProfile(user) => {
                Answer::LoginProfile(user, op::GetLoginProfile::answer(result))
            }
            Self::MfaDevices(user) => Answer::MfaDevices(user, op::ListMfaDevices::answer(result)),
        }
    }
}

/// An answer to a [`Need`].
#[derive(Debug)]
pub enum Answer {
    Users(IamResult<Vec<User>>),
    Summary(IamResult<AccountSummary>),
    VirtualDevices(IamResult<Vec<VirtualMfaDevice>>),
    ReportState(IamResult<ReportState>),
    Report(IamResult<CredentialReport>),
    LoginProfile(String, IamResult<Option<LoginProfile>>),
    MfaDevices(String, IamResult<Vec<MfaDevice>>),
}

/// Collects the picture of one account.
#[derive(Debug, Clone, Default)]
pub struct Collector {
    picture: Picture,
    /// Devices the caller already had (the Users screen's answers): no ListMFADevices for these.
    known_devices: BTreeMap<String, Vec<MfaDevice>>,
    /// Whether the report was asked for again after it was found missing (once only).
    regenerated: bool,
}

impl Collector {
    /// A collector and its first requests.
    pub fn start() -> (Self, Vec<Need>) {
        Self::start_knowing(BTreeMap::new())
    }

    /// As [`start`](Self::start), with the devices of some users already known (fresh answers).
    pub fn start_knowing(known_devices: BTreeMap<String, Vec<MfaDevice>>) -> (Self, Vec<Need>) {
        let collector = Self {
            known_devices,
            ..Self::default()
        };
        let needs = vec![
            Need::ListUsers,
            Need::AccountSummary,
            Need::VirtualDevices,
            Need::GenerateReport { again: false },
        ];
        (collector, needs)
    }

    pub fn picture(&self) -> &Picture {
        &self.picture
    }

    pub fn is_complete(&self) -> bool {
        self.picture.is_complete()
    }

    /// Folds in an answer; returns what to ask next.
    pub fn fold(&mut self, answer: Answer) -> Vec<Need> {
        match answer {
            Answer::Users(result) => self.on_users(result),
            Answer::Summary(result) => {
                self.picture.summary = known(result);
                Vec::new()
            }
            Answer::VirtualDevices(result) => {
                self.picture.virtual_devices = known(result);
                Vec::new()
            }
            Answer::ReportState(result) => self.on_report_state(result),
            Answer::Report(result) => self.on_report(result),
            Answer::LoginProfile(user, result) => {
                if let Some(facts) = self.picture.users.get_mut(&user) {
                    facts.password = known(result.map(|profile| Password {
                        enabled: profile.is_some(),
                        source: PasswordSource::Live,
                    }));
                }
                Vec::new()
            }
            Answer::MfaDevices(user, result) => {
                if let Some(facts) = self.picture.users.get_mut(&user) {
                    facts.devices = known(result);
                }
                Vec::new()
            }
        }
    }

    /// Asks again, live, for one user's devices (after the wizard assigned one).
    pub fn recheck(&mut self, user_name: &str) -> Vec<Need> {
        match self.picture.users.get_mut(user_name) {
            Some(facts) => {
                facts.devices = Known::Waiting;
                vec![Need::MfaDevices(user_name.to_string())]
            }
            None => Vec::new(),
        }
    }

    fn on_users(&mut self, result: IamResult<Vec<User>>) -> Vec<Need> {
        let users = match result {
            Ok(users) => users,
            Err(error) => {
                self.picture.user_list = Known::Failed(error);
                return Vec::new();
            }
        };
        self.picture.user_list = Known::Known(());
        let mut needs = Vec::new();
        for user in users {
            let name = user.name.clone();
            let devices = match self.known_devices.remove(&name) {
                Some(devices) => Known::Known(devices),
                None => {
                    needs.push(Need::MfaDevices(name.clone()));
                    Known::Waiting
                }
            };
            self.picture.users.insert(
                name,
                UserFacts {
                    user,
                    password: Known::Waiting,
                    devices,
                },
            );
        }
        needs.extend(self.passwords());
        needs
    }

    fn on_report_state(&mut self, result: IamResult<ReportState>) -> Vec<Need> {
        match result {
            Ok(ReportState::Complete) => {
                self.picture.report = ReportFacts::Fetching;
                vec![Need::GetReport]
            }
            Ok(ReportState::Started | ReportState::InProgress) => {
                let polls = match self.picture.report {
                    ReportFacts::Polling { polls } => polls + 1,
                    _ => 1,
                };
                if polls >= REPORT_POLL_LIMIT {
                    let waited = REPORT_POLL_INTERVAL * polls;
                    return self.without_report(format!(
                        "IAM had not finished the credential report after {} s",
                        waited.as_secs()
                    ));
                }
                self.picture.report = ReportFacts::Polling { polls };
                vec![Need::GenerateReport { again: true }]
            }
            Err(error) => self.without_report(error.to_string()),
        }
    }

    fn on_report(&mut self, result: IamResult<CredentialReport>) -> Vec<Need> {
        match result {
            Ok(report) => {
                self.picture.report = ReportFacts::Ready(report);
                self.passwords()
            }
            // Gone between Generate and Get (it expired, or another caller's report replaced it).
            Err(error)
                if !self.regenerated
                    && matches!(error.code(), "ReportNotPresent" | "ReportExpired") =>
            {
                self.regenerated = true;
                self.picture.report = ReportFacts::Generating;
                vec![Need::GenerateReport { again: false }]
            }
            Err(error) => self.without_report(error.to_string()),
        }
    }

    fn without_report(&mut self, why: String) -> Vec<Need> {
        self.picture.report = ReportFacts::Unavailable(why);
        self.passwords()
    }

    /// Once both the users and the report are settled: passwords from the report where it lists the
    /// user, GetLoginProfile for the rest.
    fn passwords(&mut self) -> Vec<Need> {
        if !self.picture.report.is_settled() {
            return Vec::new();
        }
        let report = self.picture.report.ready().cloned();
        let mut needs = Vec::new();
        for (name, facts) in &mut self.picture.users {
            if !facts.password.is_waiting() {
                continue;
            }
            let row = report.as_ref().and_then(|report| {
                let row = report.user(name)?;
                Some((row.password_enabled?, report.generated_at))
            });
            match row {
                Some((enabled, generated_at)) => {
                    facts.password = Known::Known(Password {
                        enabled,
                        source: PasswordSource::Report(generated_at),
                    });
                }
                None => needs.push(Need::LoginProfile(name.clone())),
            }
        }
        needs
    }
}

fn known<T>(result: Result<T, IamError>) -> Known<T> {
    match result {
        Ok(value) => Known::Known(value),
        Err(error) => Known::Failed(error),
    }
}
