// Sign-up, sign-in and the signed-in home: which projects you see, and (for admins) invites.
// Every piece of server data is put on the page as text, never as HTML.
import { api, setCsrfToken } from './api.js';
import { createPasskey, getPasskey } from './webauthn.js';

const $ = (id) => document.getElementById(id);
const sections = ['setup', 'invite', 'login', 'home'];

function show(id) {
  for (const s of sections) $(s).hidden = s !== id;
}

function say(message) {
  $('status-message').textContent = message || '';
}

function inviteToken() {
  return new URLSearchParams(window.location.search).get('invite');
}

async function ceremony(kind, startBody, create) {
  const started = await api('POST', `/auth/${kind}/start`, startBody);
  const credential = create ? await createPasskey(started.publicKey) : await getPasskey(started.publicKey);
  return api('POST', `/auth/${kind}/finish`, { challenge_id: started.challenge_id, credential });
}

async function render() {
  const status = await api('GET', '/auth/status');
  if (status.authenticated) {
    setCsrfToken(status.csrf_token);
    $('whoami').textContent = `${status.user.username}${status.user.is_admin ? ' (admin)' : ''}`;
    $('logout').hidden = false;
    show('home');
    await renderHome(status.user);
    return;
  }
  $('whoami').textContent = '';
  $('logout').hidden = true;
  if (inviteToken()) show('invite');
  else if (!status.setup_complete) show('setup');
  else show('login');
}

async function renderHome(user) {
  const projects = await api('GET', '/v1/projects');
  const list = $('project-list');
  list.replaceChildren();
  const select = $('invite-project');
  select.replaceChildren();
  if (projects.length === 0) {
    const li = document.createElement('li');
    li.textContent = 'You are not a member of any project yet. Create one below, or ask an admin to add you.';
    list.append(li);
  }
  for (const p of projects) {
    const li = document.createElement('li');
    li.dataset.slug = p.slug;
    li.textContent = `${p.name} (${p.slug})`;
    list.append(li);
    const option = document.createElement('option');
    option.value = p.slug;
    option.textContent = p.name;
    select.append(option);
  }
  $('admin').hidden = !user.is_admin;
}

function guarded(handler) {
  return async (event) => {
    event.preventDefault();
    say('');
    try {
      await handler();
    } catch (e) {
      say(e.name === 'NotAllowedError' ? 'The passkey prompt was cancelled or timed out. Try again.' : e.message);
    }
  };
}

$('setup-form').addEventListener('submit', guarded(async () => {
  await ceremony('register', { username: $('setup-username').value, setup_code: $('setup-code').value }, true);
  await render();
}));

$('invite-form').addEventListener('submit', guarded(async () => {
  await ceremony('invite/register', { username: $('invite-username').value, invite_token: inviteToken() }, true);
  window.history.replaceState(null, '', '/');
  await render();
}));

$('login-form').addEventListener('submit', guarded(async () => {
  const username = $('login-username').value.trim();
  await ceremony('login', username ? { username } : {}, false);
  await render();
}));

$('logout').addEventListener('click', guarded(async () => {
  await api('POST', '/auth/logout');
  setCsrfToken(null);
  await render();
}));

$('project-form').addEventListener('submit', guarded(async () => {
  await api('POST', '/v1/projects', { name: $('project-name').value, slug: $('project-slug').value });
  $('project-form').reset();
  await render();
}));

$('invite-create-form').addEventListener('submit', guarded(async () => {
  const invite = await api('POST', '/v1/admin/invites', { project_id: $('invite-project').value });
  $('invite-url').value = invite.url;
}));

render().catch((e) => say(e.message));
