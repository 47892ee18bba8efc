//! The collector's requests and each control's rule, on hand-made answers shaped as AWS gives them.

use super::controls::{self, Check, judge};
use super::*;
use crate::iam::{
    AccountSummary, CredentialReport, IamError, MfaDevice, REPORT_ROOT_USER, ReportRow,
    ReportState, Timestamp, User, VirtualMfaDevice,
};

const ACCOUNT: &str = "123456789012";
const REPORT_AT: Timestamp = Timestamp(1_795_400_000);

fn user(name: &str) -> User {
    User {
        name: name.into(),
        user_id: format!("AIDA{name}"),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        path: "/".into(),
        created: Timestamp(0),
        password_last_used: None,
    }
}

fn device(user: &str, serial: &str) -> MfaDevice {
    MfaDevice {
        user_name: user.into(),
        serial: serial.into(),
        enabled_at: Timestamp(1),
    }
}

fn virtual_device(name: &str, owner_arn: Option<&str>) -> VirtualMfaDevice {
    VirtualMfaDevice {
        serial: format!("arn:aws:iam::{ACCOUNT}:mfa/{name}"),
        user_name: owner_arn.map(|arn| arn.rsplit('/').next().unwrap_or(arn).to_string()),
        user_arn: owner_arn.map(str::to_string),
        enabled_at: owner_arn.map(|_| Timestamp(1)),
    }
}

fn row(user: &str, password: Option<bool>, mfa_active: bool) -> ReportRow {
    ReportRow {
        user: user.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{user}"),
        password_enabled: password,
        password_last_used: None,
        mfa_active,
    }
}

fn summary(root_mfa: bool) -> AccountSummary {
    AccountSummary {
        root_mfa_enabled: root_mfa,
        users: 0,
        mfa_devices: 0,
        mfa_devices_in_use: 0,
    }
}

/// An account: users (name, console password, devices), root's MFA and virtual devices, the report.
struct Account {
    users: Vec<(&'static str, bool, Vec<MfaDevice>)>,
    root_mfa: bool,
    virtual_devices: Vec<VirtualMfaDevice>,
    report: Option<CredentialReport>,
}

impl Account {
    fn new() -> Self {
        Self {
            users: Vec::new(),
            root_mfa: true,
            virtual_devices: Vec::new(),
            report: None,
        }
    }

    /// Answers every need as this account would, breadth first; returns the collector and what it
    /// asked, in order.
    fn collect(&self) -> (Collector, Vec<Need>) {
        let (mut collector, mut queue) = Collector::start();
        let mut asked = Vec::new();
        while let Some(need) = (!queue.is_empty()).then(|| queue.remove(0)) {
            asked.push(need.clone());
            let answer = match &need {
                Need::ListUsers => {
                    Answer::Users(Ok(self.users.iter().map(|(n, ..)| user(n)).collect()))
                }
                Need::AccountSummary => Answer::Summary(Ok(summary(self.root_mfa))),
                Need::VirtualDevices => Answer::VirtualDevices(Ok(self.virtual_devices.clone())),
                Need::GenerateReport { .. } => Answer::ReportState(match &self.report {
                    Some(_) => Ok(ReportState::Complete),
                    None => Err(IamError::access_denied(
                        crate::iam::Action::GenerateCredentialReport,
                        "no",
                    )),
                }),
                Need::GetReport => Answer::Report(Ok(self.report.clone().unwrap())),
                Need::LoginProfile(name) => {
                    let (_, password, _) = self.users.iter().find(|(n, ..)| n == name).unwrap();
                    Answer::LoginProfile(
                        name.clone(),
                        Ok(password.then(|| crate::iam::LoginProfile {
                            user_name: name.clone(),
                            created: Timestamp(0),
                        })),
                    )
                }
                Need::MfaDevices(name) => {
                    let (_, _, devices) = self.users.iter().find(|(n, ..)| n == name).unwrap();
                    Answer::MfaDevices(name.clone(), Ok(devices.clone()))
                }
            };
            queue.extend(collector.fold(answer));
        }
        assert!(collector.is_complete());
        (collector, asked)
    }

