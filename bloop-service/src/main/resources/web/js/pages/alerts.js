// Alert rules and their channels: create, enable/disable, delete, test, and see deliveries.
import { useState } from 'preact/hooks';
import { api, scoped } from '../api.js';
import { ago, Empty, html, Loading, Problem, useLoad, when } from '../ui.js';

const TYPES = {
  new_issue: 'a new issue appears',
  regression: 'a resolved issue comes back',
  threshold: 'more than N events in a window',
  spike: 'the event rate jumps over its baseline',
};

function describe(config) {
  switch (config.type) {
    case 'threshold': return `more than ${config.threshold} events in ${config.window_secs || 300} s`;
    case 'spike': return `rate × ${config.multiplier} over the baseline`;
    default: return TYPES[config.type] || config.type;
  }
}

function channelTarget(c) {
  return c.config.url || c.config.webhook_url || (c.config.to || []).join(', ');
}

function Channels({ rule }) {
  const [channels, error, reload] = useLoad(() => api('GET', scoped(`/v1/alerts/${rule.id}/channels`)), [rule.id]);
  const [deliveries, , reloadDeliveries] = useLoad(() => api('GET', scoped(`/v1/alerts/${rule.id}/deliveries?limit=20`)), [rule.id]);
  const [type, setType] = useState('webhook');
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState(null);
  const [tested, setTested] = useState(null);
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
    try {
      setTested(await api('POST', scoped(`/v1/alerts/${rule.id}/test`)));
      reloadDeliveries();
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<div class="channels">
    <${Problem} error=${error || problem} />
    <h4>Channels</h4>
    ${channels ? (channels.length === 0 ? html`<p class="muted">No channel: the server's default Slack/webhook channels are used, if configured.</p>`
      : html`<ul>${channels.map((c) => html`<li>${c.type}: <code>${channelTarget(c)}</code>
        <button class="link" onClick=${() => remove(c)}>remove</button></li>`)}</ul>`) : html`<${Loading} />`}
    <form class="inline" onSubmit=${add}>
      <select value=${type} onChange=${(e) => setType(e.target.value)}>
        <option value="webhook">webhook</option><option value="slack">Slack</option><option value="email">e-mail</option></select>
      <input required placeholder=${type === 'email' ? 'a@example.com, b@example.com' : 'https://…'} value=${target}
        onInput=${(e) => setTarget(e.target.value)} />
      <button type="submit">Add channel</button>
      <button type="button" onClick=${test}>Send test</button>
    </form>
    ${tested ? html`<ul class="small">${tested.results.map((r) => html`<li>${r.type || r.channel_type}: ${r.status}${r.error ? ` (${r.error})` : ''}</li>`)}</ul>` : null}
    <h4>Recent deliveries</h4>
    ${deliveries && deliveries.length ? html`<table class="small"><tbody>${deliveries.map((d) => html`<tr>
      <td>${when(d.created_at)}</td><td>${d.channel_type}</td><td>${d.status}</td><td>${d.attempts} tries</td><td>${d.error || ''}</td></tr>`)}</tbody></table>`
      : html`<p class="muted small">None yet.</p>`}
  </div>`;
}

function RuleEditor({ rule, onSaved }) {
  const [form, setForm] = useState({ name: rule.name, cooldown_secs: String(rule.cooldown_secs),
    environment_filter: rule.environment_filter || '', source_filter: rule.source_filter || '' });
  const [problem, setProblem] = useState(null);
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    try {
      await api('PUT', scoped(`/v1/alerts/${rule.id}`), { name: form.name, cooldown_secs: Number(form.cooldown_secs),
        environment_filter: form.environment_filter || null, source_filter: form.source_filter || null });
      onSaved();
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<form class="inline rule-edit" onSubmit=${save}>
    <${Problem} error=${problem} />
    <label>Name <input required value=${form.name} onInput=${set('name')} /></label>
    <label>Cooldown (s) <input type="number" min="0" value=${form.cooldown_secs} onInput=${set('cooldown_secs')} /></label>
    <label>Environment <input value=${form.environment_filter} onInput=${set('environment_filter')} /></label>
    <label>Source <input value=${form.source_filter} onInput=${set('source_filter')} /></label>
    <button type="submit">Save</button>
  </form>`;
}

export function Alerts({ project }) {
  const pid = project && project.id;
  const [rules, error, reload] = useLoad(() => api('GET', scoped('/v1/alerts')), [pid]);
  const [open, setOpen] = useState(null);
  const [editing, setEditing] = useState(null);
  const [form, setForm] = useState({ name: '', type: 'new_issue', threshold: '100', window_secs: '300', multiplier: '3', environment_filter: '' });
  const [problem, setProblem] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setProblem(null);
    const config = { type: form.type };
    if (form.type === 'threshold') Object.assign(config, { threshold: Number(form.threshold), window_secs: Number(form.window_secs) });
    if (form.type === 'spike') Object.assign(config, { multiplier: Number(form.multiplier) });
    const body = { name: form.name, config };
    if (form.environment_filter) body.environment_filter = form.environment_filter;
    try {
      const created = await api('POST', scoped('/v1/alerts'), body);
      setForm({ ...form, name: '' });
      reload();
      setOpen(created.id);
    } catch (err) {
      setProblem(err);
    }
  };
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
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  return html`<section id="alerts">
    <h2>Alerts</h2>
    <${Problem} error=${error || problem} />
    ${!rules ? html`<${Loading} />` : rules.length === 0 ? html`<${Empty} title="No alert rules">Create one below to hear about new issues on Slack, a webhook or e-mail.</${Empty}>` : null}
    ${rules ? html`<ul class="plain">${rules.map((r) => html`<li class="card" data-rule=${r.id}>
      <strong>${r.name}</strong> <span class="muted">when ${describe(r.config)}${r.environment_filter ? ` in ${r.environment_filter}` : ''}
      · cooldown ${r.cooldown_secs} s · ${r.enabled ? 'on' : 'off'} · updated ${ago(r.updated_at)}</span>
      <button onClick=${() => toggle(r)}>${r.enabled ? 'Disable' : 'Enable'}</button>
      <button class="edit" onClick=${() => setEditing(editing === r.id ? null : r.id)}>Edit</button>
      <button onClick=${() => setOpen(open === r.id ? null : r.id)}>${open === r.id ? 'Close' : 'Channels and deliveries'}</button>
      <button class="danger" onClick=${() => remove(r)}>Delete</button>
      ${editing === r.id ? html`<${RuleEditor} rule=${r} onSaved=${() => { setEditing(null); reload(); }} />` : null}
      ${open === r.id ? html`<${Channels} rule=${r} />` : null}
    </li>`)}</ul>` : null}
    <form class="card" onSubmit=${create}>
      <h3>New rule</h3>
      <label>Name <input id="rule-name" required maxlength="200" value=${form.name} onInput=${set('name')} /></label>
      <label>When <select id="rule-type" value=${form.type} onChange=${set('type')}>
        ${Object.entries(TYPES).map(([k, v]) => html`<option value=${k}>${v}</option>`)}</select></label>
      ${form.type === 'threshold' ? html`<label>Events <input type="number" min="1" value=${form.threshold} onInput=${set('threshold')} /></label>
        <label>Window (s) <input type="number" min="60" value=${form.window_secs} onInput=${set('window_secs')} /></label>` : null}
      ${form.type === 'spike' ? html`<label>Multiplier <input type="number" min="1" step="0.5" value=${form.multiplier} onInput=${set('multiplier')} /></label>` : null}
      <label>Only environment (optional) <input value=${form.environment_filter} onInput=${set('environment_filter')} /></label>
      <button id="rule-create" type="submit">Create rule</button>
    </form>
  </section>`;
}
