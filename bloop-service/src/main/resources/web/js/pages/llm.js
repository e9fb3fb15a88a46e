// The LLM pages: overview (cards, hourly cost and tokens by model, latency percentiles, models),
// traces (filters, pages, scores and votes) and one trace (its span tree as a waterfall, its scores), sessions,
// prompts and tools (llm-eval.js), and settings
// (content storage, the project's own prices, unpriced models). Every figure comes from /v1/llm/*.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, link, page, scoped } from '../api.js';
import { ago, count, Empty, html, Link, Loading, Problem, useLoad, useTitle, when } from '../ui.js';
import { BudgetCard, FeedbackCell, Prompts, ScoreCell, Tools, TraceEvaluationCard, useEvaluations } from './llm-eval.js';
import { Experiments } from './llm-experiments.js';

const TABS = [['', 'Overview'], ['traces', 'Traces'], ['sessions', 'Sessions'], ['prompts', 'Prompts'],
  ['tools', 'Tools & retrieval'], ['experiments', 'Experiments'], ['settings', 'Settings']];
const WINDOWS = [[24, '24 hours'], [168, '7 days'], [720, '30 days']];
const PAGE = 50;
const COLOURS = ['#3b5bdb', '#e8590c', '#2f9e44', '#ae3ec9', '#1098ad', '#f08c00', '#c2255c', '#5c940d'];

// Dollars as exact as the API gave them: $12.40, $0.0025, $0.000000015.
export function money(v) {
  if (v == null) return '—';
  const n = Number(v);
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  if (Math.abs(n) >= 0.01) return `$${n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '')}`;
  return `$${n.toFixed(9).replace(/0+$/, '').replace(/\.$/, '')}`;
}