    fn judge(&self, check: Check) -> Verdict {
        judge(check, self.collect().0.picture())
    }
}

fn failing(verdict: &Verdict) -> Vec<&str> {
    verdict
        .failing
        .iter()
        .map(|f| f.principal.as_str())
        .collect()
}

#[test]
fn console_users_without_mfa_fail_iam5_and_everyone_without_mfa_fails_iam19() {
    let mut account = Account::new();
    account.users = vec![
        (
            "alice",
            true,
            vec![device("alice", "arn:aws:iam::1:mfa/alice")],
        ),
        ("bob", true, Vec::new()),
        ("ci", false, Vec::new()),
    ];
    let console = account.judge(Check::ConsoleUsersMfa);
    assert_eq!(console.status, Status::Failed);
    assert_eq!(failing(&console), ["bob"]);
    assert_eq!(
        console.failing[0].reason,
        "console password and no MFA device"
    );
    let all = account.judge(Check::AllUsersMfa);
    assert_eq!(failing(&all), ["bob", "ci"]);
    assert_eq!(
        all.failing[1].reason,
        "no MFA device (no console password: access keys only)"
    );
}

#[test]
fn a_service_account_without_password_passes_iam5() {
    let mut account = Account::new();
    account.users = vec![("ci", false, Vec::new())];
    assert_eq!(
        account.judge(Check::ConsoleUsersMfa).status,
        Status::NotApplicable
    );
    assert_eq!(account.judge(Check::AllUsersMfa).status, Status::Failed);
}

#[test]
fn any_kind_of_device_counts_as_mfa() {
    let mut account = Account::new();
    account.users = vec![
        ("hw", true, vec![device("hw", "GAHT12345678")]),
        (
            "key",
            true,
            vec![device("key", "arn:aws:iam::1:u2f/user/key/k-1")],
        ),
    ];
    assert_eq!(account.judge(Check::ConsoleUsersMfa).status, Status::Passed);
    assert_eq!(account.judge(Check::AllUsersMfa).status, Status::Passed);
}

#[test]
fn root_virtual_device_is_found_by_user_arn_and_fails_iam6() {
    let mut account = Account::new();
    account.virtual_devices = vec![virtual_device(
        "ops-phone",
        Some("arn:aws:iam::123456789012:root"),
    )];
    assert_eq!(account.judge(Check::RootMfa).status, Status::Passed);
    let hardware = account.judge(Check::RootHardwareMfa);
    assert_eq!(hardware.status, Status::Failed);
    assert_eq!(failing(&hardware), [REPORT_ROOT_USER]);
    assert_eq!(
        hardware.failing[0].reason,
        "the root user's MFA device ops-phone is a virtual device (ListVirtualMFADevices lists it for arn:aws:iam::123456789012:root), not hardware"
    );
}

#[test]
fn a_user_owned_device_named_root_account_mfa_device_is_not_roots() {
    let mut account = Account::new();
    account.users = vec![(
        "bob",
        true,
        vec![device("bob", "arn:aws:iam::1:mfa/root-account-mfa-device")],
    )];
    account.virtual_devices = vec![virtual_device(
        "root-account-mfa-device",
        Some("arn:aws:iam::123456789012:user/bob"),
    )];
    // Root has MFA (AccountMFAEnabled) and no virtual device of its own: hardware.
    assert_eq!(account.judge(Check::RootHardwareMfa).status, Status::Passed);
}

#[test]
fn root_without_mfa_fails_both_root_controls() {
    let mut account = Account::new();
    account.root_mfa = false;
    for check in [Check::RootMfa, Check::RootHardwareMfa] {
        let verdict = account.judge(check);
        assert_eq!(verdict.status, Status::Failed, "{check:?}");
        assert_eq!(
            verdict.failing[0].reason,
            "the root user has no MFA device (AccountMFAEnabled is 0)"
        );
    }
}

#[test]
fn report_passwords_are_used_and_only_users_missing_from_it_are_asked_live() {
    let mut account = Account::new();
    account.users = vec![("alice", true, Vec::new()), ("new", true, Vec::new())];
    account.report = Some(CredentialReport {
        generated_at: REPORT_AT,
        rows: vec![row("alice", Some(true), false)],
    });
    let (collector, asked) = account.collect();
    assert!(asked.contains(&Need::LoginProfile("new".into())));
    assert!(!asked.contains(&Need::LoginProfile("alice".into())));
    let alice = &collector.picture().users["alice"];
    assert_eq!(
        alice.password.known().unwrap().source,
        PasswordSource::Report(REPORT_AT)
    );
    let verdict = judge(Check::ConsoleUsersMfa, collector.picture());
    assert_eq!(failing(&verdict), ["alice", "new"]);
    assert!(
        verdict.notes[0].starts_with("Console passwords from the credential report of 2026-"),
        "{:?}",
        verdict.notes
    );
}

#[test]
fn without_a_report_every_password_is_asked_live() {
    let mut account = Account::new();
    account.users = vec![("alice", true, Vec::new()), ("bob", false, Vec::new())];
    let (collector, asked) = account.collect();
    let live: Vec<_> = asked
        .iter()
        .filter(|need| matches!(need, Need::LoginProfile(_)))
        .collect();
    assert_eq!(live.len(), 2);
    assert!(matches!(
        collector.picture().report,
        ReportFacts::Unavailable(_)
    ));
}

#[test]
fn live_mfa_and_the_report_disagreeing_is_said_with_when_scanners_catch_up() {
    let mut account = Account::new();
    account.users = vec![(
        "dana",
        true,
        vec![device("dana", "arn:aws:iam::1:mfa/dana")],
    )];
    account.report = Some(CredentialReport {
        generated_at: REPORT_AT,
        rows: vec![row("dana", Some(true), false)],
    });
    let verdict = account.judge(Check::ConsoleUsersMfa);
    assert_eq!(verdict.status, Status::Passed, "MFA state is live");
    assert!(
        verdict.notes.iter().any(|note| note
            .starts_with("dana has MFA now; the credential report of")
            && note.contains(controls::CATCH_UP)),
        "{:?}",
        verdict.notes
    );
}

#[test]
fn known_devices_are_not_asked_again_and_a_recheck_asks_live() {
    let known = [("alice".to_string(), Vec::new())].into_iter().collect();
    let (mut collector, _) = Collector::start_knowing(known);
    let needs = collector.fold(Answer::Users(Ok(vec![user("alice"), user("bob")])));
    assert_eq!(needs, [Need::MfaDevices("bob".into())]);
    assert_eq!(
        collector.recheck("alice"),
        [Need::MfaDevices("alice".into())]
    );
    assert!(collector.picture().users["alice"].devices.is_waiting());
    assert!(collector.recheck("nobody").is_empty());
}

#[test]
fn a_report_not_ready_is_polled_then_done_without() {
    let (mut collector, _) = Collector::start();
    let mut needs = Vec::new();
    for _ in 1..REPORT_POLL_LIMIT {
        needs = collector.fold(Answer::ReportState(Ok(ReportState::InProgress)));
        assert_eq!(needs, [Need::GenerateReport { again: true }]);
        assert_eq!(needs[0].pause(), Some(REPORT_POLL_INTERVAL));
    }
    needs.clear();
    needs.extend(collector.fold(Answer::ReportState(Ok(ReportState::InProgress))));
    assert!(needs.is_empty());
    assert_eq!(
        collector.picture().report,
        ReportFacts::Unavailable("IAM had not finished the credential report after 60 s".into())
    );
}

#[test]
fn failures_make_a_control_unknown_not_passed() {
    let (mut collector, _) = Collector::start();
    collector.fold(Answer::Users(Ok(vec![user("alice")])));
    collector.fold(Answer::ReportState(Err(IamError::ServiceFailure(
        "x".into(),
    ))));
    collector.fold(Answer::LoginProfile("alice".into(), Ok(None)));
    collector.fold(Answer::MfaDevices(
        "alice".into(),
        Err(IamError::ServiceFailure("down".into())),
    ));
    let verdict = judge(Check::AllUsersMfa, collector.picture());
    assert!(
        matches!(verdict.status, Status::Unknown(ref why) if why.contains("alice's MFA devices"))
    );
    assert_eq!(
        judge(Check::RootMfa, collector.picture()).status,
        Status::Waiting
    );
}

#[test]
fn controls_are_found_by_id_and_pair_up() {
    assert_eq!(
        controls::find("iam.5").unwrap().check,
        Check::ConsoleUsersMfa
    );
    assert_eq!(controls::find("CIS 2.10").unwrap().id, "2.10");
    assert!(controls::find("IAM.1").is_none());
    let ids: Vec<_> = Check::RootHardwareMfa.controls().map(|c| c.id).collect();
    assert_eq!(ids, ["IAM.6", "2.6"]);
    assert_eq!(Check::AllUsersMfa.controls().count(), 1);
}
