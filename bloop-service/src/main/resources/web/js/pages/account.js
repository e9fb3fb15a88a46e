// Signing up and in with passkeys: first-run setup (with the setup code), invites, login.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { createPasskey, getPasskey } from '../webauthn.js';
import { html, Problem } from '../ui.js';

async function ceremony(kind, startBody, create) {
  const started = await api('POST', `/auth/${kind}/start`, startBody);
  const credential = create ? await createPasskey(started.publicKey) : await getPasskey(started.publicKey);
  return api('POST', `/auth/${kind}/finish`, { challenge_id: started.challenge_id, credential });
}

function explain(e) {
  if (e && e.name === 'NotAllowedError') return new Error('The passkey prompt was cancelled or timed out. Try again.');
  return e;
}

function useSubmit(action) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return [submit, error, busy];
}

export function Setup({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [code, setCode] = useState('');
  const [submit, error, busy] = useSubmit(async () => {
    await ceremony('register', { username, setup_code: code }, true);
    onSignedIn();
  });
  return html`<section id="setup" class="card narrow">
    <h2>Set up bloop</h2>
    <p>This server has no users yet. Copy the one-time setup code from the server log (the line containing
      “setup code”), choose a username, and create the first admin's passkey.</p>
    <${Problem} error=${error} />
    <form onSubmit=${submit}>
      <label>Username <input id="setup-username" autocomplete="username webauthn" required maxlength="64"
        value=${username} onInput=${(e) => setUsername(e.target.value)} /></label>
      <label>Setup code <input id="setup-code" autocomplete="off" required value=${code}
        onInput=${(e) => setCode(e.target.value)} /></label>
      <button id="setup-submit" type="submit" disabled=${busy}>Create admin passkey</button>
    </form>
  </section>`;
}

export function Join({ token, onSignedIn }) {
  const [username, setUsername] = useState('');
  const [submit, error, busy] = useSubmit(async () => {
    await ceremony('invite/register', { username, invite_token: token }, true);
    window.history.replaceState(null, '', '/');
    onSignedIn();
  });
  return html`<section id="invite" class="card narrow">
    <h2>Join bloop</h2>
    <p>You were invited. Choose a username and create your passkey.</p>
    <${Problem} error=${error} />
    <form onSubmit=${submit}>
      <label>Username <input id="invite-username" autocomplete="username webauthn" required maxlength="64"
        value=${username} onInput=${(e) => setUsername(e.target.value)} /></label>
      <button id="invite-submit" type="submit" disabled=${busy}>Create passkey</button>
    </form>
  </section>`;
}

export function Login({ onSignedIn }) {
  const [username, setUsername] = useState('');
  const [submit, error, busy] = useSubmit(async () => {
    const name = username.trim();
    await ceremony('login', name ? { username: name } : {}, false);
    onSignedIn();
  });
  return html`<section id="login" class="card narrow">
    <h2>Sign in</h2>
    <${Problem} error=${error} />
    <form onSubmit=${submit}>
      <label>Username (optional) <input id="login-username" autocomplete="username webauthn" maxlength="64"
        value=${username} onInput=${(e) => setUsername(e.target.value)} /></label>
      <button id="login-submit" type="submit" disabled=${busy}>Sign in with passkey</button>
    </form>
  </section>`;
}
