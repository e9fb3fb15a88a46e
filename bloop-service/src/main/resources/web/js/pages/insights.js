// Insights: the analytics module's answers (GET /v1/analytics/*) on one page: what is spiking now,
// what grew or shrank since the previous window, which issues move together, which release made
// things worse, and how the environments compare. Everything is read-only; issue names link to the
// issue page. When analytics is switched off the server's sentence says how to turn it on.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, link, scoped } from '../api.js';
import { ago, count, html, Link, Loading, Problem, Status, when } from '../ui.js';

const WINDOWS = [[24, '24 hours'], [72, '3 days'], [168, '7 days'], [336, '14 days'], [720, '30 days']];

function fixed(n, digits = 1) {
  return n == null ? '—' : Number(n).toFixed(digits);
}

function pct(n) {
  if (n == null) return '—';
  return `${n > 0 ? '+' : ''}${Number(n).toFixed(1)} %`;
}

// Loads one analytics answer; while the server is still loading its copy (503) it tries again.
function useAnalytics(path, deps) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let live = true;
    let timer = null;
    const load = () => api('GET', scoped(path)).then(
      (data) => live && setState({ data, error: null }),
      (error) => {
        if (!live) return;
        if (error.status === 503) {
          setState({ data: null, error: null, loading: error.message });
          timer = setTimeout(load, 3000);
        } else {
          setState({ data: null, error });
        }
      });
    setState({ data: null, error: null });
    load();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, deps);
  return state;
}

function Section({ id, title, state, render }) {
  return html`<div class="card" id=${id}><h3>${title}</h3>
    ${state.error ? html`<${Problem} error=${state.error} />`
      : state.loading ? html`<p class="muted">${state.loading}</p>`
        : !state.data ? html`<${Loading} />` : render(state.data)}</div>`;
}

// A small line of hourly counts, oldest first (SVG attributes only: the page's CSP allows no inline styles).
export function Sparkline({ values, width = 160, height = 28 }) {
  if (!values || values.length === 0) return null;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return html`<svg class="sparkline" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img"
    aria-label=${`hourly events, peak ${max}`}><polyline points=${points} fill="none" stroke="#3b5bdb" stroke-width="1.5" /></svg>`;
}

function Issue({ fingerprint, type, message, navigate }) {
  return html`<${Link} to=${link(`/issues/${fingerprint}`)} navigate=${navigate}>
    <strong>${type}</strong> <span class="message">${message}</span></${Link}>`;
}

function Spikes({ data, navigate }) {
  return html`
    ${data.spikes.length === 0 ? html`<p class="muted">Nothing is spiking: no issue's last ${data.recent_hours} hours
      reach a z-score of ${data.threshold} against its own baseline.</p>` : html`
    <table id="spikes-table"><thead><tr><th>Issue</th><th>Last ${data.hours} h</th><th class="num">Events</th>
      <th class="num">Baseline / h</th><th class="num">z</th><th>Hour</th></tr></thead>
      <tbody>${data.spikes.map((s) => html`<tr data-fingerprint=${s.fingerprint}>
        <td><${Issue} fingerprint=${s.fingerprint} type=${s.error_type} message=${s.message} navigate=${navigate} /> <${Status} status=${s.status} /></td>
        <td><${Sparkline} values=${s.series} /></td><td class="num">${count(s.count)}</td>
        <td class="num">${fixed(s.baseline_mean)} ± ${fixed(s.baseline_sd)}</td><td class="num">${fixed(s.zscore)}</td>
        <td class="small">${when(s.hour_bucket)}</td></tr>`)}</tbody></table>`}
    <h4>New (too young for a baseline of ${data.min_baseline_hours} h)</h4>
    ${data.new.length === 0 ? html`<p class="muted">No new issues in the last ${data.recent_hours} hours.</p>` : html`
    <table id="new-issues-table"><tbody>${data.new.map((n) => html`<tr data-fingerprint=${n.fingerprint}>
      <td><${Issue} fingerprint=${n.fingerprint} type=${n.error_type} message=${n.message} navigate=${navigate} /></td>
      <td><${Sparkline} values=${n.series} /></td><td class="num">${count(n.recent_count)}</td>
      <td class="small">first seen ${ago(n.first_seen)}</td></tr>`)}</tbody></table>`}`;
}

