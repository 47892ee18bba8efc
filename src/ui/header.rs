//! The header, on every screen: the mode, the MFA session's expiry when there is one, and where calls go
//! on the first line; who you are, the account and the caller's ARN (partition and all) on the second.
//! Each line puts what matters most first, so a narrow terminal cuts off the least.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme;
use crate::app::{Loadable, Session};
use crate::clock::UnixSeconds;
use crate::iam::{CallerIdentity, MfaSession, Partition, Principal, Timestamp};

pub const HEIGHT: u16 = 2;

const SEPARATOR: &str = "  ·  ";

pub fn render(frame: &mut Frame, area: Rect, session: &Session, now: UnixSeconds) {
    frame.render_widget(Paragraph::new(lines(session, now)), area);
}

pub fn lines(session: &Session, now: UnixSeconds) -> Vec<Line<'static>> {
    vec![status_line(session, now), identity_line(session)]
}

fn status_line(session: &Session, now: UnixSeconds) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" iam-mfa ", theme::title().patch(theme::selected())),
        Span::raw(" "),
    ];
    let mut parts: Vec<Span<'static>> = Vec::new();
    if let Some(mode) = mode_span(session) {
        parts.push(mode);
    }
    if let Some(mfa) = session.live_mfa_session(now) {
        parts.push(Span::styled(mfa_session_text(mfa, now), theme::ok()));
    }
    if session.redact {
        parts.push(Span::styled("secrets hidden", theme::warning()));
    }
    if let Some(profile) = &session.profile {
        parts.push(Span::styled(format!("profile {profile}"), theme::accent()));
    }
    parts.push(Span::styled(session.backend.clone(), theme::accent()));
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(SEPARATOR, theme::dim()));
        }
        spans.push(part);
    }
    Line::from(spans)
}

fn mode_span(session: &Session) -> Option<Span<'static>> {
    if let Some(mode) = session.mode {
        return Some(Span::styled(mode.label(), theme::title()));
    }
    match (&session.identity, &session.may_list_users) {
        (Loadable::Loaded(_), _) if session.mode_problem().is_some() => {
            Some(Span::styled("mode unknown", theme::warning()))
        }
        (Loadable::Loaded(_), Loadable::Loading) => {
            Some(Span::styled("checking permissions…", theme::dim()))
        }
        _ => None,
    }
}

/// "MFA session until 02:14 UTC (11h 59m left)".
fn mfa_session_text(mfa: &MfaSession, now: UnixSeconds) -> String {
    let seconds_left = (mfa.expires_at.0 - now as i64).max(0);
    let minutes_left = (seconds_left + 59) / 60;
    let left = if minutes_left >= 60 {
        format!("{}h {:02}m", minutes_left / 60, minutes_left % 60)
    } else {
        format!("{minutes_left}m")
    };
    format!(
        "MFA session until {} ({left} left)",
        clock_time(mfa.expires_at)
    )
}

fn identity_line(session: &Session) -> Line<'static> {
    let identity = match &session.identity {
        Loadable::Loading => return Line::styled(" Finding out who you are…", theme::dim()),
        Loadable::Failed(error) => return Line::styled(format!(" {error}"), theme::error()),
        Loadable::Loaded(identity) => identity,
    };
    let partition = identity.partition();
    let account = match partition {
        Partition::Aws => identity.account.clone(),
        other => format!("{} ({})", identity.account, other.as_str()),
    };
    Line::from(vec![
        Span::raw(" "),
        Span::styled(who(identity), theme::title()),
        Span::styled("  account ", theme::dim()),
        Span::raw(account),
        Span::styled("  ", theme::dim()),
        Span::styled(identity.arn.clone(), theme::dim()),
    ])
}

/// The caller in words: "user jordan.lee", "root user", "role Admin (session bob)".
fn who(identity: &CallerIdentity) -> String {
    match identity.principal() {
        Principal::Root => "root user".to_string(),
        Principal::IamUser { user_name } => format!("user {user_name}"),
        Principal::AssumedRole {
            role_name,
            session_name,
        } => format!("role {role_name} (session {session_name})"),
        Principal::Federated { name } => format!("federated user {name}"),
        Principal::Other => "caller".to_string(),
    }
}

