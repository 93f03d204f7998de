// Parley's web client: logs in (or registers), then runs one ChatClient and its View.
// The login token is shared by the tabs of a browser (localStorage); the device id is per
// tab (sessionStorage), so two tabs are two devices, each with its own cursors.

import * as api from './api.js';
import { ChatClient, USER_ID, randomId } from './client.js';
import { View } from './views.js';

const AUTH_KEY = 'parley.auth';
const DEVICE_KEY = 'parley.device';
const $ = (id) => document.getElementById(id);

let running = null; // {client, view, auth}
const tab = randomId(8);
// A duplicated tab inherits sessionStorage, and so this tab's device id: tabs that find
// their id in use by another tab of this browser take a new one (two tabs, two devices).
const devices = 'BroadcastChannel' in window ? new BroadcastChannel('parley.devices') : null;

function deviceId() {
  let id = sessionStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = `web-${randomId(12)}`;
    sessionStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

function claimDevice() {
  devices?.postMessage({ type: 'claim', device: deviceId(), tab });
}

devices?.addEventListener('message', (e) => {
  const m = e.data;
  if (!m || m.tab === tab || m.device !== deviceId()) return;
  if (m.type === 'claim') {
    devices.postMessage({ type: 'taken', device: m.device, tab });
  } else if (m.type === 'taken') {
    sessionStorage.setItem(DEVICE_KEY, `web-${randomId(12)}`);
    claimDevice();
    if (running) {
      const { auth } = running;
      stop();
      start(auth);
    }
  }
});

function storedAuth() {
  try {
    const auth = JSON.parse(localStorage.getItem(AUTH_KEY));
    if (auth?.token && auth.user && (!auth.expires_at || auth.expires_at > Date.now() + 60_000)) return auth;
  } catch {
    // fall through: log in again
  }
  return null;
}

function showAuth(message = '', focus = 'login-user') {
  $('app').hidden = true;
  $('auth').hidden = false;
  $('auth-error').textContent = message;
  $(focus).focus();
}

function start(auth) {
  if (running) return;
  $('auth').hidden = true;
  $('app').hidden = false;
  $('auth-error').textContent = '';
  const client = new ChatClient({ me: auth.user, token: auth.token, device: deviceId() });
  const view = new View(client, { onLogout: () => logout() });
  client.addEventListener('unauthorized', (e) => {
    localStorage.removeItem(AUTH_KEY);
    stop();
    showAuth(`Please log in again (${e.detail.message}).`);
  });
  running = { client, view, auth };
  client.start();
  view.render();
  $('new-direct-user').focus();
}

function stop() {
  if (!running) return;
  running.client.stop();
  running.view.destroy();
  running = null;
}

async function logout() {
  const token = running?.auth.token;
  localStorage.removeItem(AUTH_KEY);
  stop();
  showAuth();
  if (token) api.logout(token).catch(() => {});
}

async function loggedIn(user, password) {
  const session = await api.login(user, password);
  const auth = { user: session.user ?? user, token: session.token, expires_at: session.expires_at };
  localStorage.setItem(AUTH_KEY, JSON.stringify(auth));
  start(auth);
}

function busy(form, on) {
  for (const control of form.elements) control.disabled = on;
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const user = $('login-user').value.trim().toLowerCase();
  const password = $('login-password').value;
  if (!user || !password) return showAuth('Enter your user id and password.');
  busy(form, true);
  try {
    await loggedIn(user, password);
    form.reset();
  } catch (err) {
    showAuth(err.status === 401 ? 'Wrong user id or password.' : `Could not log in: ${err.message}`);
  } finally {
    busy(form, false);
  }
});

$('register-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const user = $('register-user').value.trim().toLowerCase();
  const nickname = $('register-nickname').value.trim();
  const password = $('register-password').value;
  if (!USER_ID.test(user)) return showAuth('A user id is 3-32 characters of a-z 0-9 _ . -', 'register-user');
  if (password.length < 8) return showAuth('The password needs at least 8 characters.', 'register-password');
  busy(form, true);
  $('auth-error').textContent = 'Creating your account…';
  try {
    await api.register(user, password, nickname || undefined);
    await loggedIn(user, password);
    form.reset();
  } catch (err) {
    showAuth(err.status === 409 ? 'That user id is taken.' : `Could not register: ${err.message}`, 'register-user');
  } finally {
    busy(form, false);
  }
});

// Logging in or out in one tab does the same in the others.
window.addEventListener('storage', (e) => {
  if (e.key !== AUTH_KEY) return;
  const auth = storedAuth();
  if (!auth) {
    stop();
    showAuth();
  } else if (!running) start(auth);
  else if (running.auth.user !== auth.user) {
    stop();
    start(auth);
  }
});

claimDevice();
const auth = storedAuth();
if (auth) start(auth);
else showAuth();