function ms(v) {
  if (v == null) return '—';
  return v >= 10000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v).toLocaleString()} ms`;
}

function percent(v) {
  return v == null ? '—' : `${(v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;
}

function hoursOf(path) {
  const h = Number(new URLSearchParams(path.split('?')[1] || '').get('hours'));
  return WINDOWS.some(([w]) => w === h) ? h : 24;
}

export function Llm({ navigate, project, sub, id }) {
  const tab = sub || '';
  useTitle(id || (TABS.find(([t]) => t === tab) || TABS[0])[1], 'LLM');
  return html`<section id="llm">
    <h2>LLM</h2>
    <nav class="tabs" id="llm-tabs">${TABS.map(([t, label]) => html`<${Link} to=${link(t ? `/llm/${t}` : '/llm')}
      navigate=${navigate} id=${`llm-tab-${t || 'overview'}`} class=${tab === t ? 'active' : ''}>${label}</${Link}>`)}</nav>
    ${tab === '' ? html`<${Overview} navigate=${navigate} project=${project} />` : null}
    ${tab === 'traces' && !id ? html`<${Traces} navigate=${navigate} project=${project} />` : null}
    ${tab === 'traces' && id ? html`<${TracePage} navigate=${navigate} project=${project} id=${id} />` : null}
    ${tab === 'sessions' ? html`<${Sessions} navigate=${navigate} project=${project} />` : null}
    ${tab === 'prompts' ? html`<${WindowPicker} hours=${hoursOf(window.location.pathname + window.location.search)} navigate=${navigate}
      base=${id ? `/llm/prompts/${encodeURIComponent(id)}` : '/llm/prompts'} /><${Prompts} navigate=${navigate} project=${project} name=${id}
      hours=${hoursOf(window.location.pathname + window.location.search)} />` : null}
    ${tab === 'tools' ? html`<${WindowPicker} hours=${hoursOf(window.location.pathname + window.location.search)} navigate=${navigate}
      base="/llm/tools" /><${Tools} project=${project} hours=${hoursOf(window.location.pathname + window.location.search)} />` : null}
    ${tab === 'experiments' ? html`<${Experiments} navigate=${navigate} project=${project} id=${id} />` : null}
    ${tab === 'settings' ? html`<${Settings} project=${project} />` : null}
  </section>`;
}

function WindowPicker({ hours, navigate, base }) {
  return html`<label class="window">Window <select id="llm-window" value=${hours}
    onChange=${(e) => navigate(link(base, { hours: e.target.value }))}>
    ${WINDOWS.map(([h, label]) => html`<option value=${h}>${label}</option>`)}</select></label>`;
}

// ------------------------------------------------------------------------------------ overview

function Overview({ navigate, project }) {
  const pid = project && project.id;
  const hours = hoursOf(window.location.pathname + window.location.search);
  const [o, error] = useLoad(() => api('GET', scoped(`/v1/llm/overview?hours=${hours}`)), [pid, hours]);
  const [usage] = useLoad(() => api('GET', scoped(`/v1/llm/usage?hours=${hours}`)), [pid, hours]);
  const [latency] = useLoad(() => api('GET', scoped(`/v1/llm/latency?hours=${hours}`)), [pid, hours]);
  const [models] = useLoad(() => api('GET', scoped(`/v1/llm/models?hours=${hours}`)), [pid, hours]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!o) return html`<${Loading} />`;
  if (o.traces === 0 && o.spans === 0) {
    return html`<div id="llm-overview"><${WindowPicker} hours=${hours} navigate=${navigate} base="/llm" />
      <${Empty} title="No LLM calls in this window">Send traces with an SDK's trace helpers (or
      <code>POST /v1/traces</code>, signed like events); they appear here within seconds.</${Empty}>
      <${BudgetCard} project=${project} /></div>`;
  }
  return html`<div id="llm-overview">
    <${WindowPicker} hours=${hours} navigate=${navigate} base="/llm" />
    <div class="cards">
      <div class="stat" id="llm-cost"><span>${money(o.cost)}</span>spent${o.unpriced_spans > 0
        ? html` <${Link} to=${link('/llm/settings')} navigate=${navigate} class="warn" id="llm-unpriced">+ ${count(o.unpriced_spans)} unpriced</${Link}>` : null}</div>
      <div class="stat" id="llm-calls"><span>${count(o.calls)}</span>model calls in ${count(o.traces)} traces</div>
      <div class="stat" id="llm-errors"><span>${percent(o.error_rate)}</span>of calls failed (${count(o.call_errors)})</div>
      <div class="stat" id="llm-tokens"><span>${count(o.tokens.total)}</span>tokens (${count(o.tokens.input_total)} in, ${count(o.tokens.output)} out)</div>
      <div class="stat" id="llm-latency"><span>${ms(o.latency_p50_ms)}</span>p50 latency · p99 ${ms(o.latency_p99_ms)}</div>
    </div>
    <${BudgetCard} project=${project} />
    <div class="card"><h3>Tokens by bucket</h3><${TokenTable} tokens=${o.tokens} /></div>
    <div class="grid2">
      <div class="card"><h3>Cost per hour by model</h3>${usage ? html`<${ByModelChart} rows=${usage} value=${(r) => Number(r.cost)} id="llm-cost-chart" money=${true} />` : html`<${Loading} />`}</div>
      <div class="card"><h3>Tokens per hour by model</h3>${usage ? html`<${ByModelChart} rows=${usage} value=${(r) => r.tokens.total} id="llm-tokens-chart" />` : html`<${Loading} />`}</div>
    </div>
    <div class="card"><h3>Latency by model</h3>${latency ? html`<table id="llm-latency-table"><thead><tr><th>Model</th><th class="num">Calls</th>
      <th class="num">p50</th><th class="num">p90</th><th class="num">p99</th><th class="num">TTFT p50</th><th class="num">TTFT p99</th></tr></thead>
      <tbody>${latency.map((r) => html`<tr><td>${r.model || '(none)'}</td><td class="num">${count(r.calls)}</td><td class="num">${ms(r.p50_ms)}</td>
        <td class="num">${ms(r.p90_ms)}</td><td class="num">${ms(r.p99_ms)}</td><td class="num">${ms(r.ttft_p50_ms)}</td>
        <td class="num">${ms(r.ttft_p99_ms)}</td></tr>`)}</tbody></table>` : html`<${Loading} />`}
      <p class="muted small">Exact percentiles over every call of the window, not averages of averages.</p></div>
    <div class="card"><h3>Models</h3>${models ? html`<${ModelTable} models=${models} navigate=${navigate} />` : html`<${Loading} />`}</div>
  </div>`;
}

function TokenTable({ tokens }) {
  const rows = [['Input, uncached', tokens.input_uncached], ['Cache reads', tokens.cache_read],
    ['Cache writes (5 min)', tokens.cache_write_5m], ['Cache writes (1 h)', tokens.cache_write_1h],
    ['Output', tokens.output], ['of which reasoning', tokens.reasoning]];
  return html`<table class="tokens"><tbody>${rows.map(([label, n]) => html`<tr><td>${label}</td><td class="num">${count(n)}</td></tr>`)}</tbody></table>`;
}

function ModelTable({ models, navigate }) {
  if (models.length === 0) return html`<p class="muted">No model calls in this window.</p>`;
  return html`<table id="llm-models"><thead><tr><th>Model</th><th>Provider</th><th class="num">Calls</th><th class="num">Errors</th>
    <th class="num">Tokens</th><th class="num">Cost</th><th class="num">Avg latency</th></tr></thead>
    <tbody>${models.map((m) => html`<tr data-model=${m.model}>
      <td><${Link} to=${link('/llm/traces', { model: m.model })} navigate=${navigate}>${m.model}</${Link}>
        ${m.priced ? null : html` <span class="badge warn">no price</span>`}</td>
      <td>${m.provider || '—'}</td><td class="num">${count(m.calls)}</td><td class="num">${count(m.errors)} (${percent(m.error_rate)})</td>
      <td class="num">${count(m.tokens.total)}</td><td class="num">${money(m.cost)}${m.unpriced_spans > 0 ? html`<span class="muted small"> + ${count(m.unpriced_spans)} unpriced</span>` : null}</td>
      <td class="num">${ms(m.avg_latency_ms)}</td></tr>`)}</tbody></table>`;
}

// Hourly figures of each model as lines (uPlot), oldest first.
function ByModelChart({ rows, value, id, money: asMoney = false, height = 180 }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!ref.current || !rows || rows.length === 0) return undefined;
    const hours = [...new Set(rows.map((r) => r.hour_bucket))].sort((a, b) => a - b);
    const models = [...new Set(rows.map((r) => r.model || '(none)'))];
    const index = new Map(hours.map((h, i) => [h, i]));
    const data = [hours.map((h) => h / 1000), ...models.map(() => hours.map(() => 0))];
    for (const r of rows) data[1 + models.indexOf(r.model || '(none)')][index.get(r.hour_bucket)] += value(r);
    const chart = new uPlot({
      width: Math.max(300, ref.current.clientWidth || 600),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { size: 70, values: (u, ticks) => ticks.map((t) => (asMoney ? money(t) : count(t))) }],
      series: [{}, ...models.map((m, i) => ({ label: m, stroke: COLOURS[i % COLOURS.length], width: 2,
        points: { show: hours.length < 50 } }))],
    }, data, ref.current);
    return () => chart.destroy();
  }, [rows]);
  if (!rows || rows.length === 0) return html`<p class="muted">No model calls in this window.</p>`;
  return html`<div class="chart" id=${id} ref=${ref}></div>`;
}

