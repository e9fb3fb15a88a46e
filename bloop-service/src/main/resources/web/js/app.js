// The dashboard: who is signed in, which project is selected, and which page the path names.
// Paths are real URLs (/issues/<fingerprint>, /releases/<r>, ...): the server answers each with
// this page, so reloading or sharing a link opens the same view.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, setProject } from './api.js';
import { html, Link, Loading, Problem } from './ui.js';
import { Join, Login, Setup } from './pages/account.js';
import { IssuePage, IssueStream } from './pages/issues.js';
import { Overview, Releases } from './pages/overview.js';
import { Alerts } from './pages/alerts.js';
import { Projects } from './pages/projects.js';
import { Admin, Tokens } from './pages/settings.js';
import { Insights } from './pages/insights.js';

const NAV = [['/issues', 'Issues'], ['/overview', 'Overview'], ['/releases', 'Releases'], ['/insights', 'Insights'],
  ['/alerts', 'Alerts'], ['/projects', 'Projects'], ['/tokens', 'API tokens']];

function usePath() {
  const [path, setPath] = useState(window.location.pathname + window.location.search);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname + window.location.search);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to) => {
    window.history.pushState(null, '', to);
    setPath(to);
    window.scrollTo(0, 0);
  };
  return [path, navigate];
}

function pickProject(projects) {
  const wanted = new URLSearchParams(window.location.search).get('project_id') || localStorage.getItem('bloop_project');
  return projects.find((p) => p.id === wanted || p.slug === wanted) || projects.find((p) => p.id === 'default') || projects[0] || null;
}

function Page({ path, navigate, user, project, projects, reloadProjects }) {
  const route = path.split('?')[0].split('/').filter(Boolean);
  const props = { navigate, user, project, projects, reloadProjects };
  if (route[0] === 'projects') return html`<${Projects} ...${props} />`;
  if (route[0] === 'admin') return html`<${Admin} ...${props} />`;
  if (!project) {
    return html`<div class="empty"><h3>No project yet</h3><p>Create a project to start receiving events.</p>
      <${Projects} ...${props} /></div>`;
  }
  switch (route[0]) {
    case 'issues': return route[1] ? html`<${IssuePage} fingerprint=${route[1]} ...${props} />` : html`<${IssueStream} ...${props} />`;
    case 'overview': return html`<${Overview} ...${props} />`;
    case 'releases': return html`<${Releases} release=${route[1] ? decodeURIComponent(route[1]) : null} ...${props} />`;
    case 'insights': return html`<${Insights} ...${props} />`;
    case 'alerts': return html`<${Alerts} ...${props} />`;
    case 'tokens': return html`<${Tokens} ...${props} />`;
    default: return html`<${IssueStream} ...${props} />`;
  }
}

function App() {
  const [path, navigate] = usePath();
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [projects, setProjects] = useState(null);
  const [project, setCurrent] = useState(null);

  const loadStatus = () => api('GET', '/auth/status').then((s) => {
    setCsrfToken(s.csrf_token || null);
    setStatus(s);
  }, setError);
  const reloadProjects = () => api('GET', '/v1/projects').then((list) => {
    setProjects(list);
    const chosen = (project && list.find((p) => p.id === project.id)) || pickProject(list);
    setProject(chosen ? chosen.id : null);
    setCurrent(chosen);
  }, setError);

  useEffect(() => { loadStatus(); }, []);
  useEffect(() => {
    if (status && status.authenticated) reloadProjects();
  }, [status && status.authenticated]);

  if (error && !status) return html`<main><${Problem} error=${error} /></main>`;
  if (!status) return html`<main><${Loading} /></main>`;
  const invite = new URLSearchParams(window.location.search).get('invite');
  const signedIn = () => {
    setProjects(null);
    loadStatus();
  };
  if (!status.authenticated) {
    return html`<header><h1>bloop</h1></header><main>
      ${invite ? html`<${Join} token=${invite} onSignedIn=${signedIn} />`
        : !status.setup_complete ? html`<${Setup} onSignedIn=${signedIn} />` : html`<${Login} onSignedIn=${signedIn} />`}
    </main>`;
  }
  const choose = (id) => {
    const chosen = projects.find((p) => p.id === id);
    localStorage.setItem('bloop_project', id);
    setProject(id);
    setCurrent(chosen);
    if (path.startsWith('/issues/')) navigate('/issues');
  };
  const logout = async () => {
    await api('POST', '/auth/logout');
    setCsrfToken(null);
    setProjects(null);
    setCurrent(null);
    navigate('/');
    loadStatus();
  };
  const here = path.split('?')[0];
  return html`<header>
      <h1><${Link} to="/issues" navigate=${navigate}>bloop</${Link}></h1>
      ${projects && projects.length ? html`<select id="project-select" aria-label="Project" value=${project ? project.id : ''}
        onChange=${(e) => choose(e.target.value)}>${projects.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select>` : null}
      <nav>${[...NAV, ...(status.user.is_admin ? [['/admin', 'Admin']] : [])].map(([href, label]) => html`<${Link} to=${href}
        navigate=${navigate} id=${`nav-${href.slice(1)}`} class=${here.startsWith(href) ? 'active' : ''}>${label}</${Link}>`)}</nav>
      <span id="whoami">${status.user.username}${status.user.is_admin ? ' (admin)' : ''}</span>
      <button id="logout" type="button" onClick=${logout}>Sign out</button>
    </header>
    <main>${projects ? html`<${Page} path=${path} navigate=${navigate} user=${status.user} project=${project}
      projects=${projects} reloadProjects=${reloadProjects} />` : html`<${Loading} />`}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
