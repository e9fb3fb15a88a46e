// The overview (totals that open the matching issues, the project's trend, new issues, top routes
// and issues) and the releases view (each release's events and issues, and the issues it brought).
import { api, link, page, scoped } from '../api.js';
import { Ago, count, Empty, html, Link, Loading, plural, Problem, Status, TrendCard, useLoad, useTitle } from '../ui.js';
import { issueLink } from './issues.js';
import { HealthCell } from './release-health.js';

function IssueLink({ g, navigate }) {
  return html`<${Link} to=${issueLink(g.fingerprint)} navigate=${navigate} class="issue-link">
    <strong>${g.error_type}</strong> <span class="message">${g.message}</span></${Link}>`;
}

function Stat({ value, text, to, navigate, id }) {
  return html`<${Link} to=${to} navigate=${navigate} class="stat" id=${id}><span>${count(value)}</span>${text}</${Link}>`;
}

export function Overview({ navigate, project }) {
  const pid = project && project.id;
  useTitle('Overview', project && project.name);
  const [stats, error] = useLoad(() => api('GET', scoped('/v1/stats')), [pid]);
  const since = Date.now() - 86400000;
  const [fresh] = useLoad(() => page(scoped('/v1/errors?sort=first_seen&limit=10')), [pid]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!stats) return html`<${Loading} />`;
  const newOnes = fresh ? fresh.rows.filter((g) => g.first_seen >= since) : [];
  return html`<section id="overview">
    <h2>Overview</h2>
    <div class="cards">
      <${Stat} id="card-events" value=${stats.total_events_24h} text="events, 24 h" navigate=${navigate}
        to=${link('/issues', { status: 'any', period: '24h', sort: 'total_count' })} />
      <${Stat} id="card-new" value=${stats.new_errors_24h} text="new issues, 24 h" navigate=${navigate}
        to=${link('/issues', { status: 'any', period: '24h', sort: 'first_seen' })} />
      <${Stat} id="card-unresolved" value=${stats.unresolved_errors} text="unresolved issues" navigate=${navigate}
        to=${link('/issues')} />
      <${Stat} id="card-all" value=${stats.total_errors} text="issues in all" navigate=${navigate}
        to=${link('/issues', { status: 'any' })} />
    </div>
    <${TrendCard} title="Events" path="/v1/trends" deps=${[pid]} id="overview-trend" />
    <div class="grid2">
      <div class="card"><h3>New issues, last 24 hours</h3>
        ${newOnes.length === 0 ? html`<p class="muted">None. Good.</p>` : html`<ul class="plain list">${newOnes.map((g) =>
          html`<li><${IssueLink} g=${g} navigate=${navigate} /> <span class="muted small"><${Ago} ms=${g.first_seen} /></span></li>`)}</ul>`}</div>
      <div class="card" id="top-routes"><h3>Top routes</h3>
        ${stats.top_routes.length === 0 ? html`<p class="muted">No routes yet.</p>` : html`<table><tbody>${stats.top_routes.map((r) =>
          html`<tr><td><${Link} to=${link('/issues', { status: 'any', route: r.route })} navigate=${navigate}>${r.route}</${Link}></td>
            <td class="num">${count(r.count)}</td></tr>`)}</tbody></table>`}</div>
    </div>
    <div class="card"><h3>Most frequent, last 24 hours</h3>
      ${stats.top_errors.length === 0 ? html`<p class="muted">No events in the last 24 hours.</p>` : html`<table class="top"><tbody>
        ${stats.top_errors.map((g) => html`<tr><td><${IssueLink} g=${g} navigate=${navigate} /></td><td><${Status} status=${g.status} /></td>
          <td class="num">${count(g.count_24h)}</td></tr>`)}</tbody></table>`}</div>
  </section>`;
}

function Release({ release, navigate, pid }) {
  const path = `/v1/releases/${encodeURIComponent(release)}/errors`;
  const [issues, error] = useLoad(() => page(scoped(`${path}?sort=total_count&limit=100`)), [pid, release]);
  const [brought] = useLoad(() => page(scoped(`${path}?new=true&limit=200`)), [pid, release]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!issues || !brought) return html`<${Loading} />`;
  if (issues.total === 0) {
    return html`<${Empty} title=${`No events of release ${release}`} id="release-unknown">
      <p>This project has received no event of release <code>${release}</code>, or retention removed them.</p></${Empty}>`;
  }
  const isNew = new Set(brought.rows.map((g) => g.fingerprint));
  return html`<div class="card" id="release-detail"><h3>Release ${release}</h3>
    <p class="muted">${plural(issues.total, 'issue')}, ${plural(brought.total, 'new issue')} first seen in this release ·
      ${' '}<${Link} to=${link('/issues', { status: 'any', release })} navigate=${navigate}>open in the issue list</${Link}></p>
    <table class="issues-in-release"><thead><tr><th>Issue</th><th>Status</th><th class="num">Events in ${release}</th></tr></thead>
      <tbody>${issues.rows.map((g) => html`<tr data-fingerprint=${g.fingerprint} class=${isNew.has(g.fingerprint) ? 'new' : ''}>
        <td>${isNew.has(g.fingerprint) ? html`<span class="status status-new" title="First seen in this release">new</span> ` : null}
          <${IssueLink} g=${g} navigate=${navigate} /></td>
        <td><${Status} status=${g.status} /></td><td class="num">${count(g.total_count)}</td></tr>`)}</tbody></table></div>`;
}

export function Releases({ navigate, project, release }) {
  const pid = project && project.id;
  useTitle(release ? `Release ${release}` : 'Releases', project && project.name);
  const [releases, error] = useLoad(() => api('GET', scoped('/v1/releases')), [pid]);
  if (error) return html`<${Problem} error=${error} />`;
  return html`<section id="releases">
    <h2>${release ? html`<${Link} to=${link('/releases')} navigate=${navigate}>Releases</${Link}> / ${release}` : 'Releases'}</h2>
    ${release ? html`<${Release} release=${release} navigate=${navigate} pid=${pid} />` : null}
    ${!releases ? html`<${Loading} />` : releases.length === 0 ? html`<${Empty} title="No releases yet">Events carry a <code>release</code>; they appear
      here once received.</${Empty}>` : html`
    <table id="release-list"><thead><tr><th>Release</th><th class="num">Events</th><th class="num">Issues</th>
      <th class="num">New issues</th><th class="num">Crash-free</th><th>First seen</th><th>Last seen</th></tr></thead>
      <tbody>${releases.map((r) => html`<tr data-release=${r.release} class=${r.release === release ? 'current' : ''}>
        <td><${Link} to=${link(`/releases/${encodeURIComponent(r.release)}`)} navigate=${navigate}>${r.release}</${Link}></td>
        <td class="num">${count(r.events)}</td><td class="num">${count(r.groups)}</td>
        <td class="num new-count">${r.new_groups ? html`<span class="status status-new">${count(r.new_groups)} new</span>` : '0'}</td>
        <${HealthCell} health=${r.health} />
        <td><${Ago} ms=${r.first_seen} /></td><td><${Ago} ms=${r.last_seen} /></td></tr>`)}
      </tbody></table>`}
  </section>`;
}