// -------------------------------------------------------------------------------------- traces

const TRACE_FILTERS = ['name', 'model', 'provider', 'status', 'session_id', 'user_id', 'prompt_name', 'prompt_version'];

function readTraceQuery() {
  const p = new URLSearchParams(window.location.search);
  const filters = {};
  for (const f of TRACE_FILTERS) filters[f] = p.get(f) || '';
  return { filters, hours: WINDOWS.some(([w]) => w === Number(p.get('hours'))) ? Number(p.get('hours')) : 24,
    offset: Number(p.get('offset') || 0) };
}

function Traces({ navigate, project }) {
  const initial = readTraceQuery();
  const [filters, setFilters] = useState(initial.filters);
  const [draft, setDraft] = useState(initial.filters);
  const [hours, setHours] = useState(initial.hours);
  const [offset, setOffset] = useState(initial.offset);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    const p = new URLSearchParams();
    for (const f of TRACE_FILTERS) if (filters[f]) p.set(f, filters[f]);
    p.set('hours', String(hours));
    if (offset) p.set('offset', String(offset));
    window.history.replaceState(null, '', link('/llm/traces', Object.fromEntries(p)));
    p.set('limit', String(PAGE));
    page(scoped(`/v1/llm/traces?${p}`)).then((r) => live && (setResult(r), setError(null)), (e) => live && setError(e));
    return () => { live = false; };
  }, [filters, hours, offset, project && project.id]);
  const evaluations = useEvaluations(result ? result.rows.map((t) => t.id) : [], [result]);
  const apply = (e) => {
    e.preventDefault();
    setOffset(0);
    setFilters({ ...draft });
  };
  const field = (name, label, placeholder) => html`<label>${label}<input id=${`trace-filter-${name}`} value=${draft[name]}
    placeholder=${placeholder} onInput=${(e) => setDraft({ ...draft, [name]: e.target.value })} /></label>`;
  return html`<div id="llm-traces">
    <form class="filters" id="trace-filters" onSubmit=${apply}>
      ${field('name', 'Name', 'search')}
      ${field('model', 'Model', 'gpt-4o')}
      ${field('provider', 'Provider', 'openai')}
      <label>Status <select id="trace-filter-status" value=${draft.status} onChange=${(e) => setDraft({ ...draft, status: e.target.value })}>
        <option value="">any</option>${['completed', 'running', 'error'].map((s) => html`<option value=${s}>${s}</option>`)}</select></label>
      ${field('session_id', 'Session', 'session id')}
      ${field('user_id', 'User', 'user id')}
      <label>Window <select id="trace-filter-hours" value=${hours} onChange=${(e) => { setOffset(0); setHours(Number(e.target.value)); }}>
        ${WINDOWS.map(([h, label]) => html`<option value=${h}>${label}</option>`)}</select></label>
      <button id="trace-filter-apply" type="submit">Apply</button>
    </form>
    <${Problem} error=${error} />
    ${!result && !error ? html`<${Loading} />` : null}
    ${result && result.rows.length === 0 ? html`<${Empty} title="No traces match">Change the filters or the window.</${Empty}>` : null}
    ${result && result.rows.length > 0 ? html`<p class="muted" id="trace-total">${count(result.total)} traces</p>
      <table id="trace-list"><thead><tr><th>Trace</th><th>Status</th><th>Models</th><th class="num">Spans</th>
        <th class="num">Tokens</th><th class="num">Cost</th><th class="num">Duration</th><th>Scores</th><th>Feedback</th><th>Started</th></tr></thead>
        <tbody>${result.rows.map((t) => html`<tr data-trace=${t.id}>
          <td><${Link} to=${link(`/llm/traces/${encodeURIComponent(t.id)}`)} navigate=${navigate}>${t.name || t.id}</${Link}>
            ${t.session_id ? html`<div class="muted small">session ${t.session_id}</div>` : null}</td>
          <td><span class=${`status llm-${t.status}`}>${t.status}</span></td>
          <td class="small">${t.models.join(', ') || '—'}</td>
          <td class="num">${count(t.span_count)}${t.error_spans ? html` <span class="badge err">${t.error_spans} failed</span>` : null}</td>
          <td class="num">${count(t.tokens.total)}</td>
          <td class="num">${t.unpriced_spans && Number(t.cost) === 0 ? '—' : money(t.cost)}${t.unpriced_spans
            ? html`<span class="muted small"> + ${t.unpriced_spans} unpriced</span>` : null}</td>
          <td class="num">${ms(t.duration_ms)}</td><td class="small trace-scores"><${ScoreCell} evaluation=${evaluations[t.id]} /></td>
          <td class="small trace-feedback"><${FeedbackCell} evaluation=${evaluations[t.id]} /></td><td>${ago(t.started_at)}</td></tr>`)}</tbody></table>
      <div class="pager">
        <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
        <span>${offset + 1}–${offset + result.rows.length} of ${count(result.total)}</span>
        <button type="button" id="trace-next" disabled=${offset + PAGE >= result.total} onClick=${() => setOffset(offset + PAGE)}>Older</button>
      </div>` : null}
  </div>`;
}

