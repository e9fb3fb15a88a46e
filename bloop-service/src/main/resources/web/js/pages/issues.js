// The issue stream (filters, sorts, pages, live counts) and the issue page.
import { useEffect, useState } from 'preact/hooks';
import { api, page, scoped } from '../api.js';
import { ago, count, Empty, html, Link, Loading, Problem, Status, TrendChart, useLoad, when } from '../ui.js';
import { FirstEvent } from './projects.js';

const PAGE = 50;
const FILTERS = ['status', 'environment', 'release', 'source', 'route', 'q'];

function query(filters, sort, offset) {
  const p = new URLSearchParams();
  for (const f of FILTERS) if (filters[f]) p.set(f, filters[f]);
  p.set('sort', sort);
  p.set('limit', String(PAGE));
  p.set('offset', String(offset));
  return p.toString();
}

function readFilters() {
  const p = new URLSearchParams(window.location.search);
  const filters = {};
  for (const f of FILTERS) filters[f] = p.get(f) || '';
  if (!p.has('status')) filters.status = 'unresolved';
  return { filters, sort: p.get('sort') || 'last_seen', offset: Number(p.get('offset') || 0) };
}

export function IssueStream({ navigate, project }) {
  const initial = readFilters();
  const [filters, setFilters] = useState(initial.filters);
  const [draft, setDraft] = useState(initial.filters);
  const [sort, setSort] = useState(initial.sort);
  const [offset, setOffset] = useState(initial.offset);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    const q = query(filters, sort, offset);
    window.history.replaceState(null, '', `/issues?${q}`);
    const load = () => page(scoped(`/v1/errors?${q}`)).then((r) => live && (setResult(r), setError(null)),
      (e) => live && setError(e));
    load();
    const timer = setInterval(load, 10000); // live counts
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [filters, sort, offset, project && project.id]);

  const apply = (e) => {
    e.preventDefault();
    setOffset(0);
    setFilters({ ...draft });
  };
  const field = (name, label, placeholder) => html`<label>${label}
    <input id=${`filter-${name}`} value=${draft[name]} placeholder=${placeholder}
      onInput=${(e) => setDraft({ ...draft, [name]: e.target.value })} /></label>`;

  return html`<section>
    <h2>Issues</h2>
    <form id="filters" class="filters" onSubmit=${apply}>
      ${field('q', 'Search', 'type or message')}
      <label>Status <select id="filter-status" value=${draft.status}
        onChange=${(e) => setDraft({ ...draft, status: e.target.value })}>
        <option value="">any</option>
        ${['unresolved', 'resolved', 'ignored', 'muted'].map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label>
      ${field('environment', 'Environment', 'prod')}
      ${field('release', 'Release', '1.4.2')}
      ${field('source', 'Source', 'ios, api…')}
      ${field('route', 'Route', '/api/users')}
      <label>Sort <select id="sort" value=${sort} onChange=${(e) => { setSort(e.target.value); setOffset(0); }}>
        <option value="last_seen">last seen</option><option value="first_seen">first seen</option>
        <option value="total_count">events</option>
      </select></label>
      <button id="filter-apply" type="submit">Apply</button>
    </form>
    <${Problem} error=${error} />
    ${!result && !error ? html`<${Loading} />` : null}
    ${result && result.rows.length === 0 ? (Object.values(filters).some((v) => v && v !== 'unresolved')
      ? html`<${Empty} title="No issues match these filters">Clear a filter or change the status.</${Empty}>`
      : html`<${FirstEvent} project=${project} />`) : null}
    ${result && result.rows.length > 0 ? html`
      <p class="muted" id="issue-total">${count(result.total)} ${result.total === 1 ? 'issue' : 'issues'}</p>
      <table class="issues" id="issue-list">
        <thead><tr><th>Issue</th><th>Status</th><th class="num">Events</th><th>Last seen</th><th>First seen</th><th>Release</th></tr></thead>
        <tbody>${result.rows.map((g) => html`<tr data-fingerprint=${g.fingerprint}>
          <td><${Link} to=${`/issues/${g.fingerprint}`} navigate=${navigate}>
            <strong>${g.error_type}</strong> <span class="message">${g.message}</span></${Link}>
            <div class="muted small">${g.source} · ${g.route_or_procedure || g.screen || '—'} · ${(g.environments || []).join(', ')}</div></td>
          <td><${Status} status=${g.status} /></td>
          <td class="num count">${count(g.total_count)}</td>
          <td title=${when(g.last_seen)}>${ago(g.last_seen)}</td>
          <td title=${when(g.first_seen)}>${ago(g.first_seen)}</td>
          <td>${g.last_release}</td></tr>`)}</tbody>
      </table>
      <div class="pager">
        <button id="page-prev" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
        <span class="muted">${offset + 1}–${Math.min(offset + PAGE, result.total)} of ${count(result.total)}</span>
        <button id="page-next" disabled=${offset + PAGE >= result.total} onClick=${() => setOffset(offset + PAGE)}>Next</button>
      </div>` : null}
  </section>`;
}

