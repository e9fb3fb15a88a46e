// The dashboard: who is signed in, which project the URL names, and which page the path names.
// Paths are real URLs (/issues/<fingerprint>?project=<slug>, /releases/<release>?project=<slug>,
// ...): the server answers each with this page, so reloading or sharing a link opens the same view,
// in the same project, for anyone who may see that project.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, link, setCsrfToken, setProject } from './api.js';
import { html, Link, Loading, Problem, useTitle } from './ui.js';
import { Join, Login, Setup } from './pages/account.js';
import { IssuePage, IssueStream } from './pages/issues.js';
import { Overview, Releases } from './pages/overview.js';
import { Alerts } from './pages/alerts.js';
import { Projects } from './pages/projects.js';
import { Admin, Settings, Tokens } from './pages/settings.js';
import { Llm } from './pages/llm.js';
import { Insights } from './pages/insights.js';

const NAV = [['/issues', 'Issues'], ['/overview', 'Overview'], ['/releases', 'Releases'], ['/insights', 'Insights'],
  ['/llm', 'LLM'], ['/alerts', 'Alerts'], ['/projects', 'Projects'], ['/tokens', 'API tokens']];
// Pages that show one project's data: their URLs carry ?project=<slug>.
const SCOPED = ['', 'issues', 'overview', 'releases', 'insights', 'llm', 'alerts', 'tokens'];

// The theme: the system's (prefers-color-scheme) unless this browser chose one with the toggle.
const THEME_KEY = 'bloop_theme';
const darkQuery = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

function currentTheme() {
  const chosen = localStorage.getItem(THEME_KEY);
  if (chosen === 'dark' || chosen === 'light') return chosen;
  return darkQuery && darkQuery.matches ? 'dark' : 'light';
}

function applyTheme() {
  document.documentElement.dataset.theme = currentTheme();
}
applyTheme();
if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener('change', applyTheme);

function ThemeToggle() {
  const [theme, setTheme] = useState(currentTheme());
  const flip = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    applyTheme();
    setTheme(next);
  };
  return html`<button id="theme-toggle" type="button" onClick=${flip} aria-pressed=${theme === 'dark'}
    title=${`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme (remembered in this browser)`}>${theme === 'dark' ? '☀ Light' : '☾ Dark'}</button>`;
}