// The spans depth first, each with its depth, for the waterfall.
function flatten(nodes, depth = 0, out = []) {
  for (const n of nodes) {
    out.push({ span: n, depth });
    flatten(n.children || [], depth + 1, out);
  }
  return out;
}

function TracePage({ navigate, project, id }) {
  const [trace, error] = useLoad(() => api('GET', scoped(`/v1/llm/traces/${encodeURIComponent(id)}`)), [project && project.id, id]);
  const [selected, setSelected] = useState(null);
  if (error) return html`<${Problem} error=${error} />`;
  if (!trace) return html`<${Loading} />`;
  const rows = flatten(trace.spans);
  const end = Math.max(trace.duration_ms || 0, ...rows.map(({ span }) => span.offset_ms + (span.latency_ms || 0)), 1);
  const chosen = selected && rows.find((r) => r.span.id === selected);
  return html`<div id="llm-trace">
    <p><${Link} to=${link('/llm/traces')} navigate=${navigate}>← Traces</${Link}></p>
    <h3 id="trace-title">${trace.name || trace.id} <span class=${`status llm-${trace.status}`}>${trace.status}</span></h3>
    <dl class="meta">
      <dt>Id</dt><dd>${trace.id}</dd>
      ${trace.session_id ? html`<dt>Session</dt><dd><${Link} to=${link('/llm/traces', { session_id: trace.session_id, hours: 720 })} navigate=${navigate}>${trace.session_id}</${Link}></dd>` : null}
      ${trace.user_id ? html`<dt>User</dt><dd>${trace.user_id}</dd>` : null}
      <dt>Started</dt><dd>${when(trace.started_at)}</dd>
      <dt>Duration</dt><dd>${ms(trace.duration_ms)}</dd>
    </dl>
    <div class="cards">
      <div class="stat"><span id="trace-cost">${money(trace.cost)}</span>cost${trace.unpriced_spans ? ` (+ ${trace.unpriced_spans} unpriced)` : ''}</div>
      <div class="stat"><span>${count(trace.tokens.total)}</span>tokens (${count(trace.tokens.input_total)} in, ${count(trace.tokens.output)} out)</div>
      <div class="stat"><span>${count(trace.span_count)}</span>spans${trace.error_spans ? `, ${trace.error_spans} failed` : ''}</div>
    </div>
    <div class="card"><h3>Spans</h3>
      ${rows.length === 0 ? html`<p class="muted">No spans.</p>` : html`<div class="waterfall" id="waterfall">
        <div class="wf-scale"><span>0</span><span>${ms(end / 2)}</span><span>${ms(end)}</span></div>
        ${rows.map(({ span, depth }) => html`<button type="button" class=${`wf-row${selected === span.id ? ' selected' : ''}`}
            data-span=${span.id} onClick=${() => setSelected(selected === span.id ? null : span.id)}>
          <span class="wf-label" style=${{ paddingLeft: `${depth * 1.1}rem` }}>
            <span class=${`wf-type wf-${span.span_type}`}>${span.span_type}</span> ${span.name || span.model || span.id}</span>
          <span class="wf-track"><span class=${`wf-bar wf-${span.status === 'error' ? 'error' : span.span_type}`}
            style=${{ left: `${(100 * span.offset_ms) / end}%`, width: `${Math.max(0.5, (100 * (span.latency_ms || 0)) / end)}%` }}></span></span>
          <span class="wf-figures">${ms(span.latency_ms)} · ${money(span.cost)}</span>
        </button>`)}
      </div>`}
    </div>
    ${chosen ? html`<${SpanDetail} span=${chosen.span} />` : null}
    <${TraceEvaluationCard} project=${project} id=${id} />
    <div class="card"><h3>Content</h3>${trace.input == null && trace.output == null && trace.metadata == null
      ? html`<p class="muted">Nothing stored: the project's content storage keeps no prompts${' '}
        (<${Link} to=${link('/llm/settings')} navigate=${navigate}>settings</${Link}>).</p>`
      : html`<${Content} label="Input" value=${trace.input} /><${Content} label="Output" value=${trace.output} />
        <${Content} label="Metadata" value=${trace.metadata} />`}</div>
  </div>`;
}

