// One WebSocket session (docs/protocol.md section 2) that keeps itself alive: hello with cursors,
// heartbeat pings, a pong deadline, and reconnects with exponential backoff and jitter.
//
// A browser does not always notice a dead network: an open WebSocket can sit silent for
// minutes (Chromium's offline mode, a laptop lid, a NAT that forgot the flow). So the socket
// is dropped at once on the window's `offline` event, and whenever a ping goes unanswered.

const SUBPROTOCOL = 'parley.v1.json';
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const PONG_TIMEOUT_MAX_MS = 10_000;
// While a crashed core node's shards move, the server keeps asking for the user's entity for up
// to parley.session.sync-patience (30 s) plus one ask timeout (5 s) before it answers welcome
// (docs/protocol.md, "Failover"): dropping the socket sooner only starts that wait again.
const WELCOME_TIMEOUT_MS = 40_000;

export class Connection {
  /**
   * @param {object} o
   * @param {string} o.url            ws:// or wss:// URL of /ws
   * @param {() => object} o.hello    builds the hello frame (fresh cursors each time)
   * @param {(frame: object) => void} o.onFrame   every frame after (and including) welcome
   * @param {(state: string, detail?: object) => void} o.onState  connecting | online | offline | waiting | stopped
   * @param {(message: string) => void} o.onUnauthorized  the token is no good: log in again
   */
  constructor({ url, hello, onFrame, onState, onUnauthorized }) {
    this.url = url;
    this.hello = hello;
    this.onFrame = onFrame;
    this.onState = onState;
    this.onUnauthorized = onUnauthorized;
    this.ws = null;
    this.welcomed = false;
    this.attempts = 0;
    this.stopped = false;
    this.heartbeatMs = 30_000;
    this.timers = {};
    this.state = 'idle';
    this.listeners = {
      online: () => this.reconnectNow(),
      offline: () => this.drop('offline'),
      visibilitychange: () => {
        if (document.visibilityState === 'visible') {
          if (!this.ws) this.reconnectNow();
          else this.ping();
        }
      },
    };
  }

  start() {
    window.addEventListener('online', this.listeners.online);
    window.addEventListener('offline', this.listeners.offline);
    document.addEventListener('visibilitychange', this.listeners.visibilitychange);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.listeners.online);
    window.removeEventListener('offline', this.listeners.offline);
    document.removeEventListener('visibilitychange', this.listeners.visibilitychange);
    this.closeSocket();
    this.clearTimer('retry');
    this.setState('stopped');
  }

  /** Sends a frame on a welcomed socket; false when there is none (the caller retries later). */
  send(frame) {
    const ws = this.ws;
    if (!ws || !this.welcomed || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  get online() {
    return this.welcomed && this.ws !== null;
  }

  /** A liveness probe: a ping that must be answered (by any frame) within the pong timeout. */
  ping() {
    if (!this.send({ type: 'ping' })) return;
    if (this.timers.pong) return;
    const timeout = Math.max(2_000, Math.min(PONG_TIMEOUT_MAX_MS, this.heartbeatMs / 2));
    this.timers.pong = setTimeout(() => {
      this.timers.pong = null;
      this.drop('no pong');
    }, timeout);
  }

  reconnectNow() {
    if (this.stopped) return;
    this.attempts = 0;
    if (!this.ws) {
      this.clearTimer('retry');
      this.connect();
    }
  }

  connect() {
    if (this.stopped || this.ws) return;
    if (navigator.onLine === false) {
      // No point dialling; the `online` event brings us back, the timer is a fallback.
      this.scheduleRetry('offline');
      return;
    }
    this.setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url, SUBPROTOCOL);
    } catch (e) {
      this.scheduleRetry('waiting');
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      if (ws === this.ws) ws.send(JSON.stringify(this.hello()));
    };
    ws.onmessage = (event) => this.received(ws, event);
    ws.onclose = () => {
      if (ws === this.ws) this.lost();
    };
    ws.onerror = () => {}; // a close event follows
    this.timers.welcome = setTimeout(() => {
      this.timers.welcome = null;
      if (ws === this.ws && !this.welcomed) this.drop('no welcome');
    }, WELCOME_TIMEOUT_MS);
  }

  received(ws, event) {
    if (ws !== this.ws) return;
    // Any frame proves the path works: it answers an outstanding ping.
    this.clearTimer('pong');
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== 'string') return;
    if (frame.type === 'welcome') {
      this.welcomed = true;
      this.attempts = 0;
      this.clearTimer('welcome');
      if (frame.heartbeat_ms > 0) this.heartbeatMs = frame.heartbeat_ms;
      this.clearTimer('heartbeat', clearInterval);
      this.timers.heartbeat = setInterval(() => this.ping(), this.heartbeatMs / 2);
      this.setState('online');
    }
    if (frame.type === 'error' && !frame.rid) {
      if (frame.code === 'unauthorized') {
        this.stop();
        this.onUnauthorized(frame.message || 'please log in again');
        return;
      }
      // A presence list the server could not make is no reason to leave (client-presence.js).
      if (frame.code === 'unavailable' && !/presence/.test(frame.message ?? '')) {
        // Draining node or a failed sync: the server wants us back (elsewhere), with cursors.
        this.onFrame(frame);
        this.drop('unavailable');
        return;
      }
    }
    this.onFrame(frame);
  }

  /** Closes this socket and schedules the next one. */
  drop(reason) {
    if (!this.ws) {
      if (reason === 'offline') this.setState('offline');
      return;
    }
    this.closeSocket();
    this.scheduleRetry(reason === 'offline' ? 'offline' : 'waiting');
  }

  lost() {
    this.ws = null;
    this.welcomed = false;
    this.clearTimers();
    this.scheduleRetry(navigator.onLine === false ? 'offline' : 'waiting');
  }

  closeSocket() {
    const ws = this.ws;
    this.ws = null;
    this.welcomed = false;
    this.clearTimers();
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      ws.close();
    } catch {
      // already closing
    }
  }

  scheduleRetry(state) {
    if (this.stopped) return;
    this.clearTimer('retry');
    // Exponential backoff with jitter: a restarted node is not hit by every client at once.
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempts);
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.attempts += 1;
    this.timers.retry = setTimeout(() => {
      this.timers.retry = null;
      this.connect();
    }, delay);
    this.setState(state, { retryAt: Date.now() + delay });
  }

  setState(state, detail) {
    this.state = state;
    this.onState(state, detail);
  }

  clearTimer(name, clear = clearTimeout) {
    if (this.timers[name]) clear(this.timers[name]);
    this.timers[name] = null;
  }

  clearTimers() {
    this.clearTimer('pong');
    this.clearTimer('welcome');
    this.clearTimer('heartbeat', clearInterval);
  }
}
