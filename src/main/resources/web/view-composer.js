// The composer of a View: sending on Enter, typing notices, its height, the body limit, and
// editing one of our own messages (the composer holds its text; Enter saves, Escape cancels).
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $ } from './view-dom.js';

// A text body is at most 16 KiB of UTF-8 (docs/protocol.md, "Body size"); the server refuses
// more with too_large. Counted here in bytes, as the server does, not cut at a character count.
export const MAX_TEXT_BYTES = 16 * 1024;
// A frame is at most 64 KiB (docs/protocol.md 7), and JSON escapes control characters to six
// bytes each: a body under 16 KiB can make a frame the server cannot take. What a send frame
// holds besides the body (type, rid, conv, cid, kind) stays well under FRAME_OVERHEAD.
const MAX_FRAME_BYTES = 64 * 1024;
const FRAME_OVERHEAD = 512;
// The count shows from this share of the limit on, so a long message is warned of in time.
const SHOW_COUNT_FROM = 0.9;
const utf8 = new TextEncoder();

export class ComposerMethods {

  bindComposer() {
    const c = this.client;
    const input = $('composer-input');
    this.on($('composer'), 'submit', (e) => {
      e.preventDefault();
      this.sendComposer();
    });
    this.on($('edit-cancel'), 'click', () => this.cancelEdit());
    this.on(input, 'keydown', (e) => {
      if (e.key === 'Escape' && this.editing) {
        e.stopPropagation(); // Escape ends the edit, not the chat
        this.cancelEdit();
      } else if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.sendComposer();
      }
    });
    this.on(input, 'input', () => {
      this.autosize();
      this.checkLength();
      if (c.openId && input.value.trim() && !this.editing) c.typing(c.openId);
    });
  }

  /** Shows the byte count near the limit and disables sending above it; true when it fits. */
  checkLength() {
    const text = $('composer-input').value.trim();
    const bytes = utf8.encode(text).length;
    const framed = bytes > MAX_FRAME_BYTES / 6 - FRAME_OVERHEAD ? utf8.encode(JSON.stringify(text)).length + FRAME_OVERHEAD : 0;
    const escapes = framed > MAX_FRAME_BYTES;
    const over = bytes > MAX_TEXT_BYTES || escapes;
    const count = $('composer-count');
    count.hidden = !over && bytes < MAX_TEXT_BYTES * SHOW_COUNT_FROM;
    count.classList.toggle('over', over);
    const of = `${bytes.toLocaleString()} of ${MAX_TEXT_BYTES.toLocaleString()} bytes`;
    count.textContent = !over
      ? of
      : escapes && bytes <= MAX_TEXT_BYTES
        ? 'Too long to send: its control characters take too much room; remove some'
        : `Too long to send: ${of}`;
    $('composer-send').disabled = over;
    $('composer-input').setAttribute('aria-invalid', String(over));
    return !over;
  }

  startEdit(seq) {
    const c = this.client;
    const conv = c.openId && c.convs.get(c.openId);
    const m = conv?.entries.get(seq);
    if (!m || m.from !== c.me || m.kind !== 'text') return;
    this.editing = { conv: conv.id, seq, draft: this.editing ? this.editing.draft : $('composer-input').value };
    $('composer-input').value = conv.edits.get(seq)?.text ?? m.body;
    this.showEditing();
  }

  cancelEdit() {
    if (!this.editing) return;
    $('composer-input').value = this.editing.draft;
    this.editing = null;
    this.showEditing();
  }

  showEditing() {
    $('edit-bar').hidden = !this.editing;
    $('composer-send').textContent = this.editing ? 'Save' : 'Send';
    this.autosize();
    this.checkLength();
    $('composer-input').focus();
  }

  sendComposer() {
    const input = $('composer-input');
    const text = input.value.trim();
    if (!text || !this.client.openId || !this.checkLength()) return;
    const editing = this.editing;
    if (editing && editing.conv === this.client.openId) {
      const conv = this.client.convs.get(editing.conv);
      const before = conv.edits.get(editing.seq)?.text ?? conv.entries.get(editing.seq)?.body;
      if (text !== before) this.client.edit(editing.conv, editing.seq, text);
      input.value = editing.draft;
      this.editing = null;
      this.showEditing();
      return;
    }
    this.client.sendText(this.client.openId, text);
    input.value = '';
    this.autosize();
    this.checkLength();
    this.stickToBottom = true;
  }

  autosize() {
    const input = $('composer-input');
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }
}