const CHANGE = { up: 'grew', down: 'shrank', new: 'new', vanished: 'vanished' };

function Movers({ data, navigate }) {
  if (data.movers.length === 0) return html`<p class="muted">No issue changed between the two windows.</p>`;
  return html`<table id="movers-table"><thead><tr><th>Issue</th><th class="num">Now</th><th class="num">Before</th>
    <th class="num">Change</th><th></th></tr></thead>
    <tbody>${data.movers.map((m) => html`<tr data-fingerprint=${m.fingerprint}>
      <td><${Issue} fingerprint=${m.fingerprint} type=${m.error_type} message=${m.message} navigate=${navigate} /></td>
      <td class="num">${count(m.count_current)}</td><td class="num">${count(m.count_previous)}</td>
      <td class="num">${m.delta > 0 ? '+' : ''}${count(m.delta)}${m.delta_pct == null ? '' : ` (${pct(m.delta_pct)})`}</td>
      <td><span class=${`change change-${m.change}`}>${CHANGE[m.change]}</span></td></tr>`)}</tbody></table>`;
}

function Correlations({ data, navigate }) {
  if (data.pairs.length === 0) {
    return html`<p class="muted">No two issues with at least ${data.min_active_hours} active hours move together
      (|r| ≥ ${data.min_correlation}).</p>`;
  }
  return html`<table id="pairs-table"><thead><tr><th>Issue</th><th>moves with</th><th class="num">r</th>
    <th class="num">Hours together</th></tr></thead>
    <tbody>${data.pairs.map((p) => html`<tr data-pair=${`${p.fingerprint_a}/${p.fingerprint_b}`}>
      <td><${Issue} fingerprint=${p.fingerprint_a} type=${p.error_type_a} message=${p.message_a} navigate=${navigate} /></td>
      <td><${Issue} fingerprint=${p.fingerprint_b} type=${p.error_type_b} message=${p.message_b} navigate=${navigate} /></td>
      <td class="num">${fixed(p.correlation, 2)}</td><td class="num">${p.shared_hours} of ${p.hours}</td></tr>`)}</tbody></table>`;
}

// Impact score per release (bars) and events per hour of exposure (line), in release order.
function ReleaseChart({ releases }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || releases.length === 0) return undefined;
    const xs = releases.map((_, i) => i);
    const chart = new uPlot({
      width: Math.max(300, ref.current.clientWidth || 600),
      height: 180,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] }, rate: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{ values: (u, ticks) => ticks.map((t) => (releases[t] ? releases[t].release : '')) },
        { label: 'impact', size: 50 }, { scale: 'rate', side: 1, label: 'events / h', size: 60, grid: { show: false } }],
      series: [{ label: 'release', value: (u, v) => (releases[v] ? releases[v].release : '—') }, { label: 'impact score', stroke: '#c92a2a', fill: 'rgba(201,42,42,0.3)', paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false } },
        { label: 'events / hour', scale: 'rate', stroke: '#3b5bdb', width: 2 }],
    }, [xs, releases.map((r) => r.impact_score), releases.map((r) => r.events_per_hour)], ref.current);   // null: no bar
    return () => chart.destroy();
  }, [releases]);
  return html`<div class="chart" id="release-chart" ref=${ref}></div>`;
}

function Releases({ data, navigate }) {
  if (data.releases.length === 0) return html`<p class="muted">No releases yet.</p>`;
  const scored = data.releases.filter((r) => r.impact_score != null);
  const worst = scored.reduce((a, r) => (a == null || r.impact_score > a.impact_score ? r : a), null);
  return html`<${ReleaseChart} releases=${data.releases} />
    <table id="release-impact-table"><thead><tr><th>Release</th><th>First seen</th><th class="num">Events</th>
      <th class="num">Issues</th><th class="num">New</th><th class="num">Regressions</th><th class="num">Events / h</th>
      <th class="num">vs previous</th><th class="num">Impact</th></tr></thead>
      <tbody>${data.releases.map((r) => html`<tr data-release=${r.release} class=${r === worst && r.impact_score > 0 ? 'worst' : ''}>
        <td><${Link} to=${link(`/releases/${encodeURIComponent(r.release)}`)} navigate=${navigate}>${r.release}</${Link}></td>
        <td class="small">${when(r.first_seen)}</td><td class="num">${count(r.events)}</td><td class="num">${count(r.issues)}</td>
        <td class="num">${count(r.new_issues)}</td><td class="num">${count(r.regressions)}</td>
        <td class="num">${fixed(r.events_per_hour)}</td><td class="num">${pct(r.rate_change_pct)}</td>
        <td class="num"><strong>${fixed(r.impact_score)}</strong></td></tr>`)}</tbody></table>
    <p class="muted small">Impact = 10 × new issues + 5 × regressions + (event rate increase in %) ÷ 10; the rate is
      events per hour between a release's first and last event. The first release has no score: every issue
      that existed when bloop started counts as new in it.</p>`;
}

