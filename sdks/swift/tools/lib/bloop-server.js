'use strict';
// A real bloop server for the end-to-end test: the built jar, on free loopback ports, with a
// temporary database; killed at the end (also when a test fails).
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const repo = path.resolve(__dirname, '..', '..', '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startBloop({ secret }) {
  const jar = process.env.BLOOP_JAR || path.join(repo, 'bloop-service', 'target', 'bloop-service.jar');
  if (!fs.existsSync(jar)) throw new Error(`the server jar ${jar} is missing: build it or set BLOOP_JAR`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bloop-swift-e2e-'));
  const port = await freePort();
  let adminPort = await freePort();
  while (adminPort === port) adminPort = await freePort();
  const env = {
    ...process.env,
    BLOOP__SERVER__HOST: '127.0.0.1',
    BLOOP__SERVER__ADMIN_HOST: '127.0.0.1',
    BLOOP__SERVER__PORT: String(port),
    BLOOP__SERVER__ADMIN_PORT: String(adminPort),
    BLOOP__DATABASE__PATH: path.join(dir, 'bloop.db'),
    BLOOP__AUTH__HMAC_SECRET: secret,
  };
  const config = path.join(repo, 'config.yml');
  const created = spawnSync('java', ['-jar', jar, 'create-token', config, '--name', 'sdk-e2e', '--project', 'default',
    '--scopes', 'errors:read'], { env, encoding: 'utf8', timeout: 120000 });
  if (created.status !== 0) throw new Error(`create-token failed: ${created.stderr}`);
  const token = created.stdout.trim().split('\n').pop().trim();
  const log = fs.openSync(path.join(dir, 'server.log'), 'w');
  const child = spawn('java', ['-Xmx256m', '-jar', jar, 'server', config], { env, stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      for (let i = 0; i < 100 && exited === null; i++) await sleep(100);
      if (exited === null) child.kill('SIGKILL');
    }
    fs.closeSync(log);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90000;
  for (;;) {
    if (exited !== null) {
      const output = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
      await stop();
      throw new Error(`bloop exited with ${exited}:\n${output.slice(-3000)}`);
    }
    try {
      const res = await fetch(`${base}/health`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('bloop did not answer /health within 90 s');
    }
    await sleep(200);
  }
  return { base, token, stop };
}

module.exports = { startBloop, sleep };
