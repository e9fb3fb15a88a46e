// A project's in-app rules: package or path prefixes that are its own code (in_app_include) and
// app-looking ones that are not (in_app_exclude). An issue is keyed on the first frame that is the
// app's; the rules apply to events that arrive from now on, existing issues keep their grouping.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { html, Loading, Problem, useLoad, when } from '../ui.js';

const prefixes = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);

export function GroupingRules({ slug }) {
  const [rules, error, reload] = useLoad(() => api('GET', `/v1/projects/${slug}/grouping`), [slug]);
  const [include, setInclude] = useState(null);
  const [exclude, setExclude] = useState(null);
  const [problem, setProblem] = useState(null);
  const [saved, setSaved] = useState(false);
  if (error) return html`<${Problem} error=${error} />`;
  if (!rules) return html`<${Loading} />`;
  const inc = include === null ? rules.in_app_include.join('\n') : include;
  const exc = exclude === null ? rules.in_app_exclude.join('\n') : exclude;
  const save = async (e) => {
    e.preventDefault();
    setProblem(null);
    setSaved(false);
    try {
      await api('PUT', `/v1/projects/${slug}/grouping`, { in_app_include: prefixes(inc), in_app_exclude: prefixes(exc) });
      setInclude(null);
      setExclude(null);
      setSaved(true);
      reload();
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<form class="grouping-rules" data-slug=${slug} onSubmit=${save}>
    <h4>Grouping: which frames are your code</h4>
    <p class="muted small">An issue is keyed on the first stack frame that is your code; runtime, framework,
      driver and system frames are skipped. One package or path prefix per line (e.g. <code>com.acme.</code>,
      <code>node_modules/@acme/</code>); the longer prefix wins when both lists match. Changes apply to new
      events; existing issues keep their grouping.</p>
    <label>Always your code (in_app_include)<br /><textarea class="in-app-include" rows="3" cols="60"
      value=${inc} onInput=${(e) => setInclude(e.target.value)}></textarea></label>
    <label>Never your code (in_app_exclude)<br /><textarea class="in-app-exclude" rows="3" cols="60"
      value=${exc} onInput=${(e) => setExclude(e.target.value)}></textarea></label>
    <button type="submit" class="rules-save">Save grouping rules</button>
    <span class="muted small rules-version"> rules version ${rules.rules_version}${rules.updated_by
      ? ` · changed by ${rules.updated_by} ${when(rules.updated_at)}` : ''}</span>
    ${saved ? html`<span class="rules-saved"> · saved</span>` : null}
    <${Problem} error=${problem} />
  </form>`;
}
