// Settings (where each setting lives, and the account), API tokens of the selected project, and the
// admin page: users, roles, invites, retention.
import { useState } from 'preact/hooks';
import { api, link, scoped } from '../api.js';
import { ago, Copy, count, html, Link, Loading, Problem, useLoad, useTitle, when } from '../ui.js';

const SCOPES = ['errors:read', 'errors:write', 'alerts:read', 'alerts:write', 'sourcemaps:read', 'sourcemaps:write',
  'llm:read', 'llm:write'];

export function Settings({ user, project, navigate, onLogout }) {
  useTitle('Settings');
  return html`<section id="settings"><h2>Settings</h2>
    <div class="card"><h3>Your account</h3>
      <p>Signed in as <strong>${user.username}</strong>${user.is_admin ? ' (admin)' : ''} with a passkey.</p>
      <button type="button" id="settings-logout" onClick=${onLogout}>Sign out</button></div>
    <div class="card"><h3>${project ? project.name : 'Projects'}</h3><ul class="plain list">
      <li><${Link} to="/projects" navigate=${navigate}>Projects</${Link}>: create a project, its ingest key and secret, and how to send events</li>
      ${project ? html`<li><${Link} to=${link('/alerts')} navigate=${navigate}>Alerts</${Link}>: rules and their Slack, webhook and e-mail channels</li>
        <li><${Link} to=${link('/tokens')} navigate=${navigate}>API tokens</${Link}>: for scripts, CI and agents reading issues</li>` : null}
      ${user.is_admin ? html`<li><${Link} to="/admin" navigate=${navigate}>Admin</${Link}>: people, invites, retention and storage</li>` : null}
    </ul></div>
  </section>`;
}

