// The issue stream (filters with the values that exist, sorts, pages, live counts) and the issue page.
// The stream's state lives in its URL: a reload, Back, a shared link or "← Issues" shows the same list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, link, page, scoped } from '../api.js';
import { Ago, ago, Bars, count, Empty, html, Link, Loading, Meta, plural, Problem, Status, TrendCard, useLoad,
  useTitle, when } from '../ui.js';
import { FirstEvent } from './setup.js';
import { frameSummary, Stack } from './stack.js';

const PAGE = 50;
const STATUSES = ['unresolved', 'resolved', 'ignored', 'muted'];
const PICKERS = [['environment', 'Environment'], ['release', 'Release'], ['source', 'Source'], ['route', 'Route']];
const PERIODS = [['1h', 'last hour', 3600e3], ['24h', 'last 24 h', 86400e3], ['7d', 'last 7 days', 7 * 86400e3],
  ['30d', 'last 30 days', 30 * 86400e3]];

// The stream as its URL says it: status (unresolved unless said), the four value filters (each a
// list), search, last-seen range (a period or since/until), sort and offset.
export function readStream(search) {
  const p = new URLSearchParams(search);
  const status = p.get('status');
  const s = {
    // "status=" (present, empty) is how older links said "any status"
    status: status === 'any' || status === '' ? 'any' : STATUSES.includes(status) ? status : 'unresolved',
    q: p.get('q') || '',
    sort: ['last_seen', 'first_seen', 'total_count'].includes(p.get('sort')) ? p.get('sort') : 'last_seen',
    period: PERIODS.some(([k]) => k === p.get('period')) ? p.get('period') : '',
    since: p.get('since') || '',
    until: p.get('until') || '',
    offset: Math.max(0, Number(p.get('offset')) || 0),
    assigned: p.get('assigned') || '',
    all: p.get('all') === '1',
  };
  for (const [k] of PICKERS) s[k] = p.getAll(k).filter(Boolean);
  return s;
}

// The dashboard URL's parameters of a stream state (defaults left out, "any" kept).
function params(s) {
  const out = { status: s.status === 'unresolved' ? '' : s.status, q: s.q, period: s.period, since: s.since,
    until: s.until, sort: s.sort === 'last_seen' ? '' : s.sort, offset: s.offset || '', assigned: s.assigned,
    all: s.all ? '1' : '' };
  for (const [k] of PICKERS) out[k] = s[k];
  return out;
}

// The API query of a stream state; a period becomes a since of now.
function apiQuery(s) {
  const p = new URLSearchParams();
  if (s.status !== 'any') p.set('status', s.status);
  if (s.q) p.set('q', s.q);
  for (const [k] of PICKERS) for (const v of s[k]) p.append(k, v);
  const period = PERIODS.find(([k]) => k === s.period);
  if (period) p.set('since', String(Date.now() - period[2]));
  else {
    if (s.since) p.set('since', s.since);
    if (s.until) p.set('until', s.until);
  }
  if (s.assigned) p.set('assigned', s.assigned);
  p.set('sort', s.sort);
  p.set('limit', String(PAGE));
  p.set('offset', String(s.offset));
  p.set('sparkline', '24h');
  if (s.all) p.set('project_id', 'all');
  return p.toString();
}

// The list's filter as POST /v1/errors/bulk takes it: every issue matching, not only this page.
function bulkFilter(s) {
  const f = {};
  if (s.status !== 'any') f.status = s.status;
  if (s.q) f.q = s.q;
  for (const [k] of PICKERS) if (s[k].length) f[k] = s[k];
  const period = PERIODS.find(([k]) => k === s.period);
  if (period) f.since = Date.now() - period[2];
  else {
    if (s.since) f.since = Number(s.since);
    if (s.until) f.until = Number(s.until);
  }
  if (s.assigned) f.assigned = s.assigned;
  return f;
}

function narrowed(s) {
  return Boolean(s.q || s.period || s.since || s.until || s.assigned || PICKERS.some(([k]) => s[k].length));
}

// The last stream URL seen in each project: where "← Issues" goes back to.
const lastStream = new Map();

export function streamLink(project) {
  return (project && lastStream.get(project.id)) || link('/issues');
}

export function issueLink(fingerprint) {
  return link(`/issues/${encodeURIComponent(fingerprint)}`);
}

