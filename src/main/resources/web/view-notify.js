// Desktop notifications of a View: asked for only from a button (a user gesture, as browsers
// require and users expect), shown for a message in a conversation not in view, or when the
// tab is hidden. The unread total is in the page title ("(3) Parley", set by renderList).
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { $ } from './view-dom.js';

const BODY_MAX_CHARS = 140; // a notification is a glance, not the message

export class NotifyMethods {

  bindNotify() {
    this.on($('notify-button'), 'click', async () => {
      try {
        await Notification.requestPermission();
      } catch {
        // an old browser's callback form, or refused: the button state below says which
      }
      this.renderNotify();
    });
    this.on(this.client, 'incoming', (e) => this.notify(e.detail));
  }

  renderNotify() {
    const supported = 'Notification' in window;
    $('notify-button').hidden = !supported || Notification.permission !== 'default';
  }

  notify(m) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const conv = this.client.convs.get(m.conv);
    // Rooms are crowds: a message there is not addressed to anyone in particular.
    if (!conv || conv.kind === 'room') return;
    const inView = document.visibilityState === 'visible' && this.client.openId === m.conv;
    if (inView) return;
    const from = this.client.displayName(m.from);
    const title = conv.kind === 'direct' ? from : `${from} in ${this.title(conv)}`;
    const text = typeof m.body === 'string' ? m.body : '';
    try {
      // One per conversation: a newer message replaces the older notification (tag).
      const note = new Notification(title, {
        body: text.length > BODY_MAX_CHARS ? `${text.slice(0, BODY_MAX_CHARS - 1)}…` : text,
        tag: m.conv,
      });
      note.onclick = () => {
        window.focus();
        this.openConversation(m.conv);
        note.close();
      };
    } catch {
      // Some browsers allow notifications only from a service worker: the title badge remains.
    }
  }
}
