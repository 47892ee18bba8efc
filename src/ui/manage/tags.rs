//! The tag editor: the device's tags, and the add/edit form or the removal question.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::Session;
use crate::app::manage::tags::{TagEditor, TagField};
use crate::iam::MAX_TAGS;
use crate::ui::field::{self, Field};
use crate::ui::{theme, widgets};

pub fn render(frame: &mut Frame, area: Rect, editor: &TagEditor, session: &Session) {
    let rect = widgets::centered(area, 76, area.height.saturating_sub(2).min(20));
    frame.render_widget(Clear, rect);
    let title = format!("Tags of {}", editor.device_name);
    let block = widgets::panel(&title).border_style(theme::focused_border());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let form_height = if editor.form.is_some() { 6 } else { 0 };
    let [count, list, form_area, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(form_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Line::styled(
            format!("{} of {MAX_TAGS} tags", editor.tags.len()),
            theme::dim(),
        ),
        count,
    );
    let lines: Vec<Line> = if editor.tags.is_empty() {
        vec![Line::styled("No tags. a adds one.", theme::dim())]
    } else {
        let skip = editor
            .selected
            .saturating_sub(usize::from(list.height).saturating_sub(1));
        editor
            .tags
            .iter()
            .enumerate()
            .skip(skip)
            .map(|(i, tag)| {
                let style = if i == editor.selected && editor.form.is_none() {
                    theme::selected()
                } else {
                    ratatui::style::Style::new()
                };
                Line::from(vec![
                    Span::styled(tag.key.clone(), style.patch(theme::title())),
                    Span::styled(format!(" = {}", tag.value), style),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(form) = &editor.form {
        let [key_area, value_area] =
            Layout::vertical([Constraint::Length(3), Constraint::Length(3)]).areas(form_area);
        let error_at = |field| {
            form.error
                .as_ref()
                .filter(|(f, _)| *f == field)
                .map(|(_, e)| e.as_str())
        };
        let key_label = if form.editing.is_some() {
            "Key (editing)"
        } else {
            "New key"
        };
        for (area, label, input, which) in [
            (key_area, key_label, &form.key, TagField::Key),
            (value_area, "Value", &form.value, TagField::Value),
        ] {
            let shown = Field {
                label,
                input,
                focused: form.focus == which,
                message: error_at(which),
            };
            field::render(frame, area, &shown, session);
        }
    }
    let status_line = if editor.saving {
        Line::styled("Saving…", theme::dim())
    } else if let Some(key) = &editor.confirm_remove {
        Line::styled(
            format!(
                "Remove the tag {key:?} from {}? y removes, any other key keeps it",
                editor.device_name
            ),
            theme::warning(),
        )
    } else if let Some(error) = &editor.error {
        Line::styled(error.clone(), theme::error())
    } else {
        Line::raw("")
    };
    frame.render_widget(status_line, status);
    let keys: &[widgets::KeyHint] = if editor.form.is_some() {
        &[
            ("Enter", "next/save"),
            ("Tab", "other field"),
            ("Esc", "cancel"),
        ]
    } else {
        &[
            ("a", "add"),
            ("e", "edit"),
            ("d", "remove"),
            ("Esc", "close"),
        ]
    };
    frame.render_widget(widgets::hints_line(keys), hints);
}