// A filter offering the values that exist (with counts), several at once, found by typing any part
// of a value in any case.
function Picker({ name, label, values, selected, onChange, onOpen }) {
  const [open, setOpen] = useState(false);
  const [find, setFind] = useState('');
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return undefined;
    const outside = (e) => {
      if (ref.current && !ref.current.contains(e.target)) setOpen(false);
    };
    const escape = (e) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  const known = values || [];
  const all = [...known, ...selected.filter((v) => !known.some((k) => k.value === v)).map((v) => ({ value: v }))];
  const needle = find.trim().toLowerCase();
  const shown = all.filter((v) => !needle || v.value.toLowerCase().includes(needle));
  const flip = (v) => onChange(selected.includes(v) ? selected.filter((x) => x !== v) : [...selected, v]);
  const summary = selected.length === 0 ? 'all' : selected.length === 1 ? selected[0] : `${selected.length} selected`;
  return html`<div class=${`picker${selected.length ? ' on' : ''}`} id=${`filter-${name}`} ref=${ref}>
    <span class="picker-label">${label}</span>
    <button type="button" class="picker-button" aria-haspopup="listbox" aria-expanded=${open}
      onClick=${() => { if (!open && onOpen) onOpen(); setOpen(!open); }}>${summary} ▾</button>
    ${open ? html`<div class="pop">
      <input type="search" class="picker-find" placeholder=${`Find ${label.toLowerCase()}…`} value=${find} autofocus
        aria-label=${`Find ${label.toLowerCase()}`} onInput=${(e) => setFind(e.target.value)} />
      ${values === null ? html`<${Loading} />` : shown.length === 0
        ? html`<p class="muted small">${all.length ? 'No value matches.' : `No ${label.toLowerCase()} in this project yet.`}</p>` : null}
      <ul role="listbox" aria-multiselectable="true">${shown.map((v) => html`<li><label>
        <input type="checkbox" value=${v.value} checked=${selected.includes(v.value)} onChange=${() => flip(v.value)} />
        <span class="value">${v.value}</span>
        ${v.issues !== undefined ? html`<span class="muted small">${plural(v.issues, 'issue')}, ${plural(v.events, 'event')}</span>` : null}
      </label></li>`)}</ul>
      ${selected.length ? html`<button type="button" class="link" onClick=${() => onChange([])}>Any ${label.toLowerCase()}</button>` : null}
    </div>` : null}
  </div>`;
}

