// Projects: list, create, keys with copy buttons and ready-to-paste snippets per platform, rotate.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Copy, html, Loading, Problem, useLoad, useTitle, when } from '../ui.js';
import { GroupingRules } from './grouping-rules.js';
import { SentrySetup } from './sentry-setup.js';
import { IngestPolicy } from './ingest-policy.js';
import { Snippets } from './setup.js';

function Keys({ slug, user, onRotated }) {
  const [p, error, reload] = useLoad(() => api('GET', `/v1/projects/${slug}`), [slug]);
  const [problem, setProblem] = useState(null);
  if (error) return html`<${Problem} error=${error} />`;
  if (!p) return html`<${Loading} />`;
  const rotate = async () => {
    if (!window.confirm('New key and secret: the old ones stop working at once. Continue?')) return;
    try {
      await api('POST', `/v1/projects/${slug}/rotate-key`);
      reload();
      onRotated();
    } catch (e) {
      setProblem(e);
    }
  };
  return html`<div class="keys" data-slug=${slug}>
    <dl class="meta"><dt>project id</dt><dd><code>${p.id}</code></dd>
      <dt>ingest key (X-Project-Key)</dt><dd><code class="ingest-key">${p.ingest_key}</code> <${Copy} text=${p.ingest_key} /></dd>
      <dt>ingest secret (HMAC key)</dt><dd><code>${p.ingest_secret}</code> <${Copy} text=${p.ingest_secret} /></dd></dl>
    <${SentrySetup} project=${p} user=${user} reload=${reload} />
    <h4>Send events</h4><${Snippets} project=${p} />
    ${user.is_admin ? html`<button class="danger" onClick=${rotate}>Rotate key</button>` : null}
    <${Problem} error=${problem} />
  </div>`;
}

export function Projects({ user, projects, reloadProjects }) {
  useTitle('Projects');
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [error, setError] = useState(null);
  const [open, setOpen] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/v1/projects', { name, slug });
      setName('');
      setSlug('');
      reloadProjects();
      setOpen(slug);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async (p) => {
    if (!window.confirm(`Delete ${p.name} and all its events, issues, tokens and alert rules?`)) return;
    try {
      await api('DELETE', `/v1/projects/${p.slug}`);
      reloadProjects();
    } catch (err) {
      setError(err);
    }
  };
  return html`<section id="projects">
    <h2>Projects</h2>
    <${Problem} error=${error} />
    ${projects.length === 0 ? html`<p class="muted">You are not a member of any project yet. Create one below, or ask an admin to add you.</p>` : null}
    <ul id="project-list" class="plain">${projects.map((p) => html`<li data-slug=${p.slug} class="card">
      <strong>${p.name}</strong> <code>${p.slug}</code> <span class="muted small">created ${when(p.created_at)}</span>
      <button onClick=${() => setOpen(open === p.slug ? null : p.slug)}>${open === p.slug ? 'Hide keys' : 'Keys and setup'}</button>
      ${user.is_admin && p.slug !== 'default' ? html`<button class="danger" onClick=${() => remove(p)}>Delete</button>` : null}
      ${open === p.slug ? html`<${Keys} slug=${p.slug} user=${user} onRotated=${() => {}} />` : null}
      ${open === p.slug ? html`<${GroupingRules} slug=${p.slug} />` : null}
      ${open === p.slug ? html`<${IngestPolicy} slug=${p.slug} />` : null}
    </li>`)}</ul>
    <form class="card" onSubmit=${create}>
      <h3>New project</h3>
      <label>Name <input id="project-name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} /></label>
      <label>Slug <input id="project-slug" required pattern="[a-z0-9\\-]{1,64}" title="1-64 characters: a-z, 0-9 and -" maxlength="64" value=${slug}
        onInput=${(e) => setSlug(e.target.value)} /></label>
      <button id="project-create" type="submit">Create project</button>
    </form>
  </section>`;
}
