// A project's ingest policy: a quota (events per minute with a burst) and inbound filters (allowed
// releases and environments, a maximum event age). A secret shipped in an app is public; these are
// what keep a leaked one from flooding the project. Shows what ingest refused in the last 24 hours.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html, Loading, Problem, useLoad } from '../ui.js';

const lines = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
const number = (text) => (text.trim() === '' ? null : Number(text.trim()));
const REASONS = {
  quota: 'over the quota (429)',
  filtered_release: 'release not allowed',
  filtered_environment: 'environment not allowed',
  filtered_too_old: 'older than the maximum age',
  invalid: 'invalid events (400)',
};

export function IngestPolicy({ slug }) {
  const [view, error, reload] = useLoad(() => api('GET', `/v1/projects/${slug}/ingest`), [slug]);
  const [draft, setDraft] = useState(null);
  const [problem, setProblem] = useState(null);
  const [saved, setSaved] = useState(false);
  if (error) return html`<${Problem} error=${error} />`;
  if (!view) return html`<${Loading} />`;
  const p = view.policy;
  const form = draft || {
    rate: p.events_per_minute == null ? '' : String(p.events_per_minute),
    burst: p.burst == null ? '' : String(p.burst),
    releases: (p.releases || []).join('\n'),
    environments: (p.environments || []).join('\n'),
    age: p.max_age_days == null ? '' : String(p.max_age_days),
  };
  const set = (key) => (e) => setDraft({ ...form, [key]: e.target.value });
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    setSaved(false);
    const body = {};
    if (form.rate.trim() !== '') body.events_per_minute = number(form.rate);
    if (form.burst.trim() !== '') body.burst = number(form.burst);
    if (lines(form.releases).length) body.releases = lines(form.releases);
    if (lines(form.environments).length) body.environments = lines(form.environments);
    if (form.age.trim() !== '') body.max_age_days = number(form.age);
    try {
      await api('PUT', `/v1/projects/${slug}/ingest`, body);
      setDraft(null);
      setSaved(true);
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  const refused = Object.entries(view.refused_last_24h || {});
  return html`<form class="ingest-policy" data-slug=${slug} onSubmit=${save}>
    <h4>Ingest limits</h4>
    <p class="muted small">The ingest secret inside a shipped app is public: these limits are what protect the project.
      Past the quota, ingest answers 429 and keeps nothing; events of other releases or environments, or older than
      the maximum age, are acknowledged and dropped. Empty means no limit.</p>
    <label>Events per minute <input class="policy-rate" inputmode="numeric" size="8" value=${form.rate} onInput=${set('rate')} /></label>
    <label> Burst <input class="policy-burst" inputmode="numeric" size="8" value=${form.burst} onInput=${set('burst')} /></label>
    <label> Maximum event age (days) <input class="policy-age" inputmode="numeric" size="4" value=${form.age} onInput=${set('age')} /></label><br />
    <label>Allowed releases (one per line)<br /><textarea class="policy-releases" rows="2" cols="40"
      value=${form.releases} onInput=${set('releases')}></textarea></label>
    <label>Allowed environments (one per line)<br /><textarea class="policy-environments" rows="2" cols="40"
      value=${form.environments} onInput=${set('environments')}></textarea></label><br />
    <button type="submit" class="policy-save">Save ingest limits</button>
    ${saved ? html`<span class="policy-saved"> · saved</span>` : null}
    <${Problem} error=${problem} />
    <h5>Refused in the last 24 hours</h5>
    ${refused.length === 0 ? html`<p class="muted small policy-refused">nothing</p>`
      : html`<ul class="plain small policy-refused">${refused.map(([reason, n]) => html`<li data-reason=${reason}>
          ${n} ${REASONS[reason] || reason}</li>`)}</ul>`}
  </form>`;
}
