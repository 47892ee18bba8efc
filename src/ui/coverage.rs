//! The Coverage screen: the table of controls (status, number failing, FSBP and CIS IDs, title), the
//! freshness notes under it; or one control's failing principals, with the console path for root.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};

use super::theme;
use super::widgets::{self, KeyHint};
use crate::app::App;
use crate::app::coverage::CoverageState;
use crate::coverage::{Framework, Status, Verdict};

pub fn render(frame: &mut Frame, area: Rect, state: &CoverageState, app: &App) {
    if state.failing.is_some() {
        return render_failing(frame, area, state, app);
    }
    let block = widgets::panel("MFA coverage");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    if !state.is_complete() {
        lines.push(Line::styled("Checking…", theme::accent()));
    }
    lines.extend(
        state
            .notes()
            .into_iter()
            .map(|note| Line::styled(note, theme::dim())),
    );
    // Room for the notes as wrapped, up to half the panel; the table needs eight rows at most.
    let width = usize::from(inner.width.max(1));
    let wrapped: usize = lines
        .iter()
        .map(|line| line.width().div_ceil(width).max(1) + 1)
        .sum();
    let notes_height = u16::try_from(wrapped)
        .unwrap_or(u16::MAX)
        .clamp(1, (inner.height / 2).max(1));
    let [table_area, notes_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(notes_height)]).areas(inner);
    let verdicts = state.verdicts();
    let table_row = |n: usize| {
        let (control, verdict) = &verdicts[n];
        let twin = twin_id(n).unwrap_or("");
        let (fsbp, cis) = match control.framework {
            Framework::Fsbp => (control.id, twin),
            Framework::Cis7 => (twin, control.id),
        };
        let (label, style) = status_text(verdict);
        Row::new(vec![
            Cell::from(Span::styled(label, style)),
            Cell::from(failing_count(verdict)),
            Cell::from(fsbp),
            Cell::from(cis),
            Cell::from(Span::raw(control.title)),
        ])
    };
    widgets::cursor_table(
        frame,
        table_area,
        verdicts.len(),
        table_row,
        [
            Constraint::Length(9),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Min(20),
        ],
        Row::new(["Status", "Failing", "FSBP", "CIS", "Title"]),
        &state.cursor,
    );
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), notes_area);
}

/// The ID of the control that asks the same question in the other framework, if any.
fn twin_id(n: usize) -> Option<&'static str> {
    let control = &crate::coverage::CONTROLS[n];
    control
        .check
        .controls()
        .find(|other| other.framework != control.framework)
        .map(|other| other.id)
}

fn status_text(verdict: &Verdict) -> (&'static str, Style) {
    match verdict.status {
        Status::Passed => ("PASS", theme::ok()),
        Status::Failed => ("FAIL", theme::error()),
        Status::NotApplicable => ("N/A", theme::dim()),
        Status::Waiting => ("checking", theme::dim()),
        Status::Unknown(_) => ("unknown", theme::warning()),
    }
}

fn failing_count(verdict: &Verdict) -> String {
    match verdict.status {
        Status::Waiting | Status::Unknown(_) => String::new(),
        _ => verdict.failing.len().to_string(),
    }
}

fn render_failing(frame: &mut Frame, area: Rect, state: &CoverageState, app: &App) {
    let Some((control, failing)) = state.failing_list() else {
        return;
    };
    let title = format!("{} {} — failing", control.framework.label(), control.id);
    let block = widgets::panel(&title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [title_area, list_area, detail_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(6),
    ])
    .areas(inner);
    frame.render_widget(Line::styled(control.title, theme::title()), title_area);
    let verdict = crate::coverage::controls::judge(control.check, state.picture());
    if failing.is_empty() {
        let text = match &verdict.status {
            Status::Waiting => "Checking…".to_string(),
            Status::Unknown(why) => format!("Cannot be judged: {why}"),
            _ => "Nobody fails this control.".to_string(),
        };
        frame.render_widget(Line::styled(text, theme::dim()), list_area);
        return;
    }
    let cursor = &state.failing.as_ref().expect("open").cursor;
    widgets::cursor_table(
        frame,
        list_area,
        failing.len(),
        |n| {
            let finding = &failing[n];
            Row::new(vec![
                Cell::from(finding.principal.clone()),
                Cell::from(Span::styled(finding.reason.clone(), theme::warning())),
            ])
        },
        [Constraint::Length(24), Constraint::Min(20)],
        Row::new(["Principal", "Why"]),
        cursor,
    );
    // The selected finding in full (the Why column may cut it), and what to do about it.
    let detail = match state.selected_finding() {
        Some(finding) => {
            let fix = if finding.is_root() {
                Line::raw(super::wizard::type_step::root_console_path(app))
            } else {
                Line::from(vec![
                    Span::styled("a", theme::key()),
                    Span::styled(
                        format!(" assigns an MFA device to {}", finding.principal),
                        theme::dim(),
                    ),
                ])
            };
            let reason = format!("{}: {}", finding.principal, finding.reason);
            vec![Line::styled(reason, theme::warning()), fix]
        }
        None => Vec::new(),
    };
    frame.render_widget(
        Paragraph::new(detail).wrap(Wrap { trim: true }),
        detail_area,
    );
}

pub fn hints(state: &CoverageState) -> Vec<KeyHint> {
    match state.failing.as_ref() {
        Some(_) => {
            let mut hints = vec![("↑↓", "move")];
            if state.selected_finding().is_some_and(|f| !f.is_root()) {
                hints.push(("a", "assign MFA device"));
            }
            hints.push(("Esc", "back"));
            hints
        }
        None => vec![("↑↓", "move"), ("Enter", "failing"), ("Esc", "back")],
    }
}