function toLocalInput(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function fromLocalInput(value) {
  return value ? String(new Date(value).getTime()) : '';
}

// Every control applies at once: choosing a value, a status, a range or a sort, or pausing while typing.
function Filters({ s, go, facets, reloadFacets, multi }) {
  const [q, setQ] = useState(s.q);
  const [customOpen, setCustomOpen] = useState(false);
  const typing = useRef(null);
  const range = s.since || s.until || customOpen ? 'custom' : s.period;
  // Drafts, so that a re-render (the live refresh) never wipes what is being typed.
  const [from, setFrom] = useState(toLocalInput(s.since));
  const [to, setTo] = useState(toLocalInput(s.until));
  useEffect(() => setQ(s.q), [s.q]);
  useEffect(() => setFrom(toLocalInput(s.since)), [s.since]);
  useEffect(() => setTo(toLocalInput(s.until)), [s.until]);
  useEffect(() => () => clearTimeout(typing.current), []);
  // The search applies on Enter, or after a pause in typing.
  const type = (value) => {
    setQ(value);
    clearTimeout(typing.current);
    typing.current = setTimeout(() => go({ q: value }), 400);
  };
  const submit = (e) => {
    e.preventDefault();
    clearTimeout(typing.current);
    go({ q });
  };
  const chooseRange = (v) => {
    setCustomOpen(v === 'custom');
    if (v !== 'custom') go({ period: v, since: '', until: '' });
  };
  const clear = () => {
    clearTimeout(typing.current);
    setQ('');
    setCustomOpen(false);
    go({ status: 'unresolved', q: '', period: '', since: '', until: '', sort: 'last_seen', environment: [], release: [],
      source: [], route: [], assigned: '' });
  };
  const dirty = narrowed(s) || s.status !== 'unresolved' || s.sort !== 'last_seen';
  return html`<form id="filters" class="filters" role="search" onSubmit=${submit}>
    <label class="search">Search <input id="filter-q" type="search" value=${q} placeholder="type or message"
      onInput=${(e) => type(e.target.value)} /></label>
    <label>Status <select id="filter-status" value=${s.status} onChange=${(e) => go({ status: e.target.value })}>
      ${STATUSES.map((x) => html`<option value=${x}>${x}</option>`)}<option value="any">any</option>
    </select></label>
    ${PICKERS.map(([k, label]) => html`<${Picker} name=${k} label=${label} values=${facets ? facets[k] : null}
      selected=${s[k]} onChange=${(v) => go({ [k]: v })} onOpen=${reloadFacets} />`)}
    <label>Assigned <select id="filter-assigned" value=${['', 'me', 'none'].includes(s.assigned) ? s.assigned : 'user'}
      onChange=${(e) => go({ assigned: e.target.value === 'user' ? s.assigned : e.target.value })}>
      <option value="">anyone or nobody</option><option value="me">to me</option><option value="none">to nobody</option>
      ${['', 'me', 'none'].includes(s.assigned) ? null : html`<option value="user">to ${s.assigned}</option>`}</select></label>
    ${multi ? html`<label class="check" title="Issues of every project you are a member of"><input id="filter-all-projects"
      type="checkbox" checked=${s.all} onChange=${(e) => go({ all: e.target.checked })} /> All projects</label>` : null}
    <label>Last seen <select id="filter-period" value=${range} onChange=${(e) => chooseRange(e.target.value)}>
      <option value="">any time</option>${PERIODS.map(([k, text]) => html`<option value=${k}>${text}</option>`)}
      <option value="custom">between…</option></select></label>
    ${range === 'custom' ? html`<label>From <input id="filter-since" type="datetime-local" value=${from}
        onInput=${(e) => setFrom(e.target.value)} onChange=${(e) => go({ period: '', since: fromLocalInput(e.target.value) })} /></label>
      <label>To <input id="filter-until" type="datetime-local" value=${to}
        onInput=${(e) => setTo(e.target.value)} onChange=${(e) => go({ period: '', until: fromLocalInput(e.target.value) })} /></label>` : null}
    <label>Sort <select id="sort" value=${s.sort} onChange=${(e) => go({ sort: e.target.value })}>
      <option value="last_seen">last seen</option><option value="first_seen">first seen</option>
      <option value="total_count">events</option></select></label>
    <button id="filter-clear" type="button" disabled=${!dirty} onClick=${clear}>Clear</button>
  </form>`;
}

// The row's events per hour over the last 24 h, as a small line.
function Sparkline({ points }) {
  if (!points || points.length === 0) return null;
  const max = Math.max(1, ...points);
  const w = 72;
  const h = 18;
  const step = w / Math.max(1, points.length - 1);
  const line = points.map((v, i) => `${(i * step).toFixed(1)},${(h - 1 - (v / max) * (h - 2)).toFixed(1)}`).join(' ');
  const total = points.reduce((a, b) => a + b, 0);
  return html`<svg class="sparkline" width=${w} height=${h} viewBox=${`0 0 ${w} ${h}`} role="img"
    aria-label=${`${plural(total, 'event')} in the last 24 h`}><title>${plural(total, 'event')} in the last 24 h</title>
    <polyline points=${line} fill="none" stroke="currentColor" stroke-width="1.5" /></svg>`;
}

function rowLink(g, projects, all) {
  if (!all) return issueLink(g.fingerprint);
  const p = (projects || []).find((x) => x.id === g.project_id);
  return `/issues/${encodeURIComponent(g.fingerprint)}?project=${encodeURIComponent(p ? p.slug : g.project_id)}`;
}

function IssueRow({ g, s, navigate, projects, cursor, selected, onSelect }) {
  const frame = g.top_frame ? frameSummary(g.top_frame) : null;
  const release = s.release.length === 1 ? s.release[0] : g.last_release;
  const project = s.all ? (projects || []).find((x) => x.id === g.project_id) : null;
  return html`<tr data-fingerprint=${g.fingerprint} class=${`${cursor ? 'cursor' : ''}${selected ? ' selected' : ''}`}
      aria-current=${cursor ? 'true' : undefined}>
    ${s.all ? null : html`<td class="pick"><input type="checkbox" class="row-select" aria-label="Select issue"
      checked=${selected} onChange=${(e) => onSelect(e.target.checked)} /></td>`}
    ${s.all ? html`<td class="project-cell">${project ? project.name : g.project_id}</td>` : null}
    <td class="issue"><${Link} to=${rowLink(g, projects, s.all)} navigate=${navigate} class="title">
        <span class="type">${g.error_type}</span>
        ${frame ? html`<span class="culprit"><span class="in"> in </span><code>${frame.fn}</code>${frame.file ? html`<span class="file">${` · ${frame.file}`}</span>` : null}</span>` : null}
        <span class="message">${g.message}</span></${Link}>
      <${Meta} class="muted small meta" parts=${[g.source, g.route_or_procedure || g.screen, (g.environments || []).join(', ')]} /></td>
    <td class="status-cell"><${Status} status=${g.status} /></td>
    <td class="assignee-cell">${g.assignee || html`<span class="muted">—</span>`}</td>
    <td class="spark"><${Sparkline} points=${g.sparkline} /></td>
    <td class="num users">${count(g.users_affected || 0)}</td>
    <td class="num count">${count(g.total_count)}<span class="unit">${g.total_count === 1 ? ' event' : ' events'}</span></td>
    <td class="time last"><${Ago} ms=${g.last_seen} /></td>
    <td class="time first"><${Ago} ms=${g.first_seen} /></td>
    ${s.release.length > 1 ? null : html`<td class="release">${release}</td>`}</tr>`;
}

function NothingHere({ s, project, go, navigate }) {
  const [all] = useLoad(() => page(scoped('/v1/errors?limit=1')), [project && project.id]);
  if (narrowed(s)) {
    return html`<${Empty} title="No issues match these filters" id="no-match"><p>${'Change a filter, or '}<button type="button"
      class="link" onClick=${() => go({ q: '', period: '', since: '', until: '', environment: [], release: [], source: [],
        route: [] })}>clear them</button>.</p></${Empty}>`;
  }
  if (!all) return html`<${Loading} />`;
  if (all.total === 0) return html`<${FirstEvent} project=${project} />`;
  return html`<${Empty} title=${s.status === 'any' ? 'No issues' : `No ${s.status} issues`} id="all-done">
    <p>${project.name} has ${plural(all.total, 'issue')}, none of them ${s.status}.</p>
    <p><${Link} to=${link('/issues', { status: 'any' })} navigate=${navigate}>Show every issue</${Link}></p></${Empty}>`;
}

// What the keys do on the stream (shown by "?").
const KEYS = [['j / k', 'next / previous issue'], ['o or Enter', 'open the issue'], ['r', 'resolve'], ['i', 'ignore'],
  ['m', 'mute'], ['x', 'select / unselect'], ['/', 'search'], ['?', 'this help']];

function KeyHelp({ onClose }) {
  return html`<div class="card key-help" id="key-help" role="dialog" aria-label="Keyboard shortcuts">
    <div class="card-head"><h3>Keyboard</h3><button type="button" onClick=${onClose}>Close</button></div>
    <dl class="meta">${KEYS.map(([k, what]) => html`<dt><kbd>${k}</kbd></dt><dd>${what}</dd>`)}</dl></div>`;
}

function typingIn(target) {
  const tag = target && target.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || (target && target.isContentEditable);
}

// Several issues at once: the ones ticked, or every issue matching the filters.
function BulkBar({ s, rows, total, selected, allMatching, setAllMatching, clear, done, user }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const n = allMatching ? total : selected.size;
  const act = async (action, extra = {}) => {
    setBusy(true);
    setError(null);
    try {
      const body = allMatching ? { action, filter: bulkFilter(s), ...extra } : { action, fingerprints: [...selected], ...extra };
      const r = await api('POST', scoped('/v1/errors/bulk'), body);
      setResult(r);
      clear();
      done();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (n === 0) {
    return result ? html`<p class="muted small" id="bulk-result">${plural(result.changed, 'issue')} changed${result.skipped
      ? `, ${result.skipped} skipped` : ''}.</p>` : null;
  }
  const wholePage = selected.size === rows.length && total > rows.length;
  return html`<div class="bulk-bar card" id="bulk-bar">
    <strong id="bulk-count">${plural(n, 'issue')} selected</strong>
    ${wholePage && !allMatching ? html`<button type="button" class="link" id="bulk-all-matching"
      onClick=${() => setAllMatching(true)}>Select all ${count(total)} matching</button>` : null}
    <button type="button" id="bulk-resolve" disabled=${busy} onClick=${() => act('resolve')}>Resolve</button>
    <button type="button" id="bulk-ignore" disabled=${busy} onClick=${() => act('ignore')}>Ignore</button>
    <button type="button" id="bulk-mute" disabled=${busy} onClick=${() => act('mute')}>Mute</button>
    <button type="button" id="bulk-unresolve" disabled=${busy} onClick=${() => act('unresolve')}>Reopen</button>
    <button type="button" id="bulk-assign-me" disabled=${busy} onClick=${() => act('assign', { assignee: user.username })}>Assign to me</button>
    <button type="button" id="bulk-unassign" disabled=${busy} onClick=${() => act('assign', { assignee: null })}>Unassign</button>
    <button type="button" class="link" onClick=${clear}>Clear selection</button>
    <${Problem} error=${error} />
  </div>`;
}

export function IssueStream({ path, navigate, project, projects, user }) {
  const search = path.includes('?') ? path.slice(path.indexOf('?')) : '';
  const s = readStream(search);
  const key = new URLSearchParams(params(s)).toString() + JSON.stringify(PICKERS.map(([k]) => s[k]));
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const [help, setHelp] = useState(false);
  const [facets, , reloadFacets] = useLoad(() => api('GET', scoped('/v1/errors/facets')), [project && project.id]);
  useTitle(s.status === 'any' ? 'Issues' : `${s.status[0].toUpperCase()}${s.status.slice(1)} issues`, project && project.name);
  useEffect(() => {
    // One address per list: the same parameters in the same order, so it can be compared and shared.
    const canonical = link('/issues', params(s));
    lastStream.set(project.id, canonical);
    if (window.location.pathname === '/issues' && window.location.pathname + window.location.search !== canonical) {
      navigate(canonical, { replace: true, scroll: false });
    }
  }, [key, project && project.id]);

  // Another list: nothing selected, the cursor on its first row.
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
    setCursor(0);
  }, [key, project && project.id]);

  useEffect(() => {
    let live = true;
    const query = `/v1/errors?${apiQuery(s)}`;
    const load = () => page(s.all ? query : scoped(query)).then((r) => live && (setResult(r), setError(null)),
      (e) => live && setError(e));
    load();
    const timer = setInterval(load, 10000); // live counts
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, project && project.id, tick]);

  // A change of filters starts at the first page; a change of page starts at the top of the page.
  // Both start from the address as it is now (a timer's closure may hold an older state).
  const now = () => readStream(window.location.search);
  const go = (changes) => navigate(link('/issues', params({ ...now(), offset: 0, ...changes })), { scroll: false });
  const toPage = (offset) => navigate(link('/issues', params({ ...now(), offset })));
  const shown = result && result.rows;
  const select = (fp, on) => {
    const next = new Set(selected);
    if (on) next.add(fp);
    else next.delete(fp);
    setSelected(next);
    setAllMatching(false);
  };
  const clear = () => {
    setSelected(new Set());
    setAllMatching(false);
  };

  // j/k/o/Enter/r/i/m/x and / and ?, unless typing in a field.
  const keys = useRef(null);
  keys.current = async (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return;
    const rows = shown || [];
    const at = Math.min(cursor, Math.max(0, rows.length - 1));
    const g = rows[at];
    const k = e.key;
    if (k === '?') {
      e.preventDefault();
      setHelp(!help);
    } else if (k === '/') {
      e.preventDefault();
      const q = document.getElementById('filter-q');
      if (q) q.focus();
    } else if (k === 'Escape') {
      setHelp(false);
    } else if (k === 'j' && rows.length) {
      setCursor(Math.min(rows.length - 1, at + 1));
    } else if (k === 'k' && rows.length) {
      setCursor(Math.max(0, at - 1));
    } else if ((k === 'o' || k === 'Enter') && g) {
      e.preventDefault();
      navigate(rowLink(g, projects, s.all));
    } else if (k === 'x' && g && !s.all) {
      select(g.fingerprint, !selected.has(g.fingerprint));
    } else if (['r', 'i', 'm'].includes(k) && g) {
      const action = { r: 'resolve', i: 'ignore', m: 'mute' }[k];
      const p = (projects || []).find((x) => x.id === g.project_id);
      try {
        await api('POST', `/v1/errors/${encodeURIComponent(g.fingerprint)}/${action}?project_id=${encodeURIComponent(p ? p.id : g.project_id)}`);
        setTick((t) => t + 1);
      } catch (err) {
        setError(err);
      }
    }
  };
  useEffect(() => {
    const onKey = (e) => keys.current(e);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const multi = projects && projects.length > 1;
  const allOnPage = shown && shown.length > 0 && shown.every((g) => selected.has(g.fingerprint));
  return html`<section id="stream">
    <h2>Issues${s.all ? ' in all projects' : ''} <button type="button" class="link small" id="key-help-open"
      title="Keyboard shortcuts (?)" onClick=${() => setHelp(!help)}>⌨ keys</button></h2>
    ${help ? html`<${KeyHelp} onClose=${() => setHelp(false)} />` : null}
    <${Filters} s=${s} go=${go} facets=${facets} reloadFacets=${reloadFacets} multi=${multi} />
    <${Problem} error=${error} />
    ${!result && !error ? html`<${Loading} />` : null}
    ${shown && shown.length === 0 ? html`<${NothingHere} s=${s} project=${project} go=${go} navigate=${navigate} />` : null}
    ${shown && shown.length > 0 ? html`
      <p class="muted" id="issue-total">${plural(result.total, 'issue')}</p>
      ${s.all ? null : html`<${BulkBar} s=${s} rows=${shown} total=${result.total} selected=${selected} allMatching=${allMatching}
        setAllMatching=${setAllMatching} clear=${clear} done=${() => setTick((t) => t + 1)} user=${user} />`}
      <table class="issues" id="issue-list">
        <thead><tr>${s.all ? html`<th>Project</th>` : html`<th class="pick"><input type="checkbox" id="select-page"
          aria-label="Select every issue on this page" checked=${allOnPage}
          onChange=${(e) => { setSelected(e.target.checked ? new Set(shown.map((g) => g.fingerprint)) : new Set()); setAllMatching(false); }} /></th>`}
          <th>Issue</th><th>Status</th><th>Assignee</th><th>24 h</th><th class="num">Users</th><th class="num">Events</th><th>Last seen</th><th>First seen</th>
          ${s.release.length > 1 ? null : html`<th>${s.release.length === 1 ? 'Release' : 'Last release'}</th>`}</tr></thead>
        <tbody>${shown.map((g, i) => html`<${IssueRow} g=${g} s=${s} navigate=${navigate} projects=${projects}
          cursor=${i === Math.min(cursor, shown.length - 1)} selected=${allMatching || selected.has(g.fingerprint)}
          onSelect=${(on) => select(g.fingerprint, on)} />`)}</tbody>
      </table>
      <div class="pager">
        <button id="page-prev" disabled=${s.offset === 0} onClick=${() => toPage(Math.max(0, s.offset - PAGE))}>Previous</button>
        <span class="muted">${s.offset + 1}–${Math.min(s.offset + PAGE, result.total)} of ${count(result.total)}</span>
        <button id="page-next" disabled=${s.offset + PAGE >= result.total} onClick=${() => toPage(s.offset + PAGE)}>Next</button>
      </div>` : null}
  </section>`;
}

// ---- the issue page ----

// The changes that make sense from each status, and what each means.
// 'resolve-next' is resolving in the next release (only an event from a newer release reopens it).
const ACTIONS = {
  unresolved: [['resolve', 'Resolve'], ['resolve-next', 'Resolve in next release'], ['ignore', 'Ignore'], ['mute', 'Mute']],
  resolved: [['unresolve', 'Reopen']],
  ignored: [['unresolve', 'Stop ignoring'], ['resolve', 'Resolve']],
  muted: [['unresolve', 'Unmute'], ['resolve', 'Resolve']],
};
const ACTION_PATHS = { 'resolve-next': 'resolve?in_next_release=true' };

function Actions({ status, change, regression }) {
  const actions = ACTIONS[status] || ACTIONS.unresolved;
  return html`<div class="actions-block">
    <div class="actions">${actions.map(([a, text]) => html`<button id=${`action-${a}`} type="button"
      onClick=${() => change(a)}>${text}</button>`)}</div>
    ${regression ? html`<p class="small" id="regression-rule">${regression.explanation}</p>` : null}
    ${status === 'unresolved' ? html`<p class="muted small" id="status-help"><strong>Resolve</strong> when it is fixed: any
      new event reopens it as a regression; <strong>resolve in next release</strong> when the fix ships with the next
      release: only an event from a newer release reopens it. <strong>Ignore</strong> what is not worth fixing (noise, a bot, a browser
      extension); <strong>mute</strong> what is real but known and waiting. Both take it off the unresolved list and
      stop its alerts while it keeps counting; today they behave the same, the choice tells your team why.</p>`
      : html`<p class="muted small" id="status-help">${status === 'resolved' ? 'Reopened as a regression by the rule above.'
        : `It keeps counting but never alerts; ${status === 'ignored' ? 'stop ignoring' : 'unmute'} it to see it in the unresolved list again.`}</p>`}
  </div>`;
}

// Who is on the issue: a member of the project (or you), or nobody.
function Assignee({ detail, project, user, assign }) {
  const [members] = useLoad(() => api('GET', `/v1/projects/${encodeURIComponent(project.slug)}/members`), [project.id]);
  const names = new Set((members || []).map((m) => m.username));
  names.add(user.username);
  if (detail.assignee) names.add(detail.assignee);
  // The choice shows at once and stays: the history can come back before the issue is read again, and a
  // render with the issue as it was would put the old assignee back in the box. Each read resets it.
  const [chosen, setChosen] = useState(detail.assignee || '');
  useEffect(() => setChosen(detail.assignee || ''), [detail]);
  return html`<label class="assignee">Assignee <select id="assignee" value=${chosen}
    onChange=${(e) => { setChosen(e.target.value); assign(e.target.value || null); }}>
    <option value="">nobody</option>${[...names].sort().map((n) => html`<option value=${n}>${n}${n === user.username ? ' (me)' : ''}</option>`)}
  </select></label>`;
}

// A comment: plain text as typed (shown as text, never as HTML).
function CommentForm({ fingerprint, done }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', scoped(`/v1/errors/${encodeURIComponent(fingerprint)}/comments`), { body });
      setBody('');
      done();
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="comment-form" id="comment-form" onSubmit=${submit}>
    <label>Comment <textarea id="comment-body" rows="3" maxlength="10000" value=${body}
      placeholder="What you found, who is on it… (plain text)" onInput=${(e) => setBody(e.target.value)}></textarea></label>
    <button type="submit" id="comment-submit" disabled=${!body.trim()}>Add comment</button>
    <${Problem} error=${error} /></form>`;
}

function History({ history }) {
  if (!history) return null;
  if (history.length === 0) return html`<p class="muted small" id="history-summary">No changes or comments yet.</p>`;
  const describe = (c) => (c.kind === 'comment' ? 'commented'
    : c.kind === 'assign' ? (c.assignee ? `assigned to ${c.assignee}` : 'unassigned')
      : c.actor === 'system' && c.old_status === 'resolved' ? 'regressed: a new event after it was resolved'
        : `${c.old_status} → ${c.new_status}`);
  return html`<details class="history" id="history-card" open=${history.some((c) => c.kind === 'comment')}>
    <summary id="history-summary"><${Meta} parts=${[describe(history[0]), `by ${history[0].actor}`, ago(history[0].changed_at)]} />
      ${history.length > 1 ? html`<span class="muted">${` (${plural(history.length, 'entry', 'entries')})`}</span>` : null}</summary>
    <table id="history"><thead><tr><th>When</th><th>Who</th><th>Change</th></tr></thead>
      <tbody>${history.map((c) => html`<tr data-kind=${c.kind}><td title=${when(c.changed_at)}>${when(c.changed_at)}</td><td>${c.actor}</td>
        <td>${describe(c)}${c.kind === 'comment' ? html`<p class="comment-body">${c.comment}</p>` : null}</td></tr>`)}</tbody></table></details>`;
}

const TAG_NAMES = { environment: 'Environment', release: 'Release', app_version: 'App version', browser: 'Browser',
  os: 'OS', device: 'Device', locale: 'Locale' };

function Tags({ fingerprint }) {
  const [tags, error] = useLoad(() => api('GET', scoped(`/v1/errors/${encodeURIComponent(fingerprint)}/tags`)), [fingerprint]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!tags) return html`<div class="card"><${Loading} /></div>`;
  return html`<div class="card" id="tags"><h3>Where it happens</h3>
    ${tags.events === 0 ? html`<p class="muted">No raw events kept (retention removed them).</p>` : html`
      <p class="muted small">Of the latest ${plural(tags.events, 'event')}.</p>
      <div class="tag-grid">${tags.tags.map((t) => html`<div class="tag-block" data-tag=${t.key}><h4>${TAG_NAMES[t.key] || t.key}</h4>
        <${Bars} total=${tags.events} rows=${[...t.values.map((v) => ({ label: v.value, count: v.count })),
          ...(t.other ? [{ label: 'other', count: t.other }] : []),
          ...(tags.events > t.with_value ? [{ label: '(not set)', count: tags.events - t.with_value }] : [])]} /></div>`)}</div>`}
  </div>`;
}

// How far apart the client's clock and the server's were, in the unit that reads best.
function duration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400).toLocaleString()} days`;
}

function Event({ event, groupingFrame }) {
  const lag = event.received_at && event.timestamp ? event.received_at - event.timestamp : null;
  const meta = [['release', event.release], ['environment', event.environment], ['app version', event.app_version],
    ['build', event.build_number], ['route', event.route_or_procedure], ['screen', event.screen],
    ['HTTP status', event.http_status], ['request id', event.request_id], ['user', event.user_id_hash],
    ['device', event.device_id_hash], ['source', event.source]].filter(([, v]) => v != null && v !== '');
  return html`<div class="event" data-event=${event.id}>
    <p class="event-message">${event.message}</p>
    <dl class="meta">
      <dt>received</dt><dd id="event-received">${when(event.received_at)} <span class="muted">(${ago(event.received_at)})</span></dd>
      <dt>client time</dt><dd id="event-client-time">${when(event.timestamp)}${lag !== null && Math.abs(lag) >= 1000
        ? html` <span class="muted">${`(${duration(Math.abs(lag))} ${lag > 0 ? 'before' : 'after'} it was received)`}</span>` : null}</dd>
      ${meta.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>
    <h4>Stack</h4>
    <${Stack} stack=${event.stack} mapped=${event.deobfuscated_stack} groupingFrame=${groupingFrame} />
    ${event.metadata ? html`<h4>Metadata</h4><pre class="stack">${JSON.stringify(event.metadata, null, 2)}</pre>` : null}
  </div>`;
}

// One event at a time, newest first, with older/newer steps and the list of all events.
function Events({ fingerprint, detail }) {
  const [index, setIndex] = useState(0);
  const [listOffset, setListOffset] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const base = `/v1/errors/${encodeURIComponent(fingerprint)}/occurrences`;
  const [one, error] = useLoad(() => page(scoped(`${base}?limit=1&offset=${index}`)), [fingerprint, index]);
  const [list] = useLoad(() => (listOpen ? page(scoped(`${base}?limit=50&offset=${listOffset}`)) : Promise.resolve(null)),
    [fingerprint, listOpen, listOffset]);
  const samples = detail.samples || [];
  const fromSamples = one && one.total === 0;
  const total = fromSamples ? samples.length : one ? one.total : 0;
  const event = fromSamples ? samples[index] : one && one.rows[0];
  const grouping = detail.grouping && detail.grouping.frame;
  return html`<div class="card" id="events">
    <div class="card-head"><h3>Events</h3>
      <div class="stepper">
        <button id="event-newer" type="button" disabled=${index === 0} onClick=${() => setIndex(index - 1)}>‹ Newer</button>
        <span id="event-position" class="muted">${total ? `${count(index + 1)} of ${count(total)}${fromSamples ? ' kept samples' : ''}` : ''}</span>
        <button id="event-older" type="button" disabled=${index + 1 >= total} onClick=${() => setIndex(index + 1)}>Older ›</button>
      </div></div>
    <${Problem} error=${error} />
    ${!one ? html`<${Loading} />` : !event ? html`<p class="muted">No events kept (retention may have removed them).</p>`
      : html`<${Event} event=${event} groupingFrame=${grouping} />`}
    ${fromSamples ? null : html`<details id="all-events" onToggle=${(e) => setListOpen(e.target.open)}>
      <summary>All events (${count(total)})</summary>
      ${!listOpen ? null : !list ? html`<${Loading} />` : html`<table class="small"><thead><tr><th>Received</th><th>Release</th><th>Environment</th>
        <th>Message</th></tr></thead><tbody>${list.rows.map((o, i) => html`<tr class=${listOffset + i === index ? 'current' : ''}>
          <td><button type="button" class="link" onClick=${() => setIndex(listOffset + i)}>${when(o.received_at)}</button></td>
          <td>${o.release}</td><td>${o.environment}</td><td class="clip">${o.message}</td></tr>`)}</tbody></table>
        <div class="pager"><button type="button" disabled=${listOffset === 0} onClick=${() => setListOffset(listOffset - 50)}>Previous</button>
          <button type="button" disabled=${listOffset + 50 >= list.total} onClick=${() => setListOffset(listOffset + 50)}>Next</button></div>`}
    </details>`}
  </div>`;
}

function Breakdown({ title, rows, keyName }) {
  if (!rows || rows.length === 0) return null;
  return html`<div class="card"><h3>${title}</h3><table>
    <thead><tr><th>${keyName}</th><th class="num">Events</th><th>First seen</th><th>Last seen</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${r[keyName]}</td><td class="num">${count(r.count)}</td>
      <td><${Ago} ms=${r.first_seen} /></td><td><${Ago} ms=${r.last_seen} /></td></tr>`)}</tbody></table></div>`;
}

export function IssuePage({ fingerprint, navigate, project, user }) {
  const fp = encodeURIComponent(fingerprint);
  const [detail, error, reload] = useLoad(() => api('GET', scoped(`/v1/errors/${fp}`)), [fingerprint]);
  const [history, , reloadHistory] = useLoad(() => api('GET', scoped(`/v1/errors/${fp}/history`)), [fingerprint]);
  const [actionError, setActionError] = useState(null);
  useTitle(detail ? `${detail.error_type}: ${detail.message.slice(0, 60)}` : 'Issue', project && project.name);

  const change = async (action) => {
    setActionError(null);
    try {
      await api('POST', scoped(`/v1/errors/${fp}/${ACTION_PATHS[action] || action}`));
      reload();
      reloadHistory();
    } catch (e) {
      setActionError(e);
    }
  };
  const assign = async (assignee) => {
    setActionError(null);
    try {
      await api('POST', scoped(`/v1/errors/${fp}/assign`), { assignee });
      reload();
      reloadHistory();
    } catch (e) {
      setActionError(e);
      reload(); // the box shows the assignee kept, not the one refused
    }
  };
  const back = html`<p class="crumb"><${Link} to=${streamLink(project)} navigate=${navigate} id="back-to-issues">← Issues</${Link}></p>`;
  if (error) {
    return html`<section>${back}<${Problem} error=${error.status === 404
      ? new Error(`No issue ${fingerprint} in ${project ? project.name : 'this project'}: it may have been deleted, or the link is for another project.`)
      : error} /></section>`;
  }
  if (!detail) return html`<${Loading} />`;
  const g = detail.grouping || {};
  const regression = detail.status === 'unresolved' && history && history.length > 0 && history[0].actor === 'system'
    && history[0].old_status === 'resolved';
  const releases = (detail.releases || []).map((r) => r.release);
  return html`<section id="issue">
    ${back}
    <h2 id="issue-title"><span class="type">${detail.error_type}</span> <span class="message">${detail.message}</span></h2>
    <p class="issue-status"><${Status} status=${detail.status} />
      ${regression ? html` <span class="status status-regression" id="regression" title=${`Resolved, then seen again ${ago(history[0].changed_at)}`}>regression</span>` : null}
      ${' '}<${Meta} class="muted" parts=${[detail.source, detail.route_or_procedure || detail.screen,
        plural(detail.total_count, 'event'), `first seen ${ago(detail.first_seen)}`, `last seen ${ago(detail.last_seen)}`,
        releases.length > 1 ? `releases ${releases.slice(0, 3).join(', ')}${releases.length > 3 ? '…' : ''}` : `release ${detail.last_release}`]} /></p>
    <${Actions} status=${detail.status} change=${change} regression=${detail.regression} />
    <${Assignee} detail=${detail} project=${project} user=${user} assign=${assign} />
    <${Problem} error=${actionError} />
    <${History} history=${history} />
    <${CommentForm} fingerprint=${fingerprint} done=${reloadHistory} />
    <${TrendCard} title="Events" path=${`/v1/errors/${fp}/trend`} initial="7d" deps=${[fingerprint, detail.total_count]} id="issue-trend" />
    <${Tags} fingerprint=${fingerprint} />
    <${Events} fingerprint=${fingerprint} detail=${detail} />
    <div class="card" id="grouping"><h3>Why these events are one issue</h3>
      <dl class="meta"><dt>fingerprint</dt><dd><code>${detail.fingerprint}</code></dd>
        <dt>grouped by</dt><dd>${g.kind === 'client' ? 'the fingerprint the client sent' : g.frame ? 'source, type, normalized message and top app frame'
          : 'source, type, normalized message and route'} (grouping version ${g.version})</dd>
        ${g.normalized_message ? html`<dt>normalized message</dt><dd><code>${g.normalized_message}</code></dd>` : null}
        ${g.frame ? html`<dt>top frame</dt><dd><code>${g.frame}</code></dd>` : null}
        ${g.frame_reason ? html`<dt>why</dt><dd id="frame-reason">${g.frame_reason}${g.rules_version ? ` (in-app rules version ${g.rules_version})` : ''}</dd>` : null}
        ${g.route ? html`<dt>route</dt><dd><code>${g.route}</code></dd>` : null}</dl></div>
    <div class="grid2">
      <${Breakdown} title="By release" rows=${detail.releases} keyName="release" />
      <${Breakdown} title="By environment" rows=${detail.environment_counts} keyName="environment" />
    </div>
  </section>`;
}