function Environments({ data }) {
  if (data.environments.length === 0) return html`<p class="muted">No events in this window.</p>`;
  return html`<table id="environments-table"><thead><tr><th>Environment</th><th class="num">Events</th>
    <th class="num">Share</th><th class="num">Issues</th><th class="num">p50 / h</th><th class="num">p90 / h</th>
    <th class="num">p99 / h</th></tr></thead>
    <tbody>${data.environments.map((e) => html`<tr data-environment=${e.environment}><td>${e.environment}</td>
      <td class="num">${count(e.total_count)}</td><td class="num">${fixed(e.share_pct)} %</td>
      <td class="num">${count(e.unique_issues)}</td><td class="num">${fixed(e.p50_hourly)}</td>
      <td class="num">${fixed(e.p90_hourly)}</td><td class="num">${fixed(e.p99_hourly)}</td></tr>`)}</tbody></table>`;
}

export function Insights({ navigate, project }) {
  const pid = project && project.id;
  const params = new URLSearchParams(window.location.search);
  const [hours, setHours] = useState(Number(params.get('hours')) || 72);
  const [environment, setEnvironment] = useState(params.get('environment') || '');
  const q = `hours=${hours}${environment ? `&environment=${encodeURIComponent(environment)}` : ''}`;
  const spikes = useAnalytics(`/v1/analytics/spikes?${q}`, [pid, q]);
  const movers = useAnalytics(`/v1/analytics/movers?${q}`, [pid, q]);
  const pairs = useAnalytics(`/v1/analytics/correlations?${q}`, [pid, q]);
  const releases = useAnalytics(`/v1/analytics/releases?limit=12${environment ? `&environment=${encodeURIComponent(environment)}` : ''}`,
    [pid, environment]);
  const envs = useAnalytics(`/v1/analytics/environments?hours=${hours}`, [pid, hours]);
  const choose = (h, env) => {
    setHours(h);
    setEnvironment(env);
    window.history.replaceState(null, '', link('/insights', { hours: h, environment: env }));
  };
  const asOf = spikes.data && spikes.data.as_of;
  return html`<section id="insights">
    <h2>Insights</h2>
    <div class="filters">
      <label>Window <select id="insights-hours" value=${hours} onChange=${(e) => choose(Number(e.target.value), environment)}>
        ${WINDOWS.map(([h, label]) => html`<option value=${h}>${label}</option>`)}</select></label>
      <label>Environment <select id="insights-environment" value=${environment} onChange=${(e) => choose(hours, e.target.value)}>
        <option value="">all</option>
        ${(envs.data ? envs.data.environments : []).map((e) => html`<option value=${e.environment}>${e.environment}</option>`)}</select></label>
      ${asOf ? html`<span class="muted small" id="insights-as-of">data as of ${ago(asOf)}</span>` : null}
    </div>
    <${Section} id="insights-spikes" title="Spiking now" state=${spikes}
      render=${(d) => html`<${Spikes} data=${d} navigate=${navigate} />`} />
    <${Section} id="insights-movers" title=${`Movers: last ${hours} h against the ${hours} h before`} state=${movers}
      render=${(d) => html`<${Movers} data=${d} navigate=${navigate} />`} />
    <${Section} id="insights-pairs" title="Issues that move together" state=${pairs}
      render=${(d) => html`<${Correlations} data=${d} navigate=${navigate} />`} />
    <${Section} id="insights-releases" title="Release impact" state=${releases}
      render=${(d) => html`<${Releases} data=${d} navigate=${navigate} />`} />
    <${Section} id="insights-environments" title=${`Environments, last ${hours} h`} state=${envs}
      render=${(d) => html`<${Environments} data=${d} />`} />
  </section>`;
}
