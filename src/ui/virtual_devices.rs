//! Virtual MFA devices: the filter, the table with marks for the sweep, the confirmation and the report.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::Loadable;
use crate::app::virtual_devices::{Sweep, VirtualDevicesState, short_name};
use crate::iam::AssignmentFilter;

pub fn render(frame: &mut Frame, area: Rect, state: &VirtualDevicesState, _app: &App) {
    let block = widgets::panel("Virtual MFA devices");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [filter_area, table_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(filter_line(state), filter_area);
    match &state.devices {
        Loadable::Loading => widgets::loading(frame, table_area, "virtual MFA devices"),
        Loadable::Failed(error) => {
            widgets::failed(frame, table_area, "the virtual MFA devices", error)
        }
        Loadable::Loaded(devices) if devices.is_empty() => {
            let text = match state.filter {
                AssignmentFilter::Unassigned => "No unassigned virtual devices: nothing to sweep.",
                AssignmentFilter::Assigned => "No virtual device is assigned to anyone.",
                AssignmentFilter::Any => "The account has no virtual MFA devices.",
            };
            frame.render_widget(Line::styled(text, theme::dim()), table_area);
        }
        Loadable::Loaded(devices) => {
            let row = |i: usize| {
                let device = &devices[i];
                let mark = match (device.is_assigned(), state.marked.contains(&device.serial)) {
                    (false, true) => Span::styled("[x]", theme::warning()),
                    (false, false) => Span::raw("[ ]"),
                    (true, _) => Span::raw(""),
                };
                let user = match &device.user_name {
                    Some(user) => Span::raw(user.clone()),
                    None => Span::styled("unassigned", theme::warning()),
                };
                let enabled = device.enabled_at.map(|t| t.to_string()).unwrap_or_default();
                Row::new(vec![
                    Cell::from(mark),
                    Cell::from(device.name().to_string()),
                    Cell::from(user),
                    Cell::from(Span::styled(enabled, theme::dim())),
                ])
            };
            let widths = [
                Constraint::Length(3),
                Constraint::Min(20),
                Constraint::Min(14),
                Constraint::Length(20),
            ];
            let header = Row::new(["", "Device", "Assigned to", "Enabled"]);
            widgets::cursor_table(
                frame,
                table_area,
                devices.len(),
                row,
                widths,
                header,
                &state.cursor,
            );
        }
    }
    if let Some(message) = &state.message {
        frame.render_widget(widgets::status_line(message), status_area);
    } else if let Some(selected) = state.selected() {
        frame.render_widget(
            Line::styled(selected.serial.clone(), theme::dim()),
            status_area,
        );
    }
    if let Some(confirm) = &state.confirm {
        super::manage::confirm::render(frame, area, confirm);
    } else if let Some(sweep) = &state.sweep {
        render_sweep(frame, area, sweep, state.sweeping());
    }
}

fn filter_line(state: &VirtualDevicesState) -> Line<'static> {
    let mut spans = vec![Span::styled("Showing: ", theme::title())];
    for filter in [
        AssignmentFilter::Any,
        AssignmentFilter::Assigned,
        AssignmentFilter::Unassigned,
    ] {
        let style = if filter == state.filter {
            theme::selected()
        } else {
            theme::dim()
        };
        spans.push(Span::styled(format!(" {} ", filter.label()), style));
    }
    if !state.marked.is_empty() {
        spans.push(Span::styled(
            format!("   {} marked for deletion", state.marked.len()),
            theme::warning(),
        ));
    }
    Line::from(spans)
}

fn render_sweep(frame: &mut Frame, area: Rect, sweep: &Sweep, running: bool) {
    let mut lines = Vec::new();
    if running {
        let words = widgets::progress_text("Deleting", sweep.done_count() + 1, sweep.total);
        lines.push(widgets::progress_line(
            words,
            sweep.done_count(),
            sweep.total,
            area.width,
        ));
    }
    if !sweep.deleted.is_empty() {
        lines.push(Line::styled(
            format!("Deleted {}:", sweep.deleted.len()),
            theme::ok(),
        ));
        lines.extend(
            sweep
                .deleted
                .iter()
                .map(|serial| Line::raw(format!("  {}", short_name(serial)))),
        );
    }
    if !sweep.failed.is_empty() {
        lines.push(Line::styled(
            format!("Failed {}:", sweep.failed.len()),
            theme::error(),
        ));
        let width = super::manage::dialog_text_width(area);
        for (serial, error) in &sweep.failed {
            let text = format!("  {} ({}): {error}", short_name(serial), error.code());
            lines.extend(super::wrap::wrap(
                &text,
                ratatui::style::Style::new(),
                width,
            ));
        }
    }
    let hints: &[KeyHint] = if running {
        &[]
    } else {
        &[("any key", "close")]
    };
    let title = if running { "Deleting" } else { "Sweep done" };
    widgets::dialog(frame, area, title, lines, hints);
}

pub fn hints(state: &VirtualDevicesState) -> Vec<KeyHint> {
    if state.confirm.is_some() {
        return vec![("y", "delete"), ("n", "cancel")];
    }
    vec![
        ("f", "filter"),
        ("space", "mark"),
        ("u", "all orphans"),
        ("d", "delete"),
        ("r", "refresh"),
        ("Esc", "back"),
    ]
}

#[cfg(test)]
mod tests {
    use crate::app::manage::testing::{press, recorded};
    use crate::iam::demo::DemoIdentity;

    #[tokio::test]
    async fn a_running_sweep_says_how_far_it_is_with_a_bar() {
        let (mut h, _) = recorded(DemoIdentity::Admin, 80, 24).await;
        press(&mut h, 'v').await;
        press(&mut h, 'u').await;
        press(&mut h, 'd').await;
        h.auto_reply = false;
        press(&mut h, 'y').await;
        let text = h.screen_text();
        let line = text
            .lines()
            .find(|line| line.contains("Deleting 1 of 3…"))
            .unwrap_or_else(|| panic!("no progress line:\n{text}"));
        assert!(
            line.contains(&"░".repeat(30)) && !line.contains('█'),
            "{line}"
        );
    }
}
