// bloop-sourcemaps against the real server: uploads every .map, progress and summary, idempotent.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/sourcemaps.js";
import type { Bloop } from "../helpers/bloop.js";

function map(file: string): string {
  return JSON.stringify({ version: 3, file, sources: ["src/app.ts"], names: ["run"], mappings: "AAAA,SAASA" });
}

async function cli(args: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env as NodeJS.ProcessEnv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

export function cliE2E(server: () => Bloop): void {
  describe("bloop-sourcemaps upload (real bloop)", () => {
    let bloop: Bloop;
    let dist: string;
    const release = `cli-${Date.now()}`;
    before(() => {
      bloop = server();
      dist = mkdtempSync(join(tmpdir(), "bloop-cli-dist-"));
      mkdirSync(join(dist, "chunks"));
      mkdirSync(join(dist, "node_modules"));
      writeFileSync(join(dist, "app.min.js"), "function run(){}");
      writeFileSync(join(dist, "app.min.js.map"), map("app.min.js"));
      writeFileSync(join(dist, "chunks", "vendor.min.js.map"), map("vendor.min.js"));
      writeFileSync(join(dist, "node_modules", "ignored.js.map"), map("ignored.js"));
    });
    after(() => rmSync(dist, { recursive: true, force: true }));

    it("uploads every .map under the directory with progress and a summary", async () => {
      const r = await cli(["upload", "--release", release, "--endpoint", bloop.url, dist], { BLOOP_TOKEN: bloop.token });
      assert.equal(r.code, 0, r.err.join("\n"));
      assert.match(r.out[0], new RegExp(`2 source maps for release ${release}`));
      assert.match(r.out[1], /^\[1\/2\] app\.min\.js\.map \(\d+ B\) uploaded \(id \d+\)$/);
      assert.match(r.out[2], /^\[2\/2\] chunks\/vendor\.min\.js\.map \(\d+ B\) uploaded \(id \d+\)$/);
      assert.match(r.out[3], /^bloop-sourcemaps: 2 uploaded \(2 new, 0 replaced, 0 skipped\), 0 failed/);
      const list = await bloop.get(`/v1/projects/default/sourcemaps?release=${release}`);
      assert.deepEqual(list.json.map((m: any) => m.file_name).sort(), ["app.min.js.map", "chunks/vendor.min.js.map"]);
    });

    it("is idempotent: running it again replaces the same maps (same ids), --skip-existing skips them", async () => {
      const before = (await bloop.get(`/v1/projects/default/sourcemaps?release=${release}`)).json;
      const again = await cli(["upload", `--release=${release}`, `--endpoint=${bloop.url}`, "--project", "default", dist], { BLOOP_TOKEN: bloop.token });
      assert.equal(again.code, 0, again.err.join("\n"));
      assert.match(again.out[1], /replaced \(id \d+\)$/);
      assert.match(again.out.at(-1)!, /2 uploaded \(0 new, 2 replaced, 0 skipped\), 0 failed/);
      const after = (await bloop.get(`/v1/projects/default/sourcemaps?release=${release}`)).json;
      assert.equal(after.length, 2, "no duplicates");
      assert.deepEqual(after.map((m: any) => m.id).sort(), before.map((m: any) => m.id).sort());
      const skip = await cli(["upload", "--release", release, "--endpoint", bloop.url, "--skip-existing", dist], { BLOOP_TOKEN: bloop.token });
      assert.equal(skip.code, 0);
      assert.match(skip.out.at(-1)!, /0 uploaded \(0 new, 0 replaced, 2 skipped\), 0 failed/);
    });

    it("reports a map the server refuses, a bad token, and usage errors with distinct exit codes", async () => {
      const bad = mkdtempSync(join(tmpdir(), "bloop-cli-bad-"));
      try {
        writeFileSync(join(bad, "broken.js.map"), "{not json");
        const r = await cli(["upload", "--release", release, "--endpoint", bloop.url, bad], { BLOOP_TOKEN: bloop.token });
        assert.equal(r.code, 1);
        assert.match(r.err.join("\n"), /broken\.js\.map .*FAILED: 400 .*invalid source map/);
        assert.match(r.out.at(-1)!, /0 uploaded .*1 failed/);
        const denied = await cli(["upload", "--release", release, "--endpoint", bloop.url, dist], { BLOOP_TOKEN: "bloop_tk_not-a-real-token" });
        assert.equal(denied.code, 1);
        assert.match(denied.err.join("\n"), /FAILED: 401/);
      } finally {
        rmSync(bad, { recursive: true, force: true });
      }
      assert.equal((await cli(["upload", "--release", release, dist], {})).code, 2, "no BLOOP_TOKEN");
      assert.equal((await cli(["upload", dist], { BLOOP_TOKEN: "x" })).code, 2, "no release");
      assert.equal((await cli(["upload", "--release", "1", "/nonexistent-dir"], { BLOOP_TOKEN: "x" })).code, 2);
      const help = await cli(["--help"], {});
      assert.equal(help.code, 0);
      assert.match(help.out[0], /^Usage: bloop-sourcemaps upload --release/);
    });
  });
}
