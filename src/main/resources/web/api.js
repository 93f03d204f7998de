// REST calls of docs/protocol.md section 6 (same origin, JSON). Errors carry the project's codes.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

async function call(path, { method = 'GET', body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'cannot reach the server');
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? `http_${res.status}`, data?.message ?? res.statusText);
  }
  return data;
}

export const register = (user, password, nickname) =>
  call('/users', { method: 'POST', body: nickname ? { user, password, nickname } : { user, password } });

export const login = (user, password) => call('/sessions', { method: 'POST', body: { user, password } });

export const logout = (token) => call('/sessions', { method: 'DELETE', token });

export const conversations = (token) => call('/conversations', { token });

export const profile = (token, user) => call(`/users/${encodeURIComponent(user)}`, { token });

export const updateProfile = (token, fields) => call('/me', { method: 'PATCH', body: fields, token });
