// Alert rules and their channels: create and edit (every setting of every rule type), enable and
// disable, delete, test, and see deliveries. /alerts/<id>?project=<slug> opens one rule.
import { useState } from 'preact/hooks';
import { api, link, scoped } from '../api.js';
import { Empty, html, Link, Loading, Meta, Problem, useLoad, useTitle, when } from '../ui.js';

const TYPES = {
  new_issue: 'a new issue appears',
  regression: 'a resolved issue comes back',
  threshold: 'more than N events in a window',
  spike: 'the event rate jumps over its baseline',
};

// Every setting of each type, with the server's defaults where it has them.
const CONFIG_FIELDS = {
  new_issue: [],
  regression: [],
  threshold: [
    { key: 'threshold', label: 'More than (events)', type: 'number', min: 1, initial: '100', required: true },
    { key: 'window_secs', label: 'Within (seconds)', type: 'number', min: 1, initial: '300', required: true },
    { key: 'fingerprint', label: 'Only this issue (fingerprint, optional)', type: 'text', initial: '' },
    { key: 'route', label: 'Only this route (optional)', type: 'text', initial: '', facet: 'route' },
  ],
  spike: [
    { key: 'multiplier', label: 'Rate above the baseline ×', type: 'number', min: 1.1, step: 'any', initial: '3', required: true },
    { key: 'compare_window_secs', label: 'Recent window (seconds)', type: 'number', min: 1, initial: '300', required: true },
    { key: 'baseline_window_secs', label: 'Baseline window (seconds, longer)', type: 'number', min: 2, initial: '3600', required: true },
    { key: 'min_events', label: 'At least (events in the recent window)', type: 'number', min: 0, initial: '10', required: true },
  ],
};

function describe(config) {
  switch (config.type) {
    case 'threshold': return `more than ${config.threshold} events in ${config.window_secs} s${config.route ? ` on ${config.route}` : ''}${config.fingerprint ? ` of issue ${config.fingerprint}` : ''}`;
    case 'spike': return `the rate of the last ${config.compare_window_secs} s is over ${config.multiplier}× that of the last ${config.baseline_window_secs} s (at least ${config.min_events} events)`;
    default: return TYPES[config.type] || config.type;
  }
}

function channelTarget(c) {
  return c.config.url || c.config.webhook_url || (Array.isArray(c.config.to) ? c.config.to.join(', ') : c.config.to || '');
}

