//! Step 1: the filter, the users that match, and the highlighted user's device count.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::Loadable;
use crate::app::wizard::WizardState;
use crate::iam::MAX_DEVICES_PER_USER;
use crate::ui::theme;
use crate::ui::widgets::{self, KeyHint};

pub fn render(frame: &mut Frame, area: Rect, state: &WizardState) {
    let picker = &state.picker;
    let [filter_area, list_area, status_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let filter = Line::from(vec![
        Span::styled("Filter: ", theme::title()),
        Span::styled(picker.filter.value().to_string(), theme::accent()),
    ]);
    frame.render_widget(filter, filter_area);
    frame.set_cursor_position((
        filter_area.x + 8 + picker.filter.cursor() as u16,
        filter_area.y,
    ));
    match &picker.users {
        Loadable::Loading => widgets::loading(frame, list_area, "users"),
        Loadable::Failed(error) => widgets::failed(frame, list_area, "the users", error),
        Loadable::Loaded(_) => render_list(frame, list_area, state),
    }
    frame.render_widget(
        Paragraph::new(status(state)).wrap(Wrap { trim: true }),
        status_area,
    );
}

fn render_list(frame: &mut Frame, area: Rect, state: &WizardState) {
    let visible = state.picker.visible();
    if visible.is_empty() {
        let text = format!("No user name contains “{}”", state.picker.filter.value());
        frame.render_widget(Line::styled(text, theme::dim()), area);
        return;
    }
    let rows = usize::from(area.height).max(1);
    // Scroll so that the highlighted user stays in view.
    let first = state.picker.selected.saturating_sub(rows - 1);
    let name_width = visible.iter().map(|u| u.name.len()).max().unwrap_or(0);
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(index, user)| {
            let selected = index == state.picker.selected;
            let marker = if selected { "› " } else { "  " };
            let style = if selected {
                theme::selected()
            } else {
                Default::default()
            };
            let count = match state.device_counts.get(&user.name) {
                Some(Loadable::Loaded(n)) => format!("{n} of {MAX_DEVICES_PER_USER}"),
                Some(Loadable::Loading) => "…".to_string(),
                _ => String::new(),
            };
            Line::from(vec![
                Span::styled(marker, theme::accent()),
                Span::styled(format!("{:<name_width$}", user.name), style),
                Span::styled(format!("  {:<22}", user.path), theme::dim()),
                Span::raw(count),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(state: &WizardState) -> Line<'static> {
    if let Some(error) = &state.picker.error {
        return Line::styled(error.clone(), theme::error());
    }
    let Some(user) = state.picker.highlighted() else {
        return Line::default();
    };
    match state.device_counts.get(&user.name) {
        Some(Loadable::Loaded(n)) => {
            let style = if *n >= MAX_DEVICES_PER_USER {
                theme::warning()
            } else {
                theme::dim()
            };
            Line::styled(
                format!(
                    "{} has {n} of {MAX_DEVICES_PER_USER} MFA devices",
                    user.name
                ),
                style,
            )
        }
        Some(Loadable::Failed(error)) => Line::styled(
            format!("Could not count {}'s devices: {error}", user.name),
            theme::warning(),
        ),
        _ => Line::styled(
            format!("Counting {}'s MFA devices…", user.name),
            theme::dim(),
        ),
    }
}

pub fn hints(state: &WizardState) -> Vec<KeyHint> {
    if matches!(state.picker.users, Loadable::Failed(_)) {
        return vec![("r", "retry"), ("Esc", "cancel")];
    }
    vec![
        ("type", "filter"),
        ("↑↓", "move"),
        ("Enter", "choose"),
        ("Esc", "cancel"),
    ]
}
