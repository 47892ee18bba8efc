//! A user's devices: the table, the selected device's serial and tags, the result of the last action,
//! and the dialog on top (confirmation, resync form, tag editor).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::Loadable;
use crate::app::devices::{DevicesState, Dialog};
use crate::iam::{DeviceKind, MAX_DEVICES_PER_USER, device_name_from_serial};

/// Wide terminals show the tags in the table too.
const TAGS_MIN_WIDTH: u16 = 100;

pub fn render(frame: &mut Frame, area: Rect, state: &DevicesState, app: &App) {
    let title = if state.own {
        format!("My MFA devices ({})", state.user_name)
    } else {
        format!("MFA devices of {}", state.user_name)
    };
    let block = widgets::panel(&title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [count_area, table_area, details_area, message_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(2),
    ])
    .areas(inner);
    match &state.devices {
        Loadable::Loading => widgets::loading(frame, table_area, "devices"),
        Loadable::Failed(error) => widgets::failed(frame, table_area, "the devices", error),
        Loadable::Loaded(devices) => {
            frame.render_widget(
                Line::styled(
                    format!("{} of {MAX_DEVICES_PER_USER} devices", devices.len()),
                    theme::dim(),
                ),
                count_area,
            );
            if devices.is_empty() {
                let text = format!("{} has no MFA device. a assigns one.", state.user_name);
                frame.render_widget(Line::styled(text, theme::warning()), table_area);
            } else {
                render_table(frame, table_area, state, devices);
                render_details(frame, details_area, state);
            }
        }
    }
    let message = match (state.working_on(), &state.message) {
        (Some(working), _) => Some(Line::styled(working, theme::accent())),
        (None, Some(message)) => Some(widgets::status_line(message)),
        (None, None) => None,
    };
    if let Some(line) = message {
        frame.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), message_area);
    }
    match state.dialog.as_deref() {
        Some(Dialog::Confirm(confirm)) => super::manage::confirm::render(frame, area, confirm),
        Some(Dialog::Resync(form)) => super::manage::resync::render(frame, area, form, app),
        Some(Dialog::Tags(editor)) => {
            super::manage::tags::render(frame, area, editor, &app.session)
        }
        None => {}
    }
}

fn render_table(
    frame: &mut Frame,
    area: Rect,
    state: &DevicesState,
    devices: &[crate::iam::MfaDevice],
) {
    let wide = area.width >= TAGS_MIN_WIDTH;
    let row = |i: usize| {
        let device = &devices[i];
        let name = match device.kind() {
            DeviceKind::Hardware | DeviceKind::Sms => device.serial.clone(),
            DeviceKind::Virtual | DeviceKind::Passkey => {
                device_name_from_serial(&device.serial).to_string()
            }
        };
        let mut cells = vec![
            Cell::from(device.kind().label()),
            Cell::from(name),
            Cell::from(Span::styled(device.enabled_at.to_string(), theme::dim())),
        ];
        if wide {
            cells.push(Cell::from(Span::styled(
                tags_text(state, device),
                theme::dim(),
            )));
        }
        Row::new(cells)
    };
    let mut widths = vec![
        Constraint::Length(20),
        Constraint::Min(20),
        Constraint::Length(20),
    ];
    let mut header = vec!["Kind", "Device", "Enabled"];
    if wide {
        widths.push(Constraint::Min(20));
        header.push("Tags");
    }
    let header = Row::new(header);
    widgets::cursor_table(
        frame,
        area,
        devices.len(),
        row,
        widths,
        header,
        &state.cursor,
    );
}

fn tags_text(state: &DevicesState, device: &crate::iam::MfaDevice) -> String {
    if device.kind() != DeviceKind::Virtual {
        return String::new();
    }
    match state.tags.get(&device.serial) {
        Some(Loadable::Loaded(tags)) if tags.is_empty() => "none".to_string(),
        Some(Loadable::Loaded(tags)) => tags
            .iter()
            .map(|t| format!("{}={}", t.key, t.value))
            .collect::<Vec<_>>()
            .join(", "),
        Some(Loadable::Failed(error)) => format!("could not load ({})", error.code()),
        Some(Loadable::Loading) | None => "…".to_string(),
    }
}

fn render_details(frame: &mut Frame, area: Rect, state: &DevicesState) {
    let Some(device) = state.selected() else {
        return;
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("Serial: ", theme::title()),
        Span::raw(device.serial.clone()),
    ])];
    let note = match device.kind() {
        DeviceKind::Virtual => Line::from(vec![
            Span::styled("Tags: ", theme::title()),
            Span::raw(tags_text(state, device)),
        ]),
        DeviceKind::Hardware => Line::styled(
            "A hardware token can be deactivated, not deleted; it takes no tags.",
            theme::dim(),
        ),
        DeviceKind::Passkey => Line::styled(
            "A passkey can only be deactivated (not deleted, no resync, no tags).",
            theme::dim(),
        ),
        DeviceKind::Sms => Line::styled(
            "SMS MFA is retired by AWS: it can only be deactivated.",
            theme::dim(),
        ),
    };
    lines.push(note);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

pub fn hints(state: &DevicesState) -> Vec<KeyHint> {
    match state.dialog.as_deref() {
        Some(Dialog::Confirm(confirm)) => return vec![("y", confirm.yes_label), ("n", "cancel")],
        Some(Dialog::Resync(_)) => return vec![("Enter", "next/resync"), ("Esc", "cancel")],
        Some(Dialog::Tags(_)) => {
            return vec![
                ("a", "add"),
                ("e", "edit"),
                ("d", "remove"),
                ("Esc", "close"),
            ];
        }
        None => {}
    }
    let mut hints = vec![
        ("a", "add"),
        ("d", "deactivate"),
        ("s", "resync"),
        ("o", "rotate"),
        ("t", "tags"),
        ("r", "refresh"),
        ("Esc", "back"),
    ];
    if state.unfinished.is_some() {
        hints.insert(0, ("f", "finish rotation"));
    }
    hints
}
