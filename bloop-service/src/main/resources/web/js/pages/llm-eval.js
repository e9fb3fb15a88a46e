// The LLM section's evaluation parts: the budget card (spend, forecast, the budget form), scores and votes
// of traces (list columns and a trace's card), the prompts page (per prompt, per version, two versions
// compared with their tests) and the tools and retrieval tables. Every figure comes from /v1/llm/*.
import { useEffect, useState } from 'preact/hooks';
import { api, link, scoped } from '../api.js';
import { ago, count, Empty, html, Link, Loading, Problem, useLoad } from '../ui.js';

function dollars(v) {
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

function share(v) {
  return v == null ? '—' : `${(v * 100).toFixed(1)}%`;
}

function num(v, digits = 2) {
  return v == null ? '—' : Number(v).toFixed(digits);
}

function pValue(p) {
  if (p == null) return '—';
  return p < 0.0001 ? '< 0.0001' : p.toFixed(4);
}

// ---------------------------------------------------------------------------------- budget card

export function BudgetCard({ project }) {
  const pid = project && project.id;
  const [b, error, reload] = useLoad(() => api('GET', scoped('/v1/llm/budget')), [pid]);
  const [feedback] = useLoad(() => api('GET', scoped('/v1/llm/feedback/summary?hours=720')), [pid]);
  const [draft, setDraft] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => { if (b) setDraft({ budget: String(Number(b.monthly_budget)), threshold: String(b.alert_threshold_pct) }); }, [b]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!b || !draft) return html`<div class="card"><${Loading} /></div>`;
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    try {
      await api('PUT', scoped('/v1/llm/budget'), { monthly_budget: Number(draft.budget), alert_threshold_pct: Number(draft.threshold) });
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const hasBudget = Number(b.monthly_budget) > 0;
  return html`<div class="grid2">
    <div class="card" id="llm-budget"><h3>Budget for ${b.month}</h3>
      <p><strong id="budget-spend">${dollars(b.spend)}</strong> spent${hasBudget ? html` of <span id="budget-amount">${dollars(b.monthly_budget)}</span>${' '}
        (<span id="budget-used">${b.used_pct.toFixed(1)}%</span>)` : ''}, day ${b.days_elapsed} of ${b.days_in_month}.</p>
      ${hasBudget ? html`<div class="budget-bar"><span style=${{ width: `${Math.min(100, b.used_pct)}%` }}
        class=${b.used_pct >= 100 ? 'over' : b.used_pct >= b.alert_threshold_pct ? 'warn' : ''}></span></div>` : null}
      <p id="budget-forecast">Forecast for the month: <strong>${dollars(b.forecast)}</strong>${b.forecast_over_budget
        ? html` <span class="badge err" id="budget-over">over budget</span>` : null}</p>
      <p class="muted small">The spend per day so far (today counted), times the days of the month, in UTC.</p>
      <${Problem} error=${problem} />
      <form class="filters" id="budget-form" onSubmit=${save}>
        <label>Monthly budget ($)<input id="budget-input" inputmode="decimal" value=${draft.budget}
          onInput=${(e) => setDraft({ ...draft, budget: e.target.value })} /></label>
        <label>Alert at (%)<input id="budget-threshold" class="short" inputmode="numeric" value=${draft.threshold}
          onInput=${(e) => setDraft({ ...draft, threshold: e.target.value })} /></label>
        <button id="budget-save" type="submit">Save</button>
      </form>
      <p class="muted small">An <code>llm_budget</code> alert rule sends one alert a month at the threshold and one over the budget.</p>
    </div>
    <div class="card" id="llm-feedback"><h3>User feedback, 30 days</h3>
      ${!feedback ? html`<${Loading} />` : feedback.total === 0 ? html`<p class="muted">No votes yet. Send them with
        <code>POST /v1/traces/{id}/feedback</code> (signed) or <code>POST /v1/llm/traces/{id}/feedback</code>.</p>`
        : html`<p><strong id="feedback-rate">${share(feedback.positive_rate)}</strong> positive of ${count(feedback.total)} votes
          (${count(feedback.positive)} ▲, ${count(feedback.negative)} ▼)</p>
          <p class="muted small" id="feedback-interval">95% interval ${share(feedback.ci_low)} – ${share(feedback.ci_high)} (Wilson)</p>`}
    </div>
  </div>`;
}

// ---------------------------------------------------------------------------- scores and votes

// The scores and votes of a page of traces: {trace_id: evaluation}.
export function useEvaluations(ids, deps) {
  const [byId, setById] = useState({});
  useEffect(() => {
    let live = true;
    if (!ids || ids.length === 0) {
      setById({});
      return undefined;
    }
    const p = new URLSearchParams();
    for (const id of ids) p.append('trace_id', id);
    api('GET', scoped(`/v1/llm/evaluations?${p}`)).then((rows) => {
      if (!live) return;
      const m = {};
      for (const r of rows) m[r.trace_id] = r;
      setById(m);
    }, () => live && setById({}));
    return () => { live = false; };
  }, deps);
  return byId;
}

export function ScoreCell({ evaluation }) {
  if (!evaluation || evaluation.scores.length === 0) return html`<span class="muted">—</span>`;
  return html`${evaluation.scores.map((s) => html`<span class="badge score" title=${s.comment || ''}>${s.name} ${s.value != null ? num(s.value) : s.category}</span> `)}`;
}

export function FeedbackCell({ evaluation }) {
  if (!evaluation || evaluation.feedback_positive + evaluation.feedback_negative === 0) return html`<span class="muted">—</span>`;
  return html`<span class="feedback">▲ ${evaluation.feedback_positive} · ▼ ${evaluation.feedback_negative}</span>`;
}

export function TraceEvaluationCard({ project, id }) {
  const pid = project && project.id;
  const [scores] = useLoad(() => api('GET', scoped(`/v1/llm/traces/${encodeURIComponent(id)}/scores`)), [pid, id]);
  const [votes] = useLoad(() => api('GET', scoped(`/v1/llm/traces/${encodeURIComponent(id)}/feedback`)), [pid, id]);
  if (!scores || !votes) return html`<div class="card"><${Loading} /></div>`;
  return html`<div class="card" id="trace-evaluation"><h3>Scores and feedback</h3>
    ${scores.length === 0 ? html`<p class="muted">No scores.</p>` : html`<table id="trace-scores"><thead><tr><th>Score</th><th>Span</th>
      <th class="num">Value</th><th>Source</th><th>Comment</th><th>Given</th></tr></thead>
      <tbody>${scores.map((s) => html`<tr><td>${s.name}</td><td>${s.span_id || 'trace'}</td>
        <td class="num">${s.value != null ? num(s.value) : s.category}</td><td>${s.source}</td><td>${s.comment || ''}</td>
        <td>${ago(s.created_at)}</td></tr>`)}</tbody></table>`}
    ${votes.length === 0 ? html`<p class="muted">No votes.</p>` : html`<table id="trace-votes"><thead><tr><th>User</th><th>Vote</th>
      <th>Comment</th><th>Given</th></tr></thead><tbody>${votes.map((v) => html`<tr><td>${v.user_id}</td>
        <td>${v.value > 0 ? '▲' : '▼'}</td><td>${v.comment || ''}</td><td>${ago(v.created_at)}</td></tr>`)}</tbody></table>`}
  </div>`;
}

// -------------------------------------------------------------------------------------- prompts

export function Prompts({ navigate, project, name, hours }) {
  return name ? html`<${PromptVersions} navigate=${navigate} project=${project} name=${name} hours=${hours} />`
    : html`<${PromptList} navigate=${navigate} project=${project} hours=${hours} />`;
}

function ScoreMeans({ scores }) {
  return scores.length === 0 ? '—' : scores.map((s) => html`<span class="badge score">${s.name} ${num(s.mean)}</span> `);
}

function PromptList({ navigate, project, hours }) {
  const [rows, error] = useLoad(() => api('GET', scoped(`/v1/llm/prompts?hours=${hours}`)), [project && project.id, hours]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!rows) return html`<${Loading} />`;
  if (rows.length === 0) {
    return html`<${Empty} title="No prompt versions in this window">Traces that carry <code>prompt_name</code> and
      <code>prompt_version</code> are counted here per prompt and version.</${Empty}>`;
  }
  return html`<table id="prompt-list"><thead><tr><th>Prompt</th><th class="num">Versions</th><th class="num">Calls</th>
    <th class="num">Errors</th><th class="num">Cost</th><th class="num">Mean latency</th><th>Mean scores</th><th>Last seen</th></tr></thead>
    <tbody>${rows.map((p) => html`<tr data-prompt=${p.name}>
      <td><${Link} to=${link(`/llm/prompts/${encodeURIComponent(p.name)}`, { hours })} navigate=${navigate}>${p.name}</${Link}></td>
      <td class="num">${p.versions}</td><td class="num">${count(p.calls)}</td><td class="num">${share(p.error_rate)}</td>
      <td class="num">${dollars(p.cost)}</td><td class="num">${ms(p.mean_latency_ms)}</td><td><${ScoreMeans} scores=${p.scores} /></td>
      <td>${ago(p.last_seen)}</td></tr>`)}</tbody></table>`;
}

const METRICS = { cost: 'Mean cost', latency_ms: 'Latency (median)', error_rate: 'Error rate', thumbs_up_rate: 'Thumbs up' };

function metricValue(metric, v) {
  if (v == null) return '—';
  if (metric === 'cost') return dollars(v.toFixed(9));
  if (metric === 'latency_ms') return ms(v);
  if (metric.endsWith('_rate')) return share(v);
  return num(v, 3);
}

function PromptVersions({ navigate, project, name, hours }) {
  const [rows, error] = useLoad(() => api('GET', scoped(`/v1/llm/prompts/${encodeURIComponent(name)}/versions?hours=${hours}`)),
    [project && project.id, name, hours]);
  const [pair, setPair] = useState({ v1: '', v2: '' });
  const [comparison, setComparison] = useState(null);
  const [problem, setProblem] = useState(null);
  useEffect(() => {
    if (rows && rows.length >= 2) {
      const sorted = rows.map((r) => r.version).filter((v) => v != null);
      setPair({ v1: sorted[1] || '', v2: sorted[0] || '' });
    }
  }, [rows]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!rows) return html`<${Loading} />`;
  const compare = async (e) => {
    e.preventDefault();
    setProblem(null);
    setComparison(null);
    try {
      const q = new URLSearchParams({ v1: pair.v1, v2: pair.v2, hours: String(hours) });
      setComparison(await api('GET', scoped(`/v1/llm/prompts/${encodeURIComponent(name)}/compare?${q}`)));
    } catch (err) {
      setProblem(err);
    }
  };
  const versions = rows.map((r) => r.version).filter((v) => v != null);
  return html`<div id="prompt-versions">
    <p><${Link} to=${link('/llm/prompts', { hours })} navigate=${navigate}>← Prompts</${Link}></p>
    <h3 id="prompt-title">${name}</h3>
    <table id="version-list"><thead><tr><th>Version</th><th class="num">Calls</th><th class="num">Errors</th><th class="num">Mean cost</th>
      <th class="num">Mean latency</th><th class="num">p50 latency</th><th>Mean scores</th><th class="num">▲ / votes</th><th>Last seen</th></tr></thead>
      <tbody>${rows.map((v) => html`<tr data-version=${v.version || ''}>
        <td><${Link} to=${link('/llm/traces', { prompt_name: name, prompt_version: v.version || '', hours })} navigate=${navigate}>${v.version || '(none)'}</${Link}></td>
        <td class="num">${count(v.calls)}</td><td class="num">${share(v.error_rate)}</td><td class="num">${dollars(v.mean_cost)}</td>
        <td class="num">${ms(v.mean_latency_ms)}</td><td class="num">${ms(v.p50_latency_ms)}</td><td><${ScoreMeans} scores=${v.scores} /></td>
        <td class="num">${v.feedback_total ? `${v.feedback_positive} / ${v.feedback_total}` : '—'}</td><td>${ago(v.last_seen)}</td></tr>`)}</tbody></table>
    ${versions.length < 2 ? html`<p class="muted">Two versions in the window are needed for a comparison.</p>` : html`
    <form class="filters card" id="compare-form" onSubmit=${compare}><h3>Compare two versions</h3>
      <label>Baseline <select id="compare-v1" value=${pair.v1} onChange=${(e) => setPair({ ...pair, v1: e.target.value })}>
        ${versions.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
      <label>Against <select id="compare-v2" value=${pair.v2} onChange=${(e) => setPair({ ...pair, v2: e.target.value })}>
        ${versions.map((v) => html`<option value=${v}>${v}</option>`)}</select></label>
      <button id="compare-run" type="submit">Compare</button>
    </form>`}
    <${Problem} error=${problem} />
    ${comparison ? html`<div class="card" id="comparison"><h3>${comparison.v1.version} → ${comparison.v2.version}</h3>
      <table id="comparison-table"><thead><tr><th>Metric</th><th class="num">${comparison.v1.version}</th><th class="num">${comparison.v2.version}</th>
        <th class="num">n</th><th>Test</th><th class="num">p</th><th class="num">p (Holm)</th><th>Verdict</th></tr></thead>
        <tbody>${comparison.metrics.map((m) => html`<tr data-metric=${m.metric}>
          <td>${METRICS[m.metric] || m.metric.replace(/^score:/, 'Score: ')}</td>
          <td class="num">${metricValue(m.metric, m.value1)}</td><td class="num">${metricValue(m.metric, m.value2)}</td>
          <td class="num">${m.n1} / ${m.n2}</td><td>${m.test || html`<span class="muted small">${m.note}</span>`}</td>
          <td class="num">${pValue(m.p_value)}</td><td class="num">${pValue(m.p_adjusted)}</td>
          <td class="verdict">${m.significant ? html`<span class="badge ok">${m.better === 'v2' ? comparison.v2.version : comparison.v1.version} better</span>`
            : m.test ? html`<span class="muted">no significant difference</span>` : '—'}</td></tr>`)}</tbody></table>
      <p class="muted small">Welch's t for means, Mann-Whitney U for latency, a two-proportion z or Fisher's exact test for
        rates; p-values adjusted by Holm across the metrics, significant under ${comparison.alpha}.</p></div>` : null}
  </div>`;
}

// ------------------------------------------------------------------------------ tools and rag

export function Tools({ project, hours }) {
  const pid = project && project.id;
  const [tools, error] = useLoad(() => api('GET', scoped(`/v1/llm/tools?hours=${hours}`)), [pid, hours]);
  const [rag] = useLoad(() => api('GET', scoped(`/v1/llm/rag?hours=${hours}`)), [pid, hours]);
  if (error) return html`<${Problem} error=${error} />`;
  return html`<div id="llm-tools">
    <div class="card"><h3>Tools</h3>${!tools ? html`<${Loading} />` : tools.length === 0
      ? html`<p class="muted">No tool spans (<code>span_type: "tool"</code>) in this window.</p>`
      : html`<table id="tool-table"><thead><tr><th>Tool</th><th class="num">Calls</th><th class="num">Errors</th>
        <th class="num">p50</th><th class="num">p99</th><th class="num">Cost</th></tr></thead>
        <tbody>${tools.map((t) => html`<tr data-tool=${t.name || ''}><td>${t.name || '(unnamed)'}</td><td class="num">${count(t.calls)}</td>
          <td class="num">${count(t.errors)} (${share(t.error_rate)})</td><td class="num">${ms(t.p50_ms)}</td>
          <td class="num">${ms(t.p99_ms)}</td><td class="num">${dollars(t.cost)}</td></tr>`)}</tbody></table>`}</div>
    <div class="card"><h3>Retrieval</h3>${!rag ? html`<${Loading} />` : rag.length === 0
      ? html`<p class="muted">No retrieval spans (<code>span_type: "retrieval"</code>) in this window.</p>`
      : html`<table id="rag-table"><thead><tr><th>Source</th><th class="num">Calls</th><th class="num">Errors</th>
        <th class="num">p50</th><th class="num">p99</th><th class="num">Documents</th><th class="num">Per call</th>
        <th class="num">Empty</th><th class="num">Relevance</th></tr></thead>
        <tbody>${rag.map((r) => html`<tr data-source=${r.source || ''}><td>${r.source || '(unnamed)'}</td><td class="num">${count(r.calls)}</td>
          <td class="num">${count(r.errors)}</td><td class="num">${ms(r.p50_ms)}</td><td class="num">${ms(r.p99_ms)}</td>
          <td class="num">${count(r.documents)}</td><td class="num">${num(r.mean_documents, 1)}</td>
          <td class="num">${count(r.empty_results)}</td><td class="num">${num(r.mean_relevance)}</td></tr>`)}</tbody></table>`}
      <p class="muted small">Documents and relevance come from the spans' metadata (<code>documents</code>, <code>relevance</code>),
        which the project keeps unless its content storage is <em>none</em>.</p></div>
  </div>`;
}
