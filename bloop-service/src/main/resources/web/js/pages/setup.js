// Sending a first event: a snippet for each platform teams ship, filled in with the project's key
// and secret, and a plain word on what a secret inside a shipped app means.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Copy, Empty, html, useLoad } from '../ui.js';

function curl(p, origin) {
  const body = '{"timestamp":1700000000000,"source":"api","environment":"prod","release":"1.0.0","error_type":"TypeError","message":"Cannot read property id of undefined","route_or_procedure":"/api/users"}';
  return `KEY='${p.ingest_key}'\nSECRET='${p.ingest_secret}'\nBODY='${body}'\n`
    + 'SIG=$(printf %s "$BODY" | openssl dgst -sha256 -hmac "$SECRET" | awk \'{print $2}\')\n'
    + `curl -s -X POST ${origin}/v1/ingest -H "Content-Type: application/json" \\\n`
    + '  -H "X-Project-Key: $KEY" -H "X-Signature: $SIG" -d "$BODY"';
}

// One entry per platform: where its SDK lives in bloop's repository (its README has the rest:
// framework integrations, options), how it is installed while no registry has it, and the
// start-up code. None of the SDKs is published yet, so each installs from a checkout of bloop.
const PLATFORMS = [
  { id: 'browser', name: 'Browser JS', sdk: 'sdks/typescript', install: 'npm install /path/to/bloop/sdks/typescript',
    code: (p, o) => `import { init } from "@bloop/sdk/browser";\n\ninit({\n  endpoint: "${o}",\n  projectKey: "${p.ingest_key}",\n  secret: "${p.ingest_secret}", // shipped to every visitor: see below\n  environment: "production",\n  release: "1.0.0",\n});\n// uncaught errors and unhandled rejections are sent from here on` },
  { id: 'node', name: 'Node', sdk: 'sdks/typescript', install: 'npm install /path/to/bloop/sdks/typescript',
    code: (p, o) => `import { init, captureException } from "@bloop/sdk/node";\n\ninit({\n  endpoint: "${o}",\n  projectKey: "${p.ingest_key}",\n  secret: process.env.BLOOP_SECRET, // ${p.ingest_secret}\n  environment: "production",\n  release: "1.0.0",\n});\n\ntry {\n  await checkout(order);\n} catch (err) {\n  captureException(err, { route: "/checkout" });\n}` },
  { id: 'swift', name: 'Swift', sdk: 'sdks/swift', install: '.package(path: "../bloop/sdks/swift"), product "BloopClient"',
    code: (p, o) => `import BloopClient\n\nvar options = BloopOptions(endpoint: URL(string: "${o}")!,\n                           secret: "${p.ingest_secret}",\n                           environment: "production",\n                           release: "1.0.0")\noptions.projectKey = "${p.ingest_key}"\ntry BloopClient.start(options)\n// crashes are kept on the device and sent at the next launch` },
  { id: 'kotlin', name: 'Kotlin', sdk: 'sdks/kotlin', install: 'implementation("dev.bloop:bloop-kotlin:0.1.0")  // mvn -f sdks/kotlin/pom.xml install, then mavenLocal()',
    code: (p, o) => `import dev.bloop.kotlin.Bloop\n\nBloop.init {\n    endpoint = "${o}"\n    projectKey = "${p.ingest_key}"\n    secret = "${p.ingest_secret}"\n    environment = "production"\n    release = "1.0.0"\n}\n\ntry { checkout(order) } catch (e: PaymentException) { Bloop.captureException(e, routeOrProcedure = "/checkout") }` },
  { id: 'python', name: 'Python', sdk: 'sdks/python', install: 'pip install /path/to/bloop/sdks/python',
    code: (p, o) => `import os\nimport bloop\n\nbloop.init(\n    endpoint="${o}",\n    project_key="${p.ingest_key}",\n    secret=os.environ["BLOOP_SECRET"],  # ${p.ingest_secret}\n    environment="production",\n    release="1.0.0",\n)\n\ntry:\n    checkout(order)\nexcept PaymentDeclined as e:\n    bloop.capture_exception(e, route="/checkout")` },
  { id: 'ruby', name: 'Ruby', sdk: 'sdks/ruby', install: 'gem "bloop-sdk", path: "/path/to/bloop/sdks/ruby"  # Gemfile',
    code: (p, o) => `require "bloop"\n\nBloop.init(\n  endpoint: "${o}",\n  project_key: "${p.ingest_key}",\n  secret: ENV.fetch("BLOOP_SECRET"), # ${p.ingest_secret}\n  environment: "production",\n  release: "1.0.0"\n)\n\nbegin\n  checkout(order)\nrescue PaymentError => e\n  Bloop.capture_exception(e, route: "/checkout")\nend` },
  { id: 'java', name: 'Java', sdk: 'bloop-client-java', install: 'dev.bloop:bloop-client-java:0.1.0-SNAPSHOT  // mvn -pl bloop-client-java -am install',
    code: (p, o) => `BloopClient bloop = BloopClient.builder()\n    .endpoint("${o}")\n    .projectKey("${p.ingest_key}")\n    .secret(System.getenv("BLOOP_SECRET"))   // ${p.ingest_secret}\n    .environment("production").release("1.0.0")\n    .captureUncaughtExceptions(true)\n    .build();\n\ntry { checkout(order); }\ncatch (PaymentException e) { bloop.captureException(e); }` },
  { id: 'curl', name: 'curl', sdk: null, install: null, code: curl },
];

export function Snippets({ project, initial = 'curl', id }) {
  const [chosen, setChosen] = useState(initial);
  const platform = PLATFORMS.find((x) => x.id === chosen);
  const origin = window.location.origin;
  const code = platform.code(project, origin);
  return html`<div class="snippets">
    <div class="tabs" role="tablist" aria-label="Platform">${PLATFORMS.map((x) => html`<button type="button" role="tab"
      id=${`platform-${x.id}`} aria-selected=${x.id === chosen} class=${x.id === chosen ? 'on' : ''}
      onClick=${() => setChosen(x.id)}>${x.name}</button>`)}</div>
    <div role="tabpanel" class="snippet">
      ${platform.install ? html`<p class="small"><span class="muted">Install:</span> <code>${platform.install}</code>
        ${platform.sdk ? html`<span class="muted"> · SDK and its README: <code>${platform.sdk}/</code> in bloop's repository</span>` : null}</p>` : null}
      ${platform.id === 'curl' ? html`<p class="small muted">Signs one event with the project's secret and sends it; works as it is.</p>` : null}
      <pre class="stack" id=${id}>${code}</pre>
      <${Copy} text=${code} label="Copy" />
    </div>
    <div class="notice card small" id="secret-warning"><strong>The secret in a shipped app is public.</strong> Anything
      that runs on your users' devices (a web page, an iOS or Android app) can be read by anyone, and with it the
      secret: whoever extracts it can send events to this project (never read them). What protects the project is
      not the secret but its limits: per-project ingest quotas and inbound filters (allowed releases and
      environments, maximum event age), and an admin can rotate the key. Keep the secret of server code in an
      environment variable.</div>
  </div>`;
}

export function FirstEvent({ project }) {
  const [details] = useLoad(() => (project ? api('GET', `/v1/projects/${encodeURIComponent(project.slug)}`) : Promise.resolve(null)),
    [project && project.slug]);
  return html`<${Empty} title="No issues yet" id="first-event">
    <p>Send a first event to ${project ? project.name : 'this project'}; it shows up here within a couple of seconds.</p>
    ${details ? html`<${Snippets} project=${details} id="first-event-snippet" />` : null}
  </${Empty}>`;
}
