// Release health for a row of the releases table: the share of crash-free sessions (and users), from
// the sessions Sentry SDKs send. "–" for a release without sessions.
import { count, html } from '../ui.js';

function percent(share) {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
}

export function HealthCell({ health }) {
  if (!health) return html`<td class="num health muted">–</td>`;
  const users = health.crash_free_users == null ? '' : `, users ${percent(health.crash_free_users)}`;
  const title = `${count(health.sessions)} sessions, ${count(health.crashed)} crashed, ${count(health.errored)} with errors`
    + (health.users ? `; ${count(health.users)} users, ${count(health.crashed_users)} with a crash` : '');
  return html`<td class="num health" title=${title}>${health.crash_free_sessions == null ? '–'
    : percent(health.crash_free_sessions)}<span class="muted small">${users}</span></td>`;
}