fn clock_time(at: Timestamp) -> String {
    // "2026-11-23 14:14 UTC" -> "14:14 UTC"
    at.to_string()
        .split_once(' ')
        .map(|(_, time)| time.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::headless::{FIXED_NOW, Headless};
    use crate::iam::demo::DemoIdentity;
    use crate::iam::{Action, IamError, MfaSession};

    /// The header alone, as the app draws it, `width` columns wide.
    fn header(session: &Session, width: u16) -> TestBackend {
        let mut terminal = Terminal::new(TestBackend::new(width, HEIGHT)).unwrap();
        terminal
            .draw(|frame| render(frame, frame.area(), session, FIXED_NOW))
            .unwrap();
        terminal.backend().clone()
    }

    fn text(session: &Session) -> String {
        lines(session, FIXED_NOW)
            .iter()
            .map(|line| {
                line.spans
                    .iter()
                    .map(|span| span.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The session as the app detects it on the demo account.
    async fn demo_session(identity: DemoIdentity) -> Session {
        Headless::demo(identity, 80, 24).await.app.session
    }

    /// A session for an AWS caller, detected from `arn` and the probes (`admin`: may manage others).
    fn aws_session(arn: &str, admin: bool) -> Session {
        let mut session = Session::new("AWS (profile prod, us-east-1)", false, false);
        session.record_identity(Ok(CallerIdentity {
            account: "123456789012".into(),
            arn: arn.into(),
            user_id: "AROAEXAMPLE:session".into(),
        }));
        session.record_list_probe(Ok(true));
        session.record_others_probe::<()>(match admin {
            true => Err(IamError::NoSuchEntity("no such user".into())),
            false => Err(IamError::access_denied(
                Action::ListMfaDevices,
                "not authorized",
            )),
        });
        session
    }

    #[tokio::test]
    async fn header_admin() {
        insta::assert_snapshot!(
            "header_admin",
            header(&demo_session(DemoIdentity::Admin).await, 80)
        );
    }

    #[tokio::test]
    async fn header_self_service() {
        let session = demo_session(DemoIdentity::SelfService).await;
        insta::assert_snapshot!("header_self_service", header(&session, 80));
    }

    #[tokio::test]
    async fn header_self_service_with_an_mfa_session() {
        let mut session = demo_session(DemoIdentity::SelfService).await;
        session.mfa_session = Some(MfaSession {
            serial: "arn:aws:iam::210987654321:mfa/jordan.lee-pixel".into(),
            expires_at: Timestamp(FIXED_NOW as i64 + 12 * 3_600),
        });
        insta::assert_snapshot!("header_self_service_mfa_session", header(&session, 120));
    }

    #[tokio::test]
    async fn header_root() {
        insta::assert_snapshot!(
            "header_root",
            header(&demo_session(DemoIdentity::Root).await, 80)
        );
    }

    #[test]
    fn header_role() {
        let session = aws_session(
            "arn:aws:sts::123456789012:assumed-role/OpsAdmin/alice@example.com",
            true,
        );
        insta::assert_snapshot!("header_role", header(&session, 120));
    }

    #[test]
    fn header_aws_cn() {
        let session = aws_session("arn:aws-cn:iam::123456789012:user/ops/wang.li", true);
        insta::assert_snapshot!("header_aws_cn", header(&session, 120));
    }

    #[test]
    fn partitions_show_beside_the_account() {
        let gov = aws_session(
            "arn:aws-us-gov:sts::123456789012:federated-user/carol",
            false,
        );
        let shown = text(&gov);
        assert!(shown.contains("role session"), "{shown}");
        assert!(shown.contains("federated user carol"), "{shown}");
        assert!(
            shown.contains("account 123456789012 (aws-us-gov)"),
            "{shown}"
        );
        assert!(
            shown.contains("arn:aws-us-gov:sts::123456789012:federated-user/carol"),
            "{shown}"
        );
        let commercial = text(&aws_session("arn:aws:iam::123456789012:user/alice", true));
        assert!(!commercial.contains("(aws)"), "{commercial}");
    }

    #[test]
    fn while_finding_out_and_when_the_probe_fails() {
        let mut session = Session::new("AWS", false, false);
        assert!(text(&session).contains("Finding out who you are…"));
        session.record_identity(Ok(CallerIdentity {
            account: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/alice".into(),
            user_id: "AIDA".into(),
        }));
        assert!(text(&session).contains("checking permissions…"));
        session.record_list_probe(Err(IamError::ServiceFailure("boom".into())));
        let shown = text(&session);
        assert!(shown.contains("mode unknown"), "{shown}");
        assert!(!shown.contains("self-service"), "{shown}");
    }

    #[test]
    fn a_failed_identity_is_shown() {
        let mut session = Session::new("AWS", false, false);
        session.record_identity(Err(IamError::ExpiredCredentials("token expired".into())));
        assert!(text(&session).contains("The credentials have expired: token expired"));
    }

    #[test]
    fn an_expired_mfa_session_is_not_shown() {
        let mut session = aws_session("arn:aws:iam::123456789012:user/alice", false);
        session.mfa_session = Some(MfaSession {
            serial: "arn:aws:iam::123456789012:mfa/alice".into(),
            expires_at: Timestamp(FIXED_NOW as i64 + 59),
        });
        assert!(text(&session).contains("MFA session until 14:14 UTC (1m left)"));
        session.mfa_session.as_mut().unwrap().expires_at = Timestamp(FIXED_NOW as i64);
        assert!(!text(&session).contains("MFA session"));
    }
}