function Content({ label, value }) {
  if (value == null) return null;
  return html`<h4>${label}</h4><pre class="stack">${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>`;
}

function SpanDetail({ span }) {
  const t = span.tokens;
  return html`<div class="card" id="span-detail"><h3>${span.name || span.span_type} <span class="muted small">${span.id}</span></h3>
    <dl class="meta">
      <dt>Type</dt><dd>${span.span_type}</dd>
      ${span.model ? html`<dt>Model</dt><dd>${span.model}${span.provider ? ` (${span.provider})` : ''}</dd>` : null}
      <dt>Status</dt><dd>${span.status}${span.error_message ? html`: <span class="err">${span.error_message}</span>` : null}</dd>
      <dt>Latency</dt><dd>${ms(span.latency_ms)}${span.time_to_first_token_ms != null ? ` (first token after ${ms(span.time_to_first_token_ms)})` : ''}</dd>
      <dt>Tokens</dt><dd>${`${count(t.input_uncached)} uncached in, ${count(t.cache_read)} cache reads, `
        + `${count(t.cache_write_5m + t.cache_write_1h)} cache writes, ${count(t.output)} out`}${t.reasoning ? ` (${count(t.reasoning)} reasoning)` : ''}</dd>
      <dt>Cost</dt><dd id="span-cost">${span.cost == null
        ? (span.cost_reason === 'unpriced_model' ? 'unknown: this model has no price (add one in settings)' : '—')
        : `${money(span.cost)} (${span.cost_source === 'provided' ? 'sent by the client' : 'from the price table'})`}
        ${span.provided_cost != null && span.computed_cost != null ? html`<span class="muted small"> · price table: ${money(span.computed_cost)}</span>` : null}</dd>
    </dl>
    <${Content} label="Input" value=${span.input} /><${Content} label="Output" value=${span.output} />
    <${Content} label="Metadata" value=${span.metadata} />
  </div>`;
}