export function Tokens({ project }) {
  const pid = project && project.id;
  useTitle('API tokens', project && project.name);
  const [tokens, error, reload] = useLoad(() => api('GET', scoped('/v1/tokens')), [pid]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState(['errors:read']);
  const [days, setDays] = useState('');
  const [created, setCreated] = useState(null);
  const [problem, setProblem] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setProblem(null);
    const body = { name, project_id: pid, scopes };
    if (days) body.expires_in_days = Number(days);
    try {
      setCreated(await api('POST', '/v1/tokens', body));
      setName('');
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const revoke = async (t) => {
    if (!window.confirm(`Revoke ${t.name}? Anything using it stops working at once.`)) return;
    try {
      await api('DELETE', `/v1/tokens/${t.id}`);
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const flip = (s) => setScopes(scopes.includes(s) ? scopes.filter((x) => x !== s) : [...scopes, s]);
  return html`<section id="tokens">
    <h2>API tokens${project ? ` for ${project.name}` : ''}</h2>
    <${Problem} error=${error || problem} />
    ${created ? html`<div class="card notice" id="new-token"><p>Copy this token now: it is shown only once.</p>
      <code id="new-token-value">${created.token}</code> <${Copy} text=${created.token} /></div>` : null}
    ${!tokens ? html`<${Loading} />` : html`<table id="token-list"><thead><tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Created</th>
      <th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>${tokens.map((t) => html`<tr data-token=${t.id}>
      <td>${t.name}</td><td><code>${t.token_prefix}…</code></td><td>${t.scopes.join(', ')}</td><td>${when(t.created_at)}</td>
      <td>${t.expires_at ? when(t.expires_at) : 'never'}</td><td>${t.last_used_at ? ago(t.last_used_at) : 'never'}</td>
      <td>${t.revoked_at ? html`<span class="muted">revoked</span>` : html`<button class="danger" onClick=${() => revoke(t)}>Revoke</button>`}</td>
    </tr>`)}</tbody></table>`}
    <form class="card" onSubmit=${create}>
      <h3>New token</h3>
      <label>Name <input id="token-name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} /></label>
      <fieldset><legend>Scopes</legend>${SCOPES.map((s) => html`<label class="check"><input type="checkbox"
        checked=${scopes.includes(s)} onChange=${() => flip(s)} /> ${s}</label>`)}</fieldset>
      <label>Expires after (days, optional) <input type="number" min="1" max="3650" value=${days} onInput=${(e) => setDays(e.target.value)} /></label>
      <button id="token-create" type="submit">Create token</button>
    </form>
  </section>`;
}

function Users({ me }) {
  const [users, error, reload] = useLoad(() => api('GET', '/v1/admin/users'), []);
  const [problem, setProblem] = useState(null);
  const act = async (fn) => {
    setProblem(null);
    try {
      await fn();
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<div class="card"><h3>Users</h3><${Problem} error=${error || problem} />
    ${!users ? html`<${Loading} />` : html`<table id="user-list"><tbody>${users.map((u) => html`<tr data-user=${u.username}>
      <td>${u.username}</td><td>${u.is_admin ? 'admin' : 'user'}</td><td class="muted">joined ${when(u.created_at)}</td>
      <td>${u.id === me.id ? html`<span class="muted">you</span>` : html`
        <button onClick=${() => act(() => api('PUT', `/v1/admin/users/${u.id}/role`, { is_admin: !u.is_admin }))}>
          ${u.is_admin ? 'Make user' : 'Make admin'}</button>
        <button class="danger" onClick=${() => window.confirm(`Remove ${u.username}?`) && act(() => api('DELETE', `/v1/admin/users/${u.id}`))}>Remove</button>`}</td>
    </tr>`)}</tbody></table>`}</div>`;
}

function Invites({ projects }) {
  const [invites, error, reload] = useLoad(() => api('GET', '/v1/admin/invites'), []);
  const [project, setProject] = useState(projects.length ? projects[0].slug : '');
  const [admin, setAdmin] = useState(false);
  const [url, setUrl] = useState('');
  const [problem, setProblem] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setProblem(null);
    try {
      const invite = await api('POST', '/v1/admin/invites', { project_id: project || null, is_admin: admin });
      setUrl(invite.url);
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<div class="card" id="admin-invites"><h3>Invite a teammate</h3><${Problem} error=${error || problem} />
    <form class="inline" onSubmit=${create}>
      <label>Project <select id="invite-project" value=${project} onChange=${(e) => setProject(e.target.value)}>
        ${projects.map((p) => html`<option value=${p.slug}>${p.name}</option>`)}<option value="">(none)</option></select></label>
      <label class="check"><input type="checkbox" checked=${admin} onChange=${() => setAdmin(!admin)} /> admin</label>
      <button id="invite-create" type="submit">Create invite link</button>
    </form>
    <p>Send this link (single use, valid 7 days): <input id="invite-url" readonly size="60" value=${url} />
      ${url ? html`<${Copy} text=${url} />` : null}</p>
    ${invites && invites.length ? html`<table class="small"><tbody>${invites.map((i) => html`<tr><td><code>${i.token_prefix}…</code></td>
      <td>${i.project_id || '—'}</td><td>${i.used ? 'used' : i.expires_at < Date.now() ? 'expired' : `expires ${when(i.expires_at)}`}</td></tr>`)}
      </tbody></table>` : null}
  </div>`;
}

function Retention() {
  const [r, error, reload] = useLoad(() => api('GET', '/v1/admin/retention'), []);
  const [raw, setRaw] = useState('');
  const [hourly, setHourly] = useState('');
  const [problem, setProblem] = useState(null);
  const [report, setReport] = useState(null);
  if (error) return html`<${Problem} error=${error} />`;
  if (!r) return html`<${Loading} />`;
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    const body = {};
    if (raw) body.raw_events_days = Number(raw);
    if (hourly) body.hourly_counts_days = Number(hourly);
    try {
      await api('PUT', '/v1/admin/retention', body);
      setRaw('');
      setHourly('');
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const purge = async () => {
    if (!window.confirm('Delete everything past retention now?')) return;
    try {
      setReport(await api('POST', '/v1/admin/retention/purge', { confirm: true }));
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  return html`<div class="card" id="retention"><h3>Retention and storage</h3><${Problem} error=${problem} />
    <p>Raw events are kept <strong>${r.global.raw_events_days} days</strong>, hourly counts <strong>${r.global.hourly_counts_days} days</strong>${' '}
      (config file: ${r.defaults.raw_events_days} / ${r.defaults.hourly_counts_days}).</p>
    <dl class="meta"><dt>database</dt><dd>${mb(r.storage.db_size_bytes)} (${mb(r.storage.free_bytes)} free inside, WAL ${mb(r.storage.wal_size_bytes)})</dd>
      <dt>raw events</dt><dd>${count(r.storage.raw_events_count)}</dd><dt>issues</dt><dd>${count(r.storage.error_groups_count)}</dd>
      <dt>last purge</dt><dd>${r.last_purge ? `${when(r.last_purge.finished_at)}: ${count(r.last_purge.raw_events_deleted)} events deleted` : 'never'}</dd></dl>
    <table class="small"><thead><tr><th>Project</th><th>Days</th><th class="num">Raw events</th></tr></thead><tbody>
      ${r.per_project.map((p) => html`<tr><td>${p.project_name}</td><td>${p.effective_raw_events_days}${p.raw_events_days ? ' (own)' : ''}</td>
        <td class="num">${count(p.raw_events_count)}</td></tr>`)}</tbody></table>
    <form class="inline" onSubmit=${save}>
      <label>Raw events days <input id="retention-raw" type="number" min="1" max="3650" value=${raw} onInput=${(e) => setRaw(e.target.value)} /></label>
      <label>Hourly counts days <input type="number" min="1" max="3650" value=${hourly} onInput=${(e) => setHourly(e.target.value)} /></label>
      <button type="submit">Save</button>
      <button type="button" class="danger" onClick=${purge}>Purge now</button>
    </form>
    ${report ? html`<p id="purge-report">Deleted ${count(report.raw_events_deleted)} raw events, ${count(report.hourly_counts_deleted)} hourly counts
      in ${report.duration_ms} ms; ${mb(report.freed_bytes)} returned to the disk.</p>` : null}
  </div>`;
}

export function Admin({ user, projects }) {
  useTitle('Admin');
  if (!user.is_admin) return html`<p class="problem">Only admins can see this page.</p>`;
  return html`<section id="admin"><h2>Admin</h2>
    <${Users} me=${user} /><${Invites} projects=${projects} /><${Retention} /></section>`;
}