function Breakdown({ title, rows, keyName }) {
  if (!rows || rows.length === 0) return null;
  return html`<div class="card"><h3>${title}</h3><table>
    <thead><tr><th>${keyName}</th><th class="num">Events</th><th>First seen</th><th>Last seen</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${r[keyName]}</td><td class="num">${count(r.count)}</td>
      <td>${when(r.first_seen)}</td><td>${when(r.last_seen)}</td></tr>`)}</tbody></table></div>`;
}

function Stack({ sample }) {
  const frames = sample.deobfuscated_stack;
  if (frames && frames.length) {
    return html`<ol class="frames">${frames.map((f) => html`<li>
      ${f.original_file ? html`<code>${f.original_function || '?'} (${f.original_file}:${f.original_line}:${f.original_column})</code>
        <div class="muted small">${f.raw_frame}</div>` : html`<code>${f.raw_frame}</code>`}</li>`)}</ol>`;
  }
  return sample.stack ? html`<pre class="stack">${sample.stack}</pre>` : html`<p class="muted">No stack trace.</p>`;
}

function Sample({ sample }) {
  const meta = [['received', when(sample.received_at)], ['release', sample.release], ['environment', sample.environment],
    ['app version', sample.app_version], ['build', sample.build_number], ['route', sample.route_or_procedure],
    ['screen', sample.screen], ['HTTP status', sample.http_status], ['request id', sample.request_id],
    ['user', sample.user_id_hash], ['device', sample.device_id_hash]].filter(([, v]) => v != null && v !== '');
  return html`<details class="sample card" open>
    <summary>${sample.error_type}: ${sample.message}</summary>
    <dl class="meta">${meta.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>
    <${Stack} sample=${sample} />
    ${sample.metadata ? html`<h4>Metadata</h4><pre class="stack">${JSON.stringify(sample.metadata, null, 2)}</pre>` : null}
  </details>`;
}

export function IssuePage({ fingerprint, navigate }) {
  const [detail, error, reload] = useLoad(() => api('GET', scoped(`/v1/errors/${fingerprint}`)), [fingerprint]);
  const [trend] = useLoad(() => api('GET', scoped(`/v1/errors/${fingerprint}/trend?hours=72`)), [fingerprint]);
  const [history, , reloadHistory] = useLoad(() => api('GET', scoped(`/v1/errors/${fingerprint}/history`)), [fingerprint]);
  const [actionError, setActionError] = useState(null);

  const change = async (action) => {
    setActionError(null);
    try {
      await api('POST', scoped(`/v1/errors/${fingerprint}/${action}`));
      reload();
      reloadHistory();
    } catch (e) {
      setActionError(e);
    }
  };
  if (error) {
    return html`<section><${Problem} error=${error.status === 404
      ? new Error('This issue does not exist in the selected project (or you cannot see it).') : error} />
      <${Link} to="/issues" navigate=${navigate}>Back to issues</${Link}></section>`;
  }
  if (!detail) return html`<${Loading} />`;
  const g = detail.grouping || {};
  return html`<section id="issue">
    <p><${Link} to="/issues" navigate=${navigate}>← Issues</${Link}></p>
    <h2 id="issue-title"><span class="type">${detail.error_type}</span> <span class="message">${detail.message}</span></h2>
    <p><${Status} status=${detail.status} /> <span class="muted">${detail.source} · ${detail.route_or_procedure || detail.screen || '—'}
      · ${count(detail.total_count)} ${detail.total_count === 1 ? 'event' : 'events'} · first seen ${ago(detail.first_seen)} · last seen ${ago(detail.last_seen)}
      · last release ${detail.last_release}</span></p>
    <div class="actions">
      ${['resolve', 'ignore', 'mute', 'unresolve'].map((a) => html`<button id=${`action-${a}`} onClick=${() => change(a)}>${a}</button>`)}
    </div>
    <${Problem} error=${actionError} />
    <div class="card"><h3>Events, last 72 hours</h3>${trend ? html`<${TrendChart} points=${trend} />` : html`<${Loading} />`}</div>
    <div class="grid2">
      <${Breakdown} title="By release" rows=${detail.releases} keyName="release" />
      <${Breakdown} title="By environment" rows=${detail.environment_counts} keyName="environment" />
    </div>
    <div class="card"><h3>Why these events are one issue</h3>
      <dl class="meta"><dt>fingerprint</dt><dd><code>${detail.fingerprint}</code></dd>
        <dt>grouped by</dt><dd>${g.kind} (grouping version ${g.version})</dd>
        ${g.normalized_message ? html`<dt>normalized message</dt><dd><code>${g.normalized_message}</code></dd>` : null}
        ${g.frame ? html`<dt>top frame</dt><dd><code>${g.frame}</code></dd>` : null}
        ${g.frame_reason ? html`<dt>why</dt><dd id="frame-reason">${g.frame_reason}${g.rules_version ? ` (in-app rules version ${g.rules_version})` : ''}</dd>` : null}
        ${g.route ? html`<dt>route</dt><dd><code>${g.route}</code></dd>` : null}</dl></div>
    <h3>Recent events</h3>
    ${(detail.samples || []).length === 0 ? html`<p class="muted">No samples kept (retention may have removed them).</p>` : null}
    ${(detail.samples || []).map((s) => html`<${Sample} sample=${s} />`)}
    <div class="card"><h3>History</h3>
      ${history && history.length ? html`<table id="history"><thead><tr><th>When</th><th>Who</th><th>Change</th></tr></thead>
        <tbody>${history.map((c) => html`<tr><td>${when(c.changed_at)}</td><td>${c.actor}</td>
          <td>${c.old_status} → ${c.new_status}</td></tr>`)}</tbody></table>` : html`<p class="muted">No status changes yet.</p>`}
    </div>
  </section>`;
}