// ------------------------------------------------------------------------------------ sessions

function Sessions({ navigate, project }) {
  const hours = hoursOf(window.location.pathname + window.location.search);
  const [result, error] = useLoad(() => page(scoped(`/v1/llm/sessions?hours=${hours}&limit=${PAGE}`)), [project && project.id, hours]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!result) return html`<${Loading} />`;
  return html`<div id="llm-sessions"><${WindowPicker} hours=${hours} navigate=${navigate} base="/llm/sessions" />
    ${result.rows.length === 0 ? html`<${Empty} title="No sessions in this window">Traces with a <code>session_id</code>
      (a conversation) are grouped here.</${Empty}>` : html`<p class="muted">${count(result.total)} sessions</p>
    <table id="session-list"><thead><tr><th>Session</th><th>User</th><th class="num">Traces</th><th class="num">Failed</th>
      <th class="num">Tokens</th><th class="num">Cost</th><th>First</th><th>Last</th></tr></thead>
      <tbody>${result.rows.map((s) => html`<tr data-session=${s.session_id}>
        <td><${Link} to=${link('/llm/traces', { session_id: s.session_id, hours })} navigate=${navigate}>${s.session_id}</${Link}></td>
        <td>${s.user_id || '—'}</td><td class="num">${count(s.traces)}</td><td class="num">${count(s.error_traces)}</td>
        <td class="num">${count(s.tokens.total)}</td><td class="num">${money(s.cost)}</td><td>${when(s.first_trace_at)}</td><td>${ago(s.last_trace_at)}</td></tr>`)}
      </tbody></table>`}</div>`;
}

