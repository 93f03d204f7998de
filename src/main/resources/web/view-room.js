// Rooms in a View: joining one by name from the list, and leaving it from its header. A room
// shows in the list without an unread count (client-rooms.js holds the rest).
// Methods of View (views.js mixes them into its prototype; `this` is the view).

import { ROOM_NAME } from './client-rooms.js';
import { $ } from './view-dom.js';

export class RoomViewMethods {

  bindRooms() {
    this.on($('join-room'), 'submit', async (e) => {
      e.preventDefault();
      const name = $('room-name').value.trim().toLowerCase().replace(/^#/, '');
      if (!ROOM_NAME.test(name)) return this.toast('A room name is 1-64 characters of a-z 0-9 _ . -', 'error');
      try {
        const id = await this.client.joinRoom(name);
        $('join-room').reset();
        $('join-room-box').open = false;
        this.openConversation(id);
      } catch (err) {
        this.toast(`Could not join: ${err.message}`, 'error');
      }
    });
    this.on($('room-leave'), 'click', async () => {
      const id = this.client.openId;
      this.closeConversation();
      await this.client.leaveRoom(id);
    });
  }

  renderRoom(conv) {
    $('room-leave').hidden = conv.kind !== 'room';
  }
}