function Channels({ rule }) {
  const [channels, error, reload] = useLoad(() => api('GET', scoped(`/v1/alerts/${rule.id}/channels`)), [rule.id]);
  const [deliveries, , reloadDeliveries] = useLoad(() => api('GET', scoped(`/v1/alerts/${rule.id}/deliveries?limit=20`)), [rule.id]);
  const [type, setType] = useState('webhook');
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState(null);
  const [tested, setTested] = useState(null);
  const [testing, setTesting] = useState(false);
  const add = async (e) => {
    e.preventDefault();
    setProblem(null);
    const body = type === 'slack' ? { type, webhook_url: target } : type === 'email'
      ? { type, to: target.split(',').map((s) => s.trim()).filter(Boolean) } : { type, url: target };
    try {
      await api('POST', scoped(`/v1/alerts/${rule.id}/channels`), body);
      setTarget('');
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const remove = async (c) => {
    try {
      await api('DELETE', scoped(`/v1/alerts/${rule.id}/channels/${c.id}`));
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const test = async () => {
    setProblem(null);
    setTested(null);
    setTesting(true);
    try {
      setTested(await api('POST', scoped(`/v1/alerts/${rule.id}/test`)));
      reloadDeliveries();
    } catch (err) {
      setProblem(err);
    } finally {
      setTesting(false);
    }
  };
  return html`<div class="channels">
    <${Problem} error=${error || problem} />
    <h4>Channels</h4>
    ${channels ? (channels.length === 0 ? html`<p class="muted">No channel of its own: the server's default Slack and webhook
      channels are used, if it has any.</p>`
      : html`<ul>${channels.map((c) => html`<li>${c.type}: <code>${channelTarget(c)}</code>
        <button type="button" class="link" onClick=${() => remove(c)}>remove</button></li>`)}</ul>`) : html`<${Loading} />`}
    <form class="inline" onSubmit=${add}>
      <select value=${type} aria-label="Channel type" onChange=${(e) => setType(e.target.value)}>
        <option value="webhook">webhook</option><option value="slack">Slack</option><option value="email">e-mail</option></select>
      <input required aria-label="Channel target" placeholder=${type === 'email' ? 'a@example.com, b@example.com' : 'https://…'}
        value=${target} onInput=${(e) => setTarget(e.target.value)} />
      <button type="submit">Add channel</button>
      <button type="button" class="send-test" disabled=${testing} onClick=${test}>${testing ? 'Sending…' : 'Send test'}</button>
    </form>
    ${tested ? html`<div class="test-result" role="status">${tested.results.length === 0
      ? html`<p class="notice card">Nothing was sent: this rule has no channel and the server has no default channel.
          Add a channel above, then send a test again.</p>`
      : html`<ul class="small">${tested.results.map((r) => html`<li>${r.type || r.channel_type}${r.target ? ` ${r.target}` : ''}${': '}<strong>${r.status}</strong>${r.error ? ` (${r.error})` : ''}</li>`)}</ul>`}</div>` : null}
    <h4>Recent deliveries</h4>
    ${deliveries && deliveries.length ? html`<table class="small"><tbody>${deliveries.map((d) => html`<tr>
      <td>${when(d.created_at)}</td><td>${d.channel_type}</td><td>${d.status}</td><td>${d.attempts} tries</td><td>${d.error || ''}</td></tr>`)}</tbody></table>`
      : html`<p class="muted small">None yet.</p>`}
  </div>`;
}

function initialForm(rule) {
  const config = rule ? rule.config : { type: 'new_issue' };
  const form = { name: rule ? rule.name : '', description: (rule && rule.description) || '', type: config.type,
    cooldown_secs: rule ? String(rule.cooldown_secs) : '', environment_filter: (rule && rule.environment_filter) || '',
    source_filter: (rule && rule.source_filter) || '' };
  for (const fields of Object.values(CONFIG_FIELDS)) {
    for (const f of fields) form[f.key] = config[f.key] != null ? String(config[f.key]) : f.initial;
  }
  return form;
}

function body(form, editing) {
  const config = { type: form.type };
  for (const f of CONFIG_FIELDS[form.type]) {
    const v = form[f.key].trim();
    if (v === '') continue;
    config[f.key] = f.type === 'number' ? Number(v) : v;
  }
  const out = { name: form.name, config, description: form.description || null,
    environment_filter: form.environment_filter || null, source_filter: form.source_filter || null };
  if (form.cooldown_secs !== '') out.cooldown_secs = Number(form.cooldown_secs);
  if (!editing) {
    for (const k of ['description', 'environment_filter', 'source_filter']) if (out[k] === null) delete out[k];
  }
  return out;
}

// The form for a new rule and for editing one: the type's own settings appear with the type.
function RuleForm({ rule, facets, onSaved, id }) {
  const [form, setForm] = useState(initialForm(rule));
  const [problem, setProblem] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    try {
      const saved = await api(rule ? 'PUT' : 'POST', scoped(rule ? `/v1/alerts/${rule.id}` : '/v1/alerts'), body(form, Boolean(rule)));
      if (!rule) setForm(initialForm(null));
      onSaved(saved);
    } catch (err) {
      setProblem(err);
    }
  };
  const list = (name) => `${id}-${name}-values`;
  const datalist = (name) => html`<datalist id=${list(name)}>${((facets && facets[name]) || []).map((v) => html`<option value=${v.value} />`)}</datalist>`;
  const prefix = rule ? `rule-${rule.id}` : 'rule';
  return html`<form class=${rule ? 'rule-edit' : 'card rule-new'} id=${id} onSubmit=${save}>
    ${rule ? null : html`<h3>New rule</h3>`}
    <div class="form-grid">
      <label>Name <input id=${`${prefix}-name`} required maxlength="200" value=${form.name} onInput=${set('name')} /></label>
      <label>When <select id=${`${prefix}-type`} value=${form.type} onChange=${set('type')}>
        ${Object.entries(TYPES).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></label>
      ${CONFIG_FIELDS[form.type].map((f) => html`<label>${f.label} <input class="config" name=${f.key} id=${`${prefix}-${f.key}`}
        type=${f.type} min=${f.min} step=${f.step} required=${f.required} value=${form[f.key]} onInput=${set(f.key)}
        list=${f.facet ? list(f.facet) : undefined} /></label>`)}
      <label>Only environment (optional) <input id=${`${prefix}-environment`} value=${form.environment_filter}
        list=${list('environment')} onInput=${set('environment_filter')} /></label>
      <label>Only source (optional) <input id=${`${prefix}-source`} value=${form.source_filter} list=${list('source')}
        onInput=${set('source_filter')} /></label>
      <label>Quiet after an alert (cooldown, seconds) <input id=${`${prefix}-cooldown`} type="number" min="0"
        placeholder="server default" value=${form.cooldown_secs} onInput=${set('cooldown_secs')} /></label>
      <label class="wide">Description (optional) <input id=${`${prefix}-description`} maxlength="2000" value=${form.description}
        onInput=${set('description')} /></label>
    </div>
    ${datalist('environment')}${datalist('source')}${datalist('route')}
    <${Problem} error=${problem} />
    <button id=${rule ? `${prefix}-save` : 'rule-create'} type="submit">${rule ? 'Save' : 'Create rule'}</button>
  </form>`;
}

export function Alerts({ project, rule: wanted, navigate }) {
  const pid = project && project.id;
  useTitle('Alerts', project && project.name);
  const [rules, error, reload] = useLoad(() => api('GET', scoped('/v1/alerts')), [pid]);
  const [facets] = useLoad(() => api('GET', scoped('/v1/errors/facets')), [pid]);
  const [open, setOpen] = useState(wanted ? Number(wanted) : null);
  const [editing, setEditing] = useState(null);
  const [problem, setProblem] = useState(null);
  const toggle = async (r) => {
    try {
      await api('PUT', scoped(`/v1/alerts/${r.id}`), { enabled: !r.enabled });
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const remove = async (r) => {
    if (!window.confirm(`Delete the rule ${r.name}?`)) return;
    try {
      await api('DELETE', scoped(`/v1/alerts/${r.id}`));
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const missing = wanted && rules && !rules.some((r) => String(r.id) === String(wanted));
  return html`<section id="alerts">
    <h2>Alerts</h2>
    <${Problem} error=${error || problem} />
    ${missing ? html`<p class="problem" role="alert">No alert rule ${wanted} in ${project.name}: it may have been deleted.</p>` : null}
    ${!rules ? html`<${Loading} />` : rules.length === 0 ? html`<${Empty} title="No alert rules">Create one below to hear about new issues on Slack, a webhook or e-mail.</${Empty}>` : null}
    ${rules ? html`<ul class="plain">${rules.map((r) => html`<li class=${`card rule${String(r.id) === String(wanted) ? ' current' : ''}`} data-rule=${r.id}>
      <div class="rule-head"><strong><${Link} to=${link(`/alerts/${r.id}`)} navigate=${(to) => { setOpen(r.id); navigate(to, { scroll: false }); }}>${r.name}</${Link}></strong>
        ${' '}<${Meta} class="muted" parts=${[`when ${describe(r.config)}${r.environment_filter ? ` in ${r.environment_filter}` : ''}${r.source_filter ? ` from ${r.source_filter}` : ''}`,
          `cooldown ${r.cooldown_secs} s`, r.enabled ? 'on' : 'off', `updated ${new Date(r.updated_at).toLocaleDateString()}`]} /></div>
      ${r.description ? html`<p class="small">${r.description}</p>` : null}
      <div class="rule-actions">
        <button type="button" onClick=${() => toggle(r)}>${r.enabled ? 'Disable' : 'Enable'}</button>
        <button type="button" class="edit" onClick=${() => setEditing(editing === r.id ? null : r.id)}>Edit</button>
        <button type="button" class="open-channels" onClick=${() => setOpen(open === r.id ? null : r.id)}>${open === r.id ? 'Close' : 'Channels and deliveries'}</button>
        <button type="button" class="danger" onClick=${() => remove(r)}>Delete</button></div>
      ${editing === r.id ? html`<${RuleForm} rule=${r} facets=${facets} id=${`rule-form-${r.id}`} onSaved=${() => { setEditing(null); reload(); }} />` : null}
      ${open === r.id ? html`<${Channels} rule=${r} />` : null}
    </li>`)}</ul>` : null}
    <${RuleForm} facets=${facets} id="rule-form-new" onSaved=${(created) => { reload(); setOpen(created.id); }} />
  </section>`;
}
