// The LLM Experiments tab: the project's prompt A/B experiments, a form to create one, and the
// comparison of one experiment: per-variant figures, each metric's verdict in words with its 95 %
// interval drawn as a bar around zero, how far the sample size has come, and the split check.
import { useState } from 'preact/hooks';
import { api, link, scoped } from '../api.js';
import { ago, count, Empty, html, Link, Loading, Problem, useLoad } from '../ui.js';

const METRICS = [['cost', 'Cost per call'], ['latency', 'Latency'], ['ttft', 'Time to first token'],
  ['error_rate', 'Error rate'], ['output_tokens', 'Output tokens']];
const UNITS = [['user_id', 'user (user_id)'], ['session_id', 'session (session_id)'], ['trace', 'trace (each call)']];
const VERDICTS = { b_better: 'better', a_better: 'worse', no_difference: 'no difference', not_enough_data: 'not enough data' };

function label(metric) {
  return (METRICS.find(([m]) => m === metric) || [metric, metric])[1];
}

function dollars(v) {
  if (v == null) return '—';
  const n = Number(v);
  if (n === 0) return '$0';
  const digits = Math.abs(n) >= 1 ? 2 : Math.abs(n) >= 0.01 ? 4 : 6;
  return `${n < 0 ? '−' : ''}$${Math.abs(n).toFixed(digits)}`;
}

function millis(v) {
  return v == null ? '—' : `${Math.round(v).toLocaleString()} ms`;
}

function pct(v) {
  return v == null ? '—' : `${(v * 100).toFixed(1)}%`;
}

// A value of the metric's kind: a difference of error rates is in percentage points.
function value(metric, v) {
  if (v == null) return '—';
  if (metric === 'cost') return dollars(v);
  if (metric === 'latency' || metric === 'ttft') return millis(v);
  if (metric === 'error_rate') return `${(v * 100).toFixed(1)} pts`;
  return Number(v).toFixed(1);
}

export function Experiments({ navigate, project, id }) {
  return id ? html`<${Compare} id=${id} navigate=${navigate} project=${project} />`
    : html`<${List} navigate=${navigate} project=${project} />`;
}

// ------------------------------------------------------------------------------------------ list

function List({ navigate, project }) {
  const pid = project && project.id;
  const [rows, error, reload] = useLoad(() => api('GET', scoped('/v1/llm/experiments')), [pid]);
  const [creating, setCreating] = useState(false);
  if (error) return html`<${Problem} error=${error} />`;
  if (!rows) return html`<${Loading} />`;
  return html`<div id="llm-experiments">
    <div class="llm-actions"><button id="experiment-new" onClick=${() => setCreating(!creating)}>
      ${creating ? 'Cancel' : 'New experiment'}</button></div>
    ${creating ? html`<${CreateForm} onCreated=${(e) => navigate(link(`/llm/experiments/${e.id}`))} />` : null}
    ${rows.length === 0 && !creating ? html`<${Empty} title="No experiments yet">An experiment splits your users between
      prompts by a stable hash, and tells whether a difference in cost, latency or errors is real. Create one, ask
      <code>GET /v1/llm/experiments/{id}/assign?unit=…</code> which prompt a user gets, and send traces with
      <code>experiment</code> and <code>variant</code>.</${Empty}>` : null}
    ${rows.length > 0 ? html`<table id="experiment-list"><thead><tr><th>Experiment</th><th>Status</th><th>Variants</th>
      <th>Unit</th><th>Primary metric</th><th>Created</th></tr></thead>
      <tbody>${rows.map((e) => {
        const total = e.variants.reduce((s, v) => s + v.weight, 0);
        return html`<tr data-experiment=${e.name}>
          <td><${Link} to=${link(`/llm/experiments/${e.id}`)} navigate=${navigate}>${e.name}</${Link}></td>
          <td><span class=${`badge ${e.status === 'running' ? '' : 'warn'}`}>${e.status}</span></td>
          <td>${e.variants.map((v) => `${v.name} ${Math.round((v.weight * 100) / total)}%`).join(' · ')}</td>
          <td>${e.unit}</td><td>${label(e.primary_metric)}</td><td>${ago(e.created_at)}</td></tr>`;
      })}</tbody></table>` : null}
  </div>`;
}

// A prompt typed as JSON stays an object; anything else is sent as text.
function prompt(text) {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t);
    } catch (e) {
      return t;
    }
  }
  return t;
}

