// What the project page says about Sentry SDKs and the original bloop SDKs: the project's DSN (any
// Sentry SDK sends to bloop with it), a rotate button for admins, and a warning when the operator lets
// this project's apps sign with its public key (auth.legacy_key_signing). Self-contained: the project
// page renders <SentrySetup project=... user=... reload=... /> with the project's details.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Copy, html, Problem } from '../ui.js';

export function LegacySigningWarning({ project }) {
  if (!project || !project.legacy_key_signing) return null;
  return html`<p class="problem notice legacy-signing" role="alert"><strong>Legacy signing is on.</strong> The
    operator lets this project's apps sign ingest with the public ingest key (<code>auth.legacy_key_signing</code>),
    as the original bloop SDKs do. Anyone who has one of its apps can send events as it; update the apps to sign with
    the secret, then remove <code>${project.slug}</code> from that setting.</p>`;
}

export function SentrySetup({ project, user, reload }) {
  const [problem, setProblem] = useState(null);
  if (!project) return null;
  const rotate = async () => {
    if (!window.confirm('New DSN key: apps with the old DSN are refused at once. Continue?')) return;
    try {
      await api('POST', `/v1/projects/${project.slug}/rotate-dsn`);
      if (reload) reload();
    } catch (e) {
      setProblem(e);
    }
  };
  return html`<div class="sentry-setup">
    <${LegacySigningWarning} project=${project} />
    ${project.dsn ? html`<h4>Sentry SDKs</h4>
      <p class="small muted">Any Sentry SDK sends errors, messages and sessions to this project with this DSN.</p>
      <dl class="meta"><dt>DSN</dt><dd><code class="sentry-dsn">${project.dsn}</code> <${Copy} text=${project.dsn} /></dd></dl>
      <pre class="stack">${`// JavaScript (@sentry/browser, @sentry/node, ...)\nSentry.init({ dsn: "${project.dsn}" });\n\n# Python (sentry-sdk)\nsentry_sdk.init("${project.dsn}")`}</pre>
      ${user && user.is_admin ? html`<button class="danger" onClick=${rotate}>Rotate DSN</button>` : null}
      <${Problem} error=${problem} />` : null}
  </div>`;
}
