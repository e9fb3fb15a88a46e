// Calls to bloop's API from the dashboard: same-origin, with the session's CSRF token on every
// change, and errors turned into plain sentences from the server's {"error": "..."} answers.

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const message = data && data.error ? data.error : `request failed (${res.status})`;
    throw new ApiError(res.status, message, data && data.field);
  }
  return data;
}

// The project the dashboard is looking at: API calls carry its id as project_id, dashboard URLs
// its slug as project (so a link shared with a teammate opens the same project).
let currentProject = null;
let currentSlug = null;

export function setProject(id, slug) {
  currentProject = id;
  currentSlug = slug || null;
}

export function scoped(path) {
  if (!currentProject) return path;
  return `${path}${path.includes('?') ? '&' : '?'}project_id=${encodeURIComponent(currentProject)}`;
}

// A dashboard URL in the selected project: link('/issues', {status: 'any'}) → /issues?status=any&project=web.
// Values may be arrays (repeated parameters); empty values are left out.
export function link(path, params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined && one !== null && one !== '') p.append(k, String(one));
  }
  if (currentSlug) p.set('project', currentSlug);
  const q = p.toString();
  return q ? `${path}?${q}` : path;
}

// GET returning the body and the X-Total-Count header, for paginated lists.
export async function page(path) {
  const res = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || `request failed (${res.status})`, data && data.field);
  return { rows: data, total: Number(res.headers.get('X-Total-Count') || data.length) };
}
