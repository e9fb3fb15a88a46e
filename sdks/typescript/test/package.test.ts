// The package as users (and the React Native SDK) get it: npm pack, install into an empty app,
// then require/import every entry point, run the bin, and type-check imports through "exports".
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let work: string;
let app: string;
let files: string[];

function node(args: string[], cwd = app): string {
  return execFileSync(process.execPath, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

before(() => {
  work = mkdtempSync(join(tmpdir(), "bloop-pack-"));
  const packed = JSON.parse(execFileSync(npm, ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  files = packed[0].files.map((f: { path: string }) => f.path);
  app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, version: "1.0.0" }));
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--offline", "--ignore-scripts", "--loglevel=error", join(work, packed[0].filename)],
    { cwd: app, stdio: ["ignore", "pipe", "pipe"] });
});
after(() => rmSync(work, { recursive: true, force: true }));

describe("the published package", () => {
  it("ships the builds, declarations, docs and license, and nothing else", () => {
    for (const f of ["dist/esm/index.js", "dist/esm/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/cjs/package.json",
      "dist/esm/node/index.js", "dist/esm/browser/index.js", "dist/esm/openai.js", "dist/esm/cli/bin.js", "README.md", "CORE.md", "LICENSE", "package.json"]) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    assert.deepEqual(files.filter((f) => !f.startsWith("dist/") && !["README.md", "CORE.md", "LICENSE", "package.json"].includes(f)), []);
  });

  it("has no runtime dependencies", () => {
    const pkg = createRequire(import.meta.url)("../package.json");
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.peerDependencies, undefined);
  });

  it("require() and import resolve every entry point to the right build", () => {
    const cjs = node(["-e", `
      const core = require("@bloop/sdk"), n = require("@bloop/sdk/node"), b = require("@bloop/sdk/browser"), o = require("@bloop/sdk/openai");
      console.log([typeof core.BloopClient, typeof n.init, typeof b.init, typeof o.wrapOpenAI, require.resolve("@bloop/sdk")].join(" "));`]);
    assert.match(cjs.trim(), /^function function function function .*node_modules\/@bloop\/sdk\/dist\/cjs\/index\.js$/);
    const esm = node(["--input-type=module", "-e", `
      import { BloopClient } from "@bloop/sdk"; import { init } from "@bloop/sdk/node";
      import { init as web } from "@bloop/sdk/browser"; import { wrapOpenAI } from "@bloop/sdk/openai";
      console.log([typeof BloopClient, typeof init, typeof web, typeof wrapOpenAI, import.meta.resolve("@bloop/sdk")].join(" "));`]);
    assert.match(esm.trim(), /^function function function function file:.*node_modules\/@bloop\/sdk\/dist\/esm\/index\.js$/);
    // The core entry loads no Node built-in (React Native and browsers reuse it).
    const loaded = node(["-e", `
      const Module = require("module"); const seen = []; const orig = Module._load;
      Module._load = function (r, ...a) { if (r.startsWith("node:") || Module.builtinModules.includes(r)) seen.push(r); return orig.call(this, r, ...a); };
      require("@bloop/sdk"); console.log(JSON.stringify(seen));`]);
    assert.equal(loaded.trim(), "[]");
  });

  it("installs the bloop-sourcemaps command", () => {
    const out = execFileSync(join(app, "node_modules", ".bin", "bloop-sourcemaps"), ["--help"], { encoding: "utf8" });
    assert.match(out, /^Usage: bloop-sourcemaps upload --release/);
  });

  it("its types resolve through exports for ESM and CommonJS consumers (moduleResolution node16)", () => {
    writeFileSync(join(app, "esm.mts"), `import { init, type NodeOptions } from "@bloop/sdk/node";
import { BloopClient, type Integration } from "@bloop/sdk";
const o: NodeOptions = { endpoint: "http://x", secret: "s", environment: "e", release: "r" };
const c: BloopClient = init(o);
const i: Integration = { name: "x", setup: () => () => undefined };
c.addIntegration(i);
`);
    writeFileSync(join(app, "cjs.cts"), `import { init } from "@bloop/sdk/browser";
import { wrapOpenAI } from "@bloop/sdk/openai";
export const c = init({ endpoint: "http://x", secret: "s", environment: "e", release: "r" });
export const w: { chat: object } = wrapOpenAI({ chat: {} });
`);
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    node([tsc, "--noEmit", "--strict", "--module", "node16", "--moduleResolution", "node16", "--target", "es2020", "--skipLibCheck",
      "--types", "node", "--typeRoots", join(pkgDir, "node_modules", "@types"), "esm.mts", "cjs.cts"]);
  });
});
