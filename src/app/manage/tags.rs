//! The tag editor of a virtual device: list, add, edit, remove, within IAM's limits (50 tags; keys of
//! at most 128 characters, values of at most 256; keys unique ignoring case; no `aws:` prefix). Each
//! rule is checked here, with its message at the field, before anything is sent.

use crossterm::event::{KeyCode, KeyEvent};

use crate::app::text_input::{InputChange, TextInput};
use crate::iam::{MAX_TAG_KEY_LEN, MAX_TAG_VALUE_LEN, MAX_TAGS, Tag, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagField {
    Key,
    Value,
}

/// The add/edit form.
#[derive(Debug)]
pub struct TagForm {
    pub key: TextInput,
    pub value: TextInput,
    pub focus: TagField,
    /// The key being edited; `None` when adding.
    pub editing: Option<String>,
    pub error: Option<(TagField, String)>,
}

#[derive(Debug)]
pub struct TagEditor {
    pub serial: String,
    pub device_name: String,
    pub tags: Vec<Tag>,
    pub selected: usize,
    pub form: Option<TagForm>,
    /// The key whose removal waits for `y`.
    pub confirm_remove: Option<String>,
    /// A message for the list (a limit, or IAM's refusal).
    pub error: Option<String>,
    /// Set while a tag or untag call is out.
    pub saving: bool,
}

/// What the editor asks the screen to do.
#[derive(Debug, PartialEq, Eq)]
pub enum TagKeyResult {
    Stay,
    Close,
    /// Tag the device with `tag`; when a key was renamed, `rename_from` is the old key to remove after.
    Save {
        tag: Tag,
        rename_from: Option<String>,
    },
    Remove {
        key: String,
    },
}

impl TagEditor {
    pub fn new(serial: String, device_name: String, tags: Vec<Tag>) -> Self {
        Self {
            serial,
            device_name,
            tags,
            selected: 0,
            form: None,
            confirm_remove: None,
            error: None,
            saving: false,
        }
    }

    /// The tags as they are now (after a save the screen reloads them).
    pub fn set_tags(&mut self, tags: Vec<Tag>) {
        self.tags = tags;
        self.selected = self.selected.min(self.tags.len().saturating_sub(1));
    }

    /// The save or removal went through.
    pub fn saved(&mut self) {
        self.saving = false;
        self.form = None;
        self.error = None;
    }

    /// IAM refused: in the form when open, else over the list.
    pub fn failed(&mut self, message: String) {
        self.saving = false;
        match &mut self.form {
            Some(form) => form.error = Some((form.focus, message)),
            None => self.error = Some(message),
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> TagKeyResult {
        if self.saving {
            return TagKeyResult::Stay;
        }
        if let Some(tag_key) = self.confirm_remove.take() {
            return match key.code {
                KeyCode::Char('y' | 'Y') => {
                    self.saving = true;
                    TagKeyResult::Remove { key: tag_key }
                }
                _ => TagKeyResult::Stay,
            };
        }
        if self.form.is_some() {
            return self.form_key(key);
        }
        self.error = None;
        match key.code {
            KeyCode::Esc => TagKeyResult::Close,
            KeyCode::Up | KeyCode::Char('k') => {
                self.selected = self.selected.saturating_sub(1);
                TagKeyResult::Stay
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.tags.len().saturating_sub(1));
                TagKeyResult::Stay
            }
            KeyCode::Char('a') => {
                if self.tags.len() >= MAX_TAGS {
                    self.error = Some(format!(
                        "A device has at most {MAX_TAGS} tags: remove one before adding another"
                    ));
                } else {
                    self.form = Some(TagForm::new(None, ""));
                }
                TagKeyResult::Stay
            }
            KeyCode::Char('e') | KeyCode::Enter => {
                if let Some(tag) = self.tags.get(self.selected) {
                    self.form = Some(TagForm::new(Some(tag.key.clone()), &tag.value));
                }
                TagKeyResult::Stay
            }
            KeyCode::Char('d') | KeyCode::Delete => {
                self.confirm_remove = self.tags.get(self.selected).map(|tag| tag.key.clone());
                TagKeyResult::Stay
            }
            _ => TagKeyResult::Stay,
        }
    }

    /// Pasted text, for the focused field of the form (nothing else takes text; it never submits).
    pub fn paste(&mut self, text: &str) {
        if !self.saving
            && self.confirm_remove.is_none()
            && let Some(form) = self.form.as_mut()
        {
            form.paste(text);
        }
    }

    fn form_key(&mut self, key: KeyEvent) -> TagKeyResult {
        let Some(form) = self.form.as_mut() else {
            return TagKeyResult::Stay;
        };
        match key.code {
            KeyCode::Esc => {
                self.form = None;
                TagKeyResult::Stay
            }
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                form.focus = match form.focus {
                    TagField::Key => TagField::Value,
                    TagField::Value => TagField::Key,
                };
                TagKeyResult::Stay
            }
            KeyCode::Enter if form.focus == TagField::Key => {
                form.focus = TagField::Value;
                TagKeyResult::Stay
            }
            KeyCode::Enter => self.submit(),
            _ => {
                form.edit(key);
                TagKeyResult::Stay
            }
        }
    }

    fn submit(&mut self) -> TagKeyResult {
        let Some(form) = self.form.as_mut() else {
            return TagKeyResult::Stay;
        };
        let tag = Tag::new(form.key.value().trim(), form.value.value().trim());
        if let Err(message) = validate::tag_key(&tag.key) {
            form.error = Some((TagField::Key, message));
            form.focus = TagField::Key;
            return TagKeyResult::Stay;
        }
        if let Err(message) = validate::tag_value(&tag.value) {
            form.error = Some((TagField::Value, message));
            form.focus = TagField::Value;
            return TagKeyResult::Stay;
        }
        let editing = form.editing.clone();
        let same_key = |key: &str| key.eq_ignore_ascii_case(&tag.key);
        // IAM keys ignore case: renaming "team" to "Team" is an update in place.
        let renamed = editing.as_deref().is_some_and(|old| !same_key(old));
        let clashes = self.tags.iter().any(|t| {
            same_key(&t.key)
                && editing
                    .as_deref()
                    .is_none_or(|old| !old.eq_ignore_ascii_case(&t.key))
        });
        if clashes {
            form.error = Some((
                TagField::Key,
                format!(
                    "The device already has a tag {:?}: edit that one instead",
                    tag.key
                ),
            ));
            form.focus = TagField::Key;
            return TagKeyResult::Stay;
        }
        if editing.is_none() && self.tags.len() >= MAX_TAGS {
            form.error = Some((
                TagField::Key,
                format!("A device has at most {MAX_TAGS} tags"),
            ));
            return TagKeyResult::Stay;
        }
        self.saving = true;
        TagKeyResult::Save {
            tag,
            rename_from: editing.filter(|_| renamed),
        }
    }
}

impl TagForm {
    fn new(editing: Option<String>, value: &str) -> Self {
        let key = TextInput::new()
            .max_len(MAX_TAG_KEY_LEN)
            .with_value(editing.clone().unwrap_or_default());
        Self {
            key,
            value: TextInput::new()
                .max_len(MAX_TAG_VALUE_LEN)
                .with_value(value),
            focus: if editing.is_some() {
                TagField::Value
            } else {
                TagField::Key
            },
            editing,
            error: None,
        }
    }

    fn edit(&mut self, key: KeyEvent) {
        let change = self.focused_mut().handle_key(key);
        self.note(change);
    }

    fn paste(&mut self, text: &str) {
        let change = self.focused_mut().paste(text);
        self.note(change);
    }

    fn focused_mut(&mut self) -> &mut TextInput {
        match self.focus {
            TagField::Key => &mut self.key,
            TagField::Value => &mut self.value,
        }
    }

    fn note(&mut self, change: InputChange) {
        let (limit, what) = match self.focus {
            TagField::Key => (MAX_TAG_KEY_LEN, "key"),
            TagField::Value => (MAX_TAG_VALUE_LEN, "value"),
        };
        match change {
            InputChange::Edited => self.error = None,
            InputChange::Refused(_) => {
                self.error = Some((
                    self.focus,
                    format!("A tag {what} has at most {limit} characters"),
                ));
            }
            InputChange::Moved | InputChange::Ignored => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::key;

    fn type_text(editor: &mut TagEditor, text: &str) {
        for c in text.chars() {
            editor.handle_key(key(KeyCode::Char(c)));
        }
    }

    fn editor(tags: &[(&str, &str)]) -> TagEditor {
        let tags = tags.iter().map(|(k, v)| Tag::new(*k, *v)).collect();
        TagEditor::new("arn:aws:iam::1:mfa/d".into(), "d".into(), tags)
    }

    #[test]
    fn a_paste_goes_into_the_focused_field_and_does_not_save() {
        let mut editor = editor(&[]);
        editor.paste("ignored: no form is open");
        editor.handle_key(key(KeyCode::Char('a')));
        editor.paste("owner\n");
        let form = editor.form.as_ref().unwrap();
        assert_eq!((form.key.value(), form.focus), ("owner", TagField::Key));
        assert!(!editor.saving);
    }

    #[test]
    fn add_a_tag() {
        let mut editor = editor(&[("team", "ops")]);
        editor.handle_key(key(KeyCode::Char('a')));
        type_text(&mut editor, "owner");
        editor.handle_key(key(KeyCode::Enter));
        type_text(&mut editor, "alice");
        assert_eq!(
            editor.handle_key(key(KeyCode::Enter)),
            TagKeyResult::Save {
                tag: Tag::new("owner", "alice"),
                rename_from: None
            }
        );
        assert!(editor.saving);
    }

    #[test]
    fn a_key_that_exists_ignoring_case_is_refused_at_the_key() {
        let mut editor = editor(&[("team", "ops")]);
        editor.handle_key(key(KeyCode::Char('a')));
        type_text(&mut editor, "Team");
        editor.handle_key(key(KeyCode::Enter));
        assert_eq!(editor.handle_key(key(KeyCode::Enter)), TagKeyResult::Stay);
        let (field, message) = editor.form.as_ref().unwrap().error.clone().unwrap();
        assert_eq!(field, TagField::Key);
        assert!(message.contains("already has a tag"), "{message}");
    }

    #[test]
    fn reserved_and_overlong_keys_are_refused() {
        let mut editor = editor(&[]);
        editor.handle_key(key(KeyCode::Char('a')));
        type_text(&mut editor, "aws:x");
        editor.handle_key(key(KeyCode::Enter));
        assert_eq!(editor.handle_key(key(KeyCode::Enter)), TagKeyResult::Stay);
        assert!(
            editor
                .form
                .as_ref()
                .unwrap()
                .error
                .as_ref()
                .unwrap()
                .1
                .contains("reserved")
        );
        editor.handle_key(key(KeyCode::Esc));
        editor.handle_key(key(KeyCode::Char('a')));
        type_text(&mut editor, &"k".repeat(MAX_TAG_KEY_LEN + 1));
        let form = editor.form.as_ref().unwrap();
        assert_eq!(form.key.value().len(), MAX_TAG_KEY_LEN);
        assert!(form.error.as_ref().unwrap().1.contains("at most 128"));
    }

    #[test]
    fn at_fifty_tags_adding_is_refused() {
        let tags: Vec<(String, String)> = (0..MAX_TAGS)
            .map(|i| (format!("k{i}"), String::new()))
            .collect();
        let pairs: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut editor = editor(&pairs);
        editor.handle_key(key(KeyCode::Char('a')));
        assert!(editor.form.is_none());
        assert!(editor.error.as_ref().unwrap().contains("at most 50 tags"));
    }

    #[test]
    fn renaming_a_key_removes_the_old_one_after() {
        let mut editor = editor(&[("team", "ops")]);
        editor.handle_key(key(KeyCode::Char('e')));
        let form = editor.form.as_mut().unwrap();
        form.focus = TagField::Key;
        form.key.set("squad");
        assert_eq!(
            editor.handle_key(key(KeyCode::Enter)),
            TagKeyResult::Stay,
            "Enter on the key moves to the value"
        );
        assert_eq!(
            editor.handle_key(key(KeyCode::Enter)),
            TagKeyResult::Save {
                tag: Tag::new("squad", "ops"),
                rename_from: Some("team".into())
            }
        );
    }

    #[test]
    fn removing_asks_first() {
        let mut editor = editor(&[("team", "ops")]);
        editor.handle_key(key(KeyCode::Char('d')));
        assert_eq!(editor.confirm_remove.as_deref(), Some("team"));
        assert_eq!(
            editor.handle_key(key(KeyCode::Char('y'))),
            TagKeyResult::Remove { key: "team".into() }
        );
    }
}