// ------------------------------------------------------------------------------------ settings

const BUCKETS = [['input', 'Input'], ['cache_read', 'Cache read'], ['cache_write_5m', 'Cache write 5 min'],
  ['cache_write_1h', 'Cache write 1 h'], ['output', 'Output'], ['reasoning', 'Reasoning']];

function Settings({ project }) {
  const pid = project && project.id;
  const [settings, error, reloadSettings] = useLoad(() => api('GET', scoped('/v1/llm/settings')), [pid]);
  const [prices, pricesError, reloadPrices] = useLoad(() => api('GET', scoped('/v1/llm/prices')), [pid]);
  const [unpriced, , reloadUnpriced] = useLoad(() => api('GET', scoped('/v1/llm/models?hours=720&unpriced=true')), [pid]);
  const [storage, setStorage] = useState(null);
  const [rows, setRows] = useState(null);
  const [saved, setSaved] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => { if (settings) setStorage(settings.content_storage); }, [settings]);
  useEffect(() => { if (prices) setRows(prices.overrides.map((p) => ({ ...p }))); }, [prices]);
  useEffect(() => {
    if (!prices || !prices.recomputing) return undefined;
    const timer = setTimeout(() => { reloadPrices(); reloadUnpriced(); }, 1000);
    return () => clearTimeout(timer);
  }, [prices]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!settings || storage == null) return html`<${Loading} />`;

  const saveStorage = async (e) => {
    e.preventDefault();
    setProblem(null);
    try {
      await api('PUT', scoped('/v1/llm/settings'), { content_storage: storage });
      setSaved('storage');
      reloadSettings();
    } catch (err) {
      setProblem(err);
    }
  };
  const savePrices = async () => {
    setProblem(null);
    const overrides = rows.map((r) => {
      const o = { model: r.model, match: r.match || 'exact' };
      if (r.provider) o.provider = r.provider;
      if (r.effective_from) o.effective_from = r.effective_from;
      for (const [b] of BUCKETS) if (r[b] !== '' && r[b] != null) o[b] = Number(r[b]);
      return o;
    });
    try {
      await api('PUT', scoped('/v1/llm/prices'), { overrides });
      setSaved('prices');
      reloadPrices();
      reloadUnpriced();
    } catch (err) {
      setProblem(err);
    }
  };
  const edit = (i, key, value) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  const add = (model) => setRows([...(rows || []), { model: model || '', match: 'exact', input: '', output: '' }]);
  return html`<div id="llm-settings">
    <${Problem} error=${problem} />
    <form class="card" id="content-storage" onSubmit=${saveStorage}><h3>Content storage</h3>
      <p class="muted small">What this project keeps of prompts and completions. It applies at ingest, before anything is
        queued or written: what is not kept never reaches the disk.</p>
      ${[['none', 'None: names, models, tokens, costs, timings and errors only'],
        ['metadata_only', 'Metadata only: also the metadata of traces and spans, never their input and output'],
        ['full', 'Full: input and output too']].map(([v, label]) => html`<label class="radio"><input type="radio"
          name="content-storage" id=${`storage-${v}`} value=${v} checked=${storage === v} onChange=${() => setStorage(v)} /> ${label}</label>`)}
      <div class="llm-actions"><button id="storage-save" type="submit">Save</button>
        ${saved === 'storage' ? html`<span class="muted" id="storage-saved">Saved.</span>` : null}
        <span class="muted small">${settings.source === 'default' ? 'Now: the server default' : `Set by ${settings.updated_by || '—'} ${ago(settings.updated_at)}`}</span></div>
    </form>
    <div class="card" id="unpriced-models"><h3>Models without a price</h3>
      ${!unpriced ? html`<${Loading} />` : unpriced.length === 0 ? html`<p class="muted">Every model seen in the last 30 days has a price.</p>`
        : html`<p class="muted small">Their calls have no cost (never $0) until a price is set; then their stored costs are recomputed.</p>
        <table><tbody>${unpriced.map((m) => html`<tr data-unpriced=${m.model}><td>${m.model}</td><td class="num">${count(m.calls)} calls</td>
          <td><button type="button" class="link" onClick=${() => add(m.model)}>Set a price</button></td></tr>`)}</tbody></table>`}
    </div>
    <div class="card" id="price-overrides"><h3>This project's prices</h3>
      <${Problem} error=${pricesError} />
      <p class="muted small">Dollars per million tokens. They win over the shipped table, for models matched by exact name
        (or a regular expression over the whole name), for calls from their date on. A bucket left empty costs what input
        (cache buckets) or output (reasoning) costs.</p>
      ${rows == null ? html`<${Loading} />` : html`<div class="scroll"><table class="prices"><thead><tr><th>Model</th><th>Match</th><th>Provider</th><th>From</th>
        ${BUCKETS.map(([, label]) => html`<th class="num">${label}</th>`)}<th></th></tr></thead>
        <tbody>${rows.map((r, i) => html`<tr>
          <td><input class="price-model" value=${r.model} onInput=${(e) => edit(i, 'model', e.target.value)} /></td>
          <td><select value=${r.match || 'exact'} onChange=${(e) => edit(i, 'match', e.target.value)}><option value="exact">exact</option><option value="regex">regex</option></select></td>
          <td><input class="short" value=${r.provider || ''} onInput=${(e) => edit(i, 'provider', e.target.value)} /></td>
          <td><input class="short" value=${r.effective_from || ''} placeholder="YYYY-MM-DD" onInput=${(e) => edit(i, 'effective_from', e.target.value)} /></td>
          ${BUCKETS.map(([b]) => html`<td><input class=${`short price-${b}`} inputmode="decimal" value=${r[b] == null ? '' : r[b]} onInput=${(e) => edit(i, b, e.target.value)} /></td>`)}
          <td><button type="button" class="link danger" onClick=${() => setRows(rows.filter((_, j) => j !== i))}>Remove</button></td></tr>`)}
        </tbody></table></div>
        <div class="llm-actions"><button type="button" id="price-add" onClick=${() => add('')}>Add a price</button>
          <button type="button" id="prices-save" onClick=${savePrices}>Save prices</button>
          ${prices && prices.recomputing ? html`<span class="muted" id="recomputing">Recomputing the stored costs…</span>`
            : saved === 'prices' ? html`<span class="muted" id="prices-saved">Saved; the stored costs are recomputed.</span>` : null}</div>`}
      ${prices ? html`<details><summary>The shipped price table (${prices.shipped_version}, ${prices.shipped.length} entries)</summary>
        <table class="small"><thead><tr><th>Model</th><th>Provider</th>${BUCKETS.map(([, label]) => html`<th class="num">${label}</th>`)}</tr></thead>
        <tbody>${prices.shipped.map((p) => html`<tr><td><code>${p.model}</code></td><td>${p.provider || '—'}</td>
          ${BUCKETS.map(([b]) => html`<td class="num">${p[b] == null ? '—' : `$${p[b]}`}</td>`)}</tr>`)}</tbody></table></details>` : null}
    </div>
  </div>`;
}
