// The composer of a View: sending on Enter, typing notices, its height, and the body limit.
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $ } from './view-dom.js';

// A text body is at most 16 KiB of UTF-8 (docs/protocol.md, "Body size"); the server refuses
// more with too_large. Counted here in bytes, as the server does, not cut at a character count.
export const MAX_TEXT_BYTES = 16 * 1024;
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
    this.on(input, 'keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.sendComposer();
      }
    });
    this.on(input, 'input', () => {
      this.autosize();
      this.checkLength();
      if (c.openId && input.value.trim()) c.typing(c.openId);
    });
  }

  /** Shows the byte count near the limit and disables sending above it; true when it fits. */
  checkLength() {
    const bytes = utf8.encode($('composer-input').value.trim()).length;
    const over = bytes > MAX_TEXT_BYTES;
    const count = $('composer-count');
    count.hidden = bytes < MAX_TEXT_BYTES * SHOW_COUNT_FROM;
    count.classList.toggle('over', over);
    count.textContent = over
      ? `Too long to send: ${bytes.toLocaleString()} of ${MAX_TEXT_BYTES.toLocaleString()} bytes`
      : `${bytes.toLocaleString()} of ${MAX_TEXT_BYTES.toLocaleString()} bytes`;
    $('composer-send').disabled = over;
    $('composer-input').setAttribute('aria-invalid', String(over));
    return !over;
  }

  sendComposer() {
    const input = $('composer-input');
    const text = input.value.trim();
    if (!text || !this.client.openId || !this.checkLength()) return;
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
