//! The tag editor's keys and answers: a save, a rename (tag the new key, then untag the old one) and a
//! removal. After an unclear answer the device's tags (ListMFADeviceTags) tell whether it was saved.

use crossterm::event::KeyEvent;

use super::change::{Change, ChangeRequest};
use super::{DevicesState, Dialog};
use crate::app::Ctx;
use crate::app::manage::tags::{TagEditor, TagKeyResult};
use crate::iam::op;

impl DevicesState {
    pub(super) fn on_tags_key(&mut self, ctx: &mut Ctx, key: KeyEvent, mut editor: TagEditor) {
        let result = editor.handle_key(key);
        let serial = editor.serial.clone();
        if result != TagKeyResult::Close {
            self.show(Dialog::Tags(editor));
        }
        match result {
            TagKeyResult::Stay | TagKeyResult::Close => {}
            TagKeyResult::Save { tag, rename_from } => {
                let request = op::TagMfaDevice {
                    serial: serial.clone(),
                    tags: vec![tag.clone()],
                };
                let change = Change::Tag {
                    serial,
                    tag,
                    rename_from,
                };
                self.start(ctx, ChangeRequest::new(request, change));
            }
            TagKeyResult::Remove { key } => self.untag(ctx, serial, key),
        }
    }

    fn untag(&mut self, ctx: &mut Ctx, serial: String, key: String) {
        let request = op::UntagMfaDevice {
            serial: serial.clone(),
            keys: vec![key.clone()],
        };
        self.start(
            ctx,
            ChangeRequest::new(request, Change::Untag { serial, key }),
        );
    }

    /// The tag is on the device; a renamed key's old tag goes next.
    pub(super) fn tagged(&mut self, ctx: &mut Ctx, serial: String, rename_from: Option<String>) {
        match rename_from {
            Some(old_key) => self.untag(ctx, serial, old_key),
            None => self.tags_saved(ctx, serial),
        }
    }

    pub(super) fn tags_saved(&mut self, ctx: &mut Ctx, serial: String) {
        if let Some(Dialog::Tags(editor)) = self.dialog.as_deref_mut() {
            editor.saved();
        }
        self.list_tags(ctx, serial);
    }

    /// The change did not happen (or could not be told): the editor says so where the user is.
    pub(super) fn tags_not_saved(&mut self, text: String) {
        if let Some(Dialog::Tags(editor)) = self.dialog.as_deref_mut() {
            editor.failed(text);
        }
    }
}
