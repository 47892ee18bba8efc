//! The home screen: the menu, with what each entry does, and a word on the caller's mode.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::home::{HomeState, entries};
use crate::app::{App, Loadable};
use crate::iam::CallerMode;

pub fn render(frame: &mut Frame, area: Rect, state: &HomeState, app: &App) {
    let entries = entries(&app.session);
    let [menu_area, note_area] = Layout::vertical([
        Constraint::Length(entries.len() as u16 * 2 + 2),
        Constraint::Min(0),
    ])
    .areas(area);
    let block = widgets::panel("Home");
    let inner = block.inner(menu_area);
    frame.render_widget(block, menu_area);
    let mut lines = Vec::with_capacity(entries.len() * 2);
    for (index, entry) in entries.iter().enumerate() {
        let selected = index == state.selected.min(entries.len() - 1);
        let marker = if selected { "›" } else { " " };
        let label_style = if selected {
            theme::selected()
        } else {
            theme::title()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} "), theme::accent()),
            Span::styled(format!("{}", entry.shortcut()), theme::key()),
            Span::raw("  "),
            Span::styled(entry.label(), label_style),
        ]));
        lines.push(Line::styled(
            format!("      {}", entry.description()),
            theme::dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    frame.render_widget(
        Paragraph::new(mode_note(app)).wrap(Wrap { trim: true }),
        note_area.inner(ratatui::layout::Margin::new(1, 1)),
    );
}

fn mode_note(app: &App) -> Vec<Line<'static>> {
    if let Loadable::Failed(error) = &app.session.identity {
        return vec![
            Line::styled("iam-mfa cannot reach IAM as you yet.", theme::error()),
            Line::raw(error.to_string()),
            Line::raw(""),
            Line::raw("Fix it and start again (q quits)."),
        ];
    }
    let partition = app
        .session
        .identity
        .loaded()
        .map(|identity| identity.partition());
    match app.session.mode {
        Some(CallerMode::Root) => vec![
            Line::styled(
                "You are signed in as the account's root user.",
                theme::warning(),
            ),
            Line::raw(format!(
                "MFA for the root user can only be set in the console: {} → your account name (top right) → Security credentials → Multi-factor authentication → Assign MFA device. You can still manage IAM users' devices here.",
                partition
                    .map(|p| p.console_url())
                    .unwrap_or("the IAM console")
            )),
        ],
        Some(CallerMode::SelfService) => vec![Line::raw(
            "You may manage your own MFA devices. Adding a second device or removing one asks for a code from a device you already have (an MFA session).",
        )],
        Some(CallerMode::Role) => vec![Line::raw(
            "You are in a role session: manage IAM users' devices; a role has no MFA devices of its own.",
        )],
        Some(CallerMode::Admin) | None => Vec::new(),
    }
}

pub fn hints(_state: &HomeState) -> Vec<KeyHint> {
    vec![("↑↓", "move"), ("Enter", "open"), ("q", "quit")]
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::{App, Effect, Msg, Response, Session, key};
    use crate::headless::{FIXED_NOW, Headless};
    use crate::iam::IamError;
    use crate::iam::demo::DemoIdentity;

    fn draw(app: &App, cols: u16, rows: u16) -> TestBackend {
        let mut terminal = Terminal::new(TestBackend::new(cols, rows)).unwrap();
        terminal
            .draw(|frame| crate::ui::render(frame, app))
            .unwrap();
        terminal.backend().clone()
    }

    /// The app as it starts, before STS and IAM have answered.
    fn starting(cols: u16, rows: u16) -> (App, Vec<Effect>) {
        App::new(
            Session::new("AWS (profile dev)", false, false),
            FIXED_NOW,
            (cols, rows),
        )
    }

    #[test]
    fn home_loading() {
        for (cols, rows) in [(80, 24), (120, 40)] {
            let (app, _) = starting(cols, rows);
            insta::assert_snapshot!(
                format!("home_loading_{cols}x{rows}"),
                draw(&app, cols, rows)
            );
        }
    }

    #[test]
    fn home_without_credentials() {
        for (cols, rows) in [(80, 24), (120, 40)] {
            let (mut app, effects) = starting(cols, rows);
            for effect in effects {
                let Effect::Call { ticket, .. } = effect else {
                    continue;
                };
                let error = IamError::Credentials(
                    "none found in the environment, config files or SSO".into(),
                );
                app.update(Msg::Response(ticket, Response::Iam(Err(error))));
            }
            insta::assert_snapshot!(
                format!("home_no_credentials_{cols}x{rows}"),
                draw(&app, cols, rows)
            );
        }
    }

    #[tokio::test]
    async fn home_loaded_for_each_identity() {
        for (identity, name) in [
            (DemoIdentity::Admin, "admin"),
            (DemoIdentity::SelfService, "self_service"),
            (DemoIdentity::Root, "root"),
        ] {
            for (cols, rows) in [(80, 24), (120, 40)] {
                let mut headless = Headless::demo(identity, cols, rows).await;
                insta::assert_snapshot!(format!("home_{name}_{cols}x{rows}"), headless.render());
            }
        }
    }

    #[tokio::test]
    async fn help_overlay() {
        for (cols, rows) in [(80, 24), (120, 40)] {
            let mut headless = Headless::demo(DemoIdentity::Admin, cols, rows).await;
            headless
                .press_code(crossterm::event::KeyCode::Char('?'))
                .await;
            assert!(headless.app.help_open);
            insta::assert_snapshot!(format!("help_{cols}x{rows}"), headless.render());
            headless.press(key(crossterm::event::KeyCode::Esc)).await;
            assert!(!headless.app.help_open);
        }
    }
}
