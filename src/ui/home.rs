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
