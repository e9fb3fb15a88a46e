// The overview (totals, the project's hourly trend, top routes and issues) and the releases view.
import { api, page, scoped } from '../api.js';
import { ago, count, Empty, html, Link, Loading, Problem, Status, TrendChart, useLoad, when } from '../ui.js';
import { HealthCell } from './release-health.js';

function IssueLink({ g, navigate }) {
  return html`<${Link} to=${`/issues/${g.fingerprint}`} navigate=${navigate}>
    <strong>${g.error_type}</strong> <span class="message">${g.message}</span></${Link}>`;
}

export function Overview({ navigate, project }) {
  const pid = project && project.id;
  const [stats, error] = useLoad(() => api('GET', scoped('/v1/stats')), [pid]);
  const [trend] = useLoad(() => api('GET', scoped('/v1/trends?hours=72')), [pid]);
  const since = Date.now() - 86400000;
  const [fresh] = useLoad(() => page(scoped(`/v1/errors?status=&sort=first_seen&limit=10`)), [pid]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!stats) return html`<${Loading} />`;
  const newOnes = fresh ? fresh.rows.filter((g) => g.first_seen >= since) : [];
  return html`<section id="overview">
    <h2>Overview</h2>
    <div class="cards">
      <div class="stat"><span>${count(stats.total_events_24h)}</span>events, 24 h</div>
      <div class="stat"><span>${count(stats.new_errors_24h)}</span>new issues, 24 h</div>
      <div class="stat"><span>${count(stats.unresolved_errors)}</span>unresolved issues</div>
      <div class="stat"><span>${count(stats.total_errors)}</span>issues in all</div>
    </div>
    <div class="card"><h3>Events per hour, last 72 hours</h3>${trend ? html`<${TrendChart} points=${trend} />` : html`<${Loading} />`}</div>
    <div class="grid2">
      <div class="card"><h3>New issues, last 24 hours</h3>
        ${newOnes.length === 0 ? html`<p class="muted">None. Good.</p>` : html`<ul>${newOnes.map((g) =>
          html`<li><${IssueLink} g=${g} navigate=${navigate} /> <span class="muted small">${ago(g.first_seen)}</span></li>`)}</ul>`}</div>
      <div class="card"><h3>Top routes</h3>
        ${stats.top_routes.length === 0 ? html`<p class="muted">No routes yet.</p>` : html`<table><tbody>${stats.top_routes.map((r) =>
          html`<tr><td><${Link} to=${`/issues?status=&route=${encodeURIComponent(r.route)}`} navigate=${navigate}>${r.route}</${Link}></td>
            <td class="num">${count(r.count)}</td></tr>`)}</tbody></table>`}</div>
    </div>
    <div class="card"><h3>Most frequent, last 24 hours</h3>
      ${stats.top_errors.length === 0 ? html`<p class="muted">No events in the last 24 hours.</p>` : html`<table><tbody>
        ${stats.top_errors.map((g) => html`<tr><td><${IssueLink} g=${g} navigate=${navigate} /></td><td><${Status} status=${g.status} /></td>
          <td class="num">${count(g.count_24h)}</td></tr>`)}</tbody></table>`}</div>
  </section>`;
}

export function Releases({ navigate, project, release }) {
  const pid = project && project.id;
  const [releases, error] = useLoad(() => api('GET', scoped('/v1/releases')), [pid]);
  const [issues, issuesError] = useLoad(() => (release
    ? page(scoped(`/v1/releases/${encodeURIComponent(release)}/errors?sort=total_count`)) : Promise.resolve(null)), [pid, release]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!releases) return html`<${Loading} />`;
  return html`<section id="releases">
    <h2>Releases</h2>
    ${releases.length === 0 ? html`<${Empty} title="No releases yet">Events carry a <code>release</code>; they appear here once received.</${Empty}>` : html`
    <table><thead><tr><th>Release</th><th class="num">Events</th><th class="num">Issues</th><th class="num">Crash-free</th><th>First seen</th><th>Last seen</th></tr></thead>
      <tbody>${releases.map((r) => html`<tr data-release=${r.release}><td><${Link} to=${`/releases/${encodeURIComponent(r.release)}`} navigate=${navigate}>${r.release}</${Link}></td>
        <td class="num">${count(r.events)}</td><td class="num">${count(r.groups)}</td><${HealthCell} health=${r.health} /><td>${when(r.first_seen)}</td><td>${ago(r.last_seen)}</td></tr>`)}
      </tbody></table>`}
    ${release ? html`<div class="card"><h3>Issues in ${release}</h3><${Problem} error=${issuesError} />
      ${issues ? html`<table><tbody>${issues.rows.map((g) => html`<tr><td><${IssueLink} g=${g} navigate=${navigate} /></td>
        <td><${Status} status=${g.status} /></td><td class="num">${count(g.total_count)}</td></tr>`)}</tbody></table>` : html`<${Loading} />`}</div>` : null}
  </section>`;
}