function CreateForm({ onCreated }) {
  const [f, setF] = useState({ name: '', a: '', b: '', metrics: METRICS.map(([m]) => m), primary: 'error_rate',
    unit: 'user_id', min: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const toggle = (m) => setF({ ...f, metrics: f.metrics.includes(m) ? f.metrics.filter((x) => x !== m)
    : METRICS.map(([x]) => x).filter((x) => x === m || f.metrics.includes(x)) });
  const submit = (e) => {
    e.preventDefault();
    setBusy(true);
    const body = { name: f.name, prompt_a: prompt(f.a), prompt_b: prompt(f.b), metrics: f.metrics, unit: f.unit,
      primary_metric: f.metrics.includes(f.primary) ? f.primary : f.metrics[0] };
    if (f.min) body.min_samples = Number(f.min);
    api('POST', scoped('/v1/llm/experiments'), body).then(onCreated, (err) => { setError(err); setBusy(false); });
  };
  return html`<form class="card" id="experiment-create" onSubmit=${submit}>
    <h3>New experiment</h3>
    <label>Name <input id="experiment-name" value=${f.name} onInput=${set('name')} placeholder="support-tone" /></label>
    <div class="grid2">
      <label>Prompt A (the control)<textarea id="experiment-prompt-a" rows="4" value=${f.a} onInput=${set('a')}
        placeholder="text, or a JSON object"></textarea></label>
      <label>Prompt B<textarea id="experiment-prompt-b" rows="4" value=${f.b} onInput=${set('b')}></textarea></label>
    </div>
    <fieldset><legend>Metrics</legend>${METRICS.map(([m, l]) => html`<label class="inline"><input type="checkbox"
      id=${`experiment-metric-${m}`} checked=${f.metrics.includes(m)} onChange=${() => toggle(m)} /> ${l}</label>`)}</fieldset>
    <label>Primary metric <select id="experiment-primary" value=${f.primary} onChange=${set('primary')}>
      ${METRICS.filter(([m]) => f.metrics.includes(m)).map(([m, l]) => html`<option value=${m}>${l}</option>`)}</select></label>
    <label>Assign and count per <select id="experiment-unit" value=${f.unit} onChange=${set('unit')}>
      ${UNITS.map(([u, l]) => html`<option value=${u}>${l}</option>`)}</select></label>
    <label>Sample size per variant, fixed in advance <input id="experiment-min" class="short" type="number" min="2"
      value=${f.min} onInput=${set('min')} placeholder="optional" /></label>
    <p class="muted small">Deciding only once the sample size is reached keeps a dashboard you look at every day
      from naming a winner by chance.</p>
    <${Problem} error=${error} />
    <button id="experiment-create-submit" type="submit" disabled=${busy}>Create</button>
  </form>`;
}

// --------------------------------------------------------------------------------------- compare

function Compare({ id, navigate, project }) {
  const pid = project && project.id;
  const [version, setVersion] = useState(0);
  const [e, error] = useLoad(() => api('GET', scoped(`/v1/llm/experiments/${encodeURIComponent(id)}`)), [pid, id, version]);
  const [c, cError] = useLoad(() => api('GET', scoped(`/v1/llm/experiments/${encodeURIComponent(id)}/compare`)),
    [pid, id, version]);
  const [actionError, setActionError] = useState(null);
  if (error || cError) return html`<${Problem} error=${error || cError} />`;
  if (!e || !c) return html`<${Loading} />`;
  const setStatus = (status) => api('PUT', scoped(`/v1/llm/experiments/${e.id}`), { status })
    .then(() => setVersion(version + 1), setActionError);
  const primary = c.comparisons.filter((x) => x.primary);
  const others = c.comparisons.filter((x) => !x.primary);
  return html`<div id="experiment-compare" data-status=${e.status}>
    <p><${Link} to=${link('/llm/experiments')} navigate=${navigate}>All experiments</${Link}></p>
    <h3 id="experiment-title">${e.name} <span class=${`badge ${e.status === 'running' ? '' : 'warn'}`}>${e.status}</span></h3>
    <div class="llm-actions">
      ${e.status === 'running' ? html`<button id="experiment-stop" onClick=${() => setStatus('stopped')}>Stop</button>`
        : html`<button id="experiment-restart" onClick=${() => setStatus('running')}>Run again</button>`}
      <span class="muted small">Per ${c.unit === 'trace' ? 'trace' : c.unit.replace('_id', '')} · ${VERDICT_RULE}</span>
    </div>
    <${Problem} error=${actionError} />
    ${c.warnings.length > 0 ? html`<div class="card notice" id="experiment-warnings">${c.warnings.map((w) => html`<p>${w}</p>`)}</div>` : null}
    <${Split} srm=${c.sample_ratio} />
    <div class="card"><h3>Variants</h3><${Figures} variants=${c.variants} /></div>
    ${primary.length > 0 ? html`<h3>Primary metric</h3>${primary.map((x) => html`<${Verdict} x=${x} />`)}` : null}
    ${others.length > 0 ? html`<h3>Other metrics</h3>${others.map((x) => html`<${Verdict} x=${x} />`)}` : null}
  </div>`;
}

const VERDICT_RULE = 'a verdict needs 30 units per variant for means, 100 traces with 5 errors each for the error '
  + 'rate; p-values are Holm-adjusted over all comparisons';

function Split({ srm }) {
  const names = Object.keys(srm.observed);
  return html`<p id="experiment-srm" class=${srm.mismatch ? 'err' : 'muted'}>
    Units per variant since the weights were set (${ago(srm.since)}): ${names.map((n) => `${n} ${count(srm.observed[n])} (expected ${Math.round(srm.expected[n])})`).join(' · ')}${' — '}${srm.mismatch ? `does not match the weights (p = ${srm.p_value.toExponential(1)}): fix assignment before trusting any verdict`
      : 'consistent with the weights'}</p>`;
}

function Figures({ variants }) {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  return html`<div class="scroll"><table id="experiment-variants"><thead><tr><th>Variant</th><th class="num">Share</th>
    <th class="num">Traces</th><th class="num">Units</th><th class="num">Mean cost</th><th class="num">Latency p50 / p95</th>
    <th class="num">TTFT p95</th><th class="num">Error rate (95% CI)</th><th class="num">Output tokens</th></tr></thead>
    <tbody>${variants.map((v) => html`<tr data-variant=${v.name}>
      <td>${v.name}${v.control ? html` <span class="badge">control</span>` : null}</td>
      <td class="num">${Math.round((v.weight * 100) / total)}%</td><td class="num">${count(v.traces)}</td>
      <td class="num">${count(v.units)}</td><td class="num">${dollars(v.cost.mean)}</td>
      <td class="num">${millis(v.latency_ms.median)} / ${millis(v.latency_ms.p95)}</td><td class="num">${millis(v.ttft_ms.p95)}</td>
      <td class="num">${pct(v.error_rate.rate)} <span class="muted small">(${pct(v.error_rate.low)}–${pct(v.error_rate.high)})</span></td>
      <td class="num">${v.output_tokens.mean == null ? '—' : v.output_tokens.mean.toFixed(0)}</td></tr>`)}</tbody></table></div>`;
}

function Verdict({ x }) {
  const word = x.verdict === 'b_better' ? `${x.variant} is better` : x.verdict === 'a_better' ? `${x.baseline} is better`
    : VERDICTS[x.verdict];
  return html`<div class=${`card comparison verdict-${x.verdict}`} data-metric=${x.metric} data-variant=${x.variant}>
    <h4>${label(x.metric)}: ${x.variant} against ${x.baseline} <span class="badge verdict">${word}</span></h4>
    <p class="explanation">${x.explanation}</p>
    <${IntervalBar} x=${x} />
    <${Progress} x=${x} />
    <p class="muted small">${x.test ? `${x.test.replace(/_/g, ' ')} · p = ${x.p_value == null ? '—' : x.p_value.toPrecision(2)}, `
      + `Holm-adjusted ${x.p_adjusted == null ? '—' : x.p_adjusted.toPrecision(2)}` : 'no test yet: too few values'}</p>
  </div>`;
}

// The difference (variant − control) and its 95 % interval on a scale centred on zero: an interval
// that does not cross the zero line is a difference the data support.
function IntervalBar({ x }) {
  if (x.difference == null || x.ci_low == null || x.ci_high == null) return null;
  const span = Math.max(Math.abs(x.ci_low), Math.abs(x.ci_high), Math.abs(x.difference)) * 1.15 || 1;
  const at = (v) => 50 + (v / span) * 50;
  const what = x.metric === 'latency' || x.metric === 'ttft' ? 'p95 difference' : 'difference';
  return html`<div class="ci">
    <div class="ci-track">
      <div class="ci-zero" style=${{ left: '50%' }}></div>
      <div class="ci-range" style=${{ left: `${at(x.ci_low)}%`, width: `${at(x.ci_high) - at(x.ci_low)}%` }}></div>
      <div class="ci-point" style=${{ left: `${at(x.difference)}%` }}></div>
    </div>
    <div class="ci-scale"><span>${value(x.metric, -span)}</span><span>0 (${what}, ${x.variant} − ${x.baseline})</span>
      <span>${value(x.metric, span)}</span></div>
    <p class="small">${what} ${value(x.metric, x.difference)}, 95% interval ${value(x.metric, x.ci_low)} to ${value(x.metric, x.ci_high)}</p>
  </div>`;
}

function Progress({ x }) {
  const have = Math.min(x.n_baseline, x.n_variant);
  const target = x.more_needed != null ? have + x.more_needed : Math.max(x.minimum, have);
  const share = target === 0 ? 100 : Math.min(100, (have * 100) / target);
  const unit = x.metric === 'error_rate' ? 'traces' : 'units';
  return html`<div class="sample">
    <div class="progress"><div class="fill" style=${{ width: `${share}%` }}></div></div>
    <span class="small">${count(have)} of ${count(target)} ${unit} per variant${x.more_needed != null
      ? ` — about ${count(x.more_needed)} more needed` : ''}</span>
  </div>`;
}
