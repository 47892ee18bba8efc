//! The Profiles screen: a table of profiles (name, SSO, region, role and its source), the one in use
//! marked, and the connection under way or why the last one failed.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::profiles::{Listing, ProfilesState};

pub fn render(frame: &mut Frame, area: Rect, state: &ProfilesState, _app: &App) {
    let block = widgets::panel("Profiles");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [table_area, status_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(3)]).areas(inner);
    match &state.listing {
        Listing::Loading => widgets::loading(frame, table_area, "the profiles"),
        Listing::Failed(failure) => frame.render_widget(
            Paragraph::new(Line::styled(failure.to_string(), theme::error()))
                .wrap(Wrap { trim: true }),
            table_area,
        ),
        Listing::Loaded(profiles) if profiles.is_empty() => frame.render_widget(
            Paragraph::new(Line::styled(
                "The AWS config files define no profiles (aws configure, aws configure sso).",
                theme::dim(),
            ))
            .wrap(Wrap { trim: true }),
            table_area,
        ),
        Listing::Loaded(profiles) => {
            let row = |i: usize| {
                let profile = &profiles[i];
                let in_use = state.current.as_deref() == Some(profile.name.as_str());
                let name = if in_use {
                    Span::styled(format!("{} (in use)", profile.name), theme::ok())
                } else {
                    Span::raw(profile.name.clone())
                };
                let role = match (&profile.role_arn, &profile.source_profile) {
                    (Some(role), Some(source)) => format!("{role} via {source}"),
                    (Some(role), None) => role.clone(),
                    (None, Some(source)) => format!("via {source}"),
                    (None, None) => String::new(),
                };
                Row::new(vec![
                    Cell::from(name),
                    Cell::from(if profile.sso { "SSO" } else { "" }),
                    Cell::from(profile.region.clone().unwrap_or_default()),
                    Cell::from(Span::styled(role, theme::dim())),
                ])
            };
            let widths = [
                Constraint::Length(24),
                Constraint::Length(4),
                Constraint::Length(14),
                Constraint::Fill(1),
            ];
            let header = Row::new(["Profile", "SSO", "Region", "Role"]);
            widgets::cursor_table(
                frame,
                table_area,
                profiles.len(),
                row,
                widths,
                header,
                &state.cursor,
            );
        }
    }
    let status = if let Some(profile) = &state.connecting {
        Line::styled(format!("Connecting to profile {profile}…"), theme::dim())
    } else if let Some(failure) = &state.failure {
        Line::styled(
            format!("{failure}. The current profile stays in use."),
            theme::error(),
        )
    } else {
        Line::styled(
            "Enter switches the whole app to the profile: who you are is checked again, screens start over.",
            theme::dim(),
        )
    };
    frame.render_widget(
        Paragraph::new(status).wrap(Wrap { trim: true }),
        status_area,
    );
}

pub fn hints(state: &ProfilesState) -> Vec<KeyHint> {
    if state.connecting.is_some() {
        return Vec::new();
    }
    vec![
        ("↑↓", "move"),
        ("Enter", "switch"),
        ("r", "refresh"),
        ("Esc", "back"),
    ]
}