function usePath() {
  const current = () => window.location.pathname + window.location.search;
  const [path, setPath] = useState(current());
  useEffect(() => {
    const onPop = () => setPath(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  // replace: the URL changes without a new history entry (the same view, said more exactly).
  const navigate = (to, { replace = false, scroll = true } = {}) => {
    if (to === current()) return;
    window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
    setPath(to);
    if (scroll) window.scrollTo(0, 0);
  };
  return [path, navigate];
}

function remembered(projects) {
  const saved = localStorage.getItem('bloop_project');
  return projects.find((p) => p.id === saved) || projects.find((p) => p.id === 'default') || projects[0] || null;
}

// The project a URL asks for (?project=<slug>, or project_id=<id or slug> of older links): the
// project when the viewer may see it, else `missing` names what was asked for.
function resolveProject(projects, path) {
  const params = new URLSearchParams(path.split('?')[1] || '');
  const wanted = params.get('project') || params.get('project_id');
  if (!wanted) return { project: remembered(projects), missing: null };
  const found = projects.find((p) => p.slug === wanted || p.id === wanted);
  return found ? { project: found, missing: null } : { project: remembered(projects), missing: wanted };
}

function NotFound({ navigate }) {
  useTitle('Not found');
  return html`<section id="not-found"><h2>No such page</h2>
    <p>This address is not a page of bloop's dashboard.</p>
    <p><${Link} to=${link('/issues')} navigate=${navigate}>Go to the issues</${Link}></p></section>`;
}

function MissingProject({ slug, project, navigate }) {
  useTitle('Project not available');
  return html`<section id="missing-project" class="card notice">
    <h2>This link is for another project</h2>
    <p>It points to the project <strong>${slug}</strong>, which does not exist on this server or which you are not a
      member of. Ask an admin to invite you to that project, then open the link again.</p>
    ${project ? html`<p><${Link} to=${link('/issues')} navigate=${navigate}>Go on in ${project.name}</${Link}></p>` : null}
  </section>`;
}

function Page({ route, path, navigate, user, project, projects, reloadProjects, onLogout }) {
  const props = { path, navigate, user, project, projects, reloadProjects, onLogout };
  if (route[0] === 'projects') return html`<${Projects} ...${props} />`;
  if (route[0] === 'admin') return html`<${Admin} ...${props} />`;
  if (route[0] === 'settings') return html`<${Settings} ...${props} />`;
  if (!project) {
    return html`<div class="empty"><h3>No project yet</h3><p>Create a project to start receiving events.</p>
      <${Projects} ...${props} /></div>`;
  }
  const segment = (i) => (route[i] ? decodeURIComponent(route[i]) : null);
  const depth = route[0] === 'llm' ? 3 : ['issues', 'releases', 'alerts'].includes(route[0]) ? 2 : 1;
  if (route.length > depth) return html`<${NotFound} navigate=${navigate} />`;
  switch (route[0] || '') {
    case '':
    case 'issues': return route[1] ? html`<${IssuePage} key=${route[1]} fingerprint=${segment(1)} ...${props} />`
      : html`<${IssueStream} ...${props} />`;
    case 'overview': return html`<${Overview} ...${props} />`;
    case 'releases': return html`<${Releases} release=${segment(1)} ...${props} />`;
    case 'llm': return html`<${Llm} sub=${route[1]} id=${segment(2)} ...${props} />`;
    case 'insights': return html`<${Insights} ...${props} />`;
    case 'alerts': return html`<${Alerts} rule=${segment(1)} ...${props} />`;
    case 'tokens': return html`<${Tokens} ...${props} />`;
    default: return html`<${NotFound} navigate=${navigate} />`;
  }
}

function App() {
  const [path, navigate] = usePath();
  const [status, setStatus] = useState(null);
  const [error, setError] = useState(null);
  const [projects, setProjects] = useState(null);

  const loadStatus = () => api('GET', '/auth/status').then((s) => {
    setCsrfToken(s.csrf_token || null);
    setStatus(s);
  }, setError);
  const reloadProjects = () => api('GET', '/v1/projects').then(setProjects, setError);

  useEffect(() => { loadStatus(); }, []);
  useEffect(() => {
    if (status && status.authenticated) reloadProjects();
  }, [status && status.authenticated]);

  const route = path.split('?')[0].split('/').filter(Boolean);
  const { project, missing } = projects ? resolveProject(projects, path) : { project: null, missing: null };
  // Set before the page renders, so its first request already asks for the right project.
  setProject(project && project.id, project && project.slug);
  const scopedPage = SCOPED.includes(route[0] || '');

  useEffect(() => {
    if (!project) return;
    localStorage.setItem('bloop_project', project.id);
    // Every project page's address names its project, so a copied URL opens the same view for a
    // teammate. Read from the location itself: a page may have just rewritten it.
    const params = new URLSearchParams(window.location.search);
    if (scopedPage && !missing && params.get('project') !== project.slug) {
      params.delete('project_id');
      params.set('project', project.slug);
      navigate(`${window.location.pathname}?${params}`, { replace: true, scroll: false });
    }
  }, [path, project && project.id, missing]);

  if (error && !status) return html`<main><${Problem} error=${error} /></main>`;
  if (!status) return html`<main><${Loading} /></main>`;
  const invite = new URLSearchParams(window.location.search).get('invite');
  const signedIn = () => {
    setProjects(null);
    loadStatus();
  };
  if (!status.authenticated) {
    document.title = 'Sign in · bloop';
    return html`<header><h1>bloop</h1></header><main>
      ${invite ? html`<${Join} token=${invite} onSignedIn=${signedIn} />`
        : !status.setup_complete ? html`<${Setup} onSignedIn=${signedIn} />` : html`<${Login} onSignedIn=${signedIn} />`}
    </main>`;
  }
  // Another project: the same kind of page, without what belonged to the old project (an issue,
  // a release, filters).
  const choose = (id) => {
    const chosen = projects.find((p) => p.id === id);
    localStorage.setItem('bloop_project', id);
    setProject(chosen.id, chosen.slug);
    navigate(scopedPage ? link(`/${route[0] || 'issues'}`) : path.split('?')[0]);
  };
  const logout = async () => {
    await api('POST', '/auth/logout');
    setCsrfToken(null);
    setProjects(null);
    navigate('/');
    loadStatus();
  };
  const here = `/${route[0] || 'issues'}`;
  return html`<header>
      <h1><${Link} to=${link('/issues')} navigate=${navigate}>bloop</${Link}></h1>
      ${projects && projects.length ? html`<select id="project-select" aria-label="Project" value=${project ? project.id : ''}
        onChange=${(e) => choose(e.target.value)}>${projects.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select>` : null}
      <${Link} to="/settings" navigate=${navigate} id="whoami" title="Settings and sign out">${status.user.username}${status.user.is_admin ? ' (admin)' : ''}</${Link}>
      <${ThemeToggle} />
      <button id="logout" type="button" onClick=${logout}>Sign out</button>
      <nav>${[...NAV, ...(status.user.is_admin ? [['/admin', 'Admin']] : [])].map(([href, label]) => html`<${Link}
        to=${SCOPED.includes(href.slice(1)) ? link(href) : href} navigate=${navigate} id=${`nav-${href.slice(1)}`}
        class=${here === href ? 'active' : ''} aria-current=${here === href ? 'page' : undefined}>${label}</${Link}>`)}</nav>
    </header>
    <main>${!projects ? html`<${Loading} />` : missing && scopedPage
      ? html`<${MissingProject} slug=${missing} project=${project} navigate=${navigate} />`
      : html`<${Page} route=${route} path=${path} navigate=${navigate} user=${status.user} project=${project}
        projects=${projects} reloadProjects=${reloadProjects} onLogout=${logout} />`}</main>`;
}

render(html`<${App} />`, document.getElementById('app'));
