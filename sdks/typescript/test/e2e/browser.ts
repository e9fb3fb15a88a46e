// Real headless Chromium against a real bloop: a minified script's errors are captured by the
// browser build, sent cross-origin (CORS) when the page is left, grouped as issues and shown
// source-mapped through the map that bloop-sourcemaps uploaded for the release.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { after, before, describe, it } from "node:test";
import { main as sourcemapsCli } from "../../src/cli/sourcemaps.js";
import { waitForGroups, type Bloop } from "../helpers/bloop.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const distEsm = join(here, "..", "..", "dist", "esm");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const TYPES: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".map": "application/json" };

/** Line (1-based) of the first line of `source` containing `needle`. */
function lineOf(source: string, needle: string): number {
  return source.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

export function browserE2E(server: () => Bloop): void {
  describe("browser build in real Chromium (real bloop, CORS, source maps)", () => {
    let bloop: Bloop;
    let site: Server;
    let siteUrl: string;
    let browser: Browser;
    let root: string;
    const release = `web-${Date.now()}`;
    const source = readFileSync(join(here, "..", "fixtures", "web", "checkout.ts"), "utf8");

    before(async () => {
      bloop = server();
      assert.ok(existsSync(join(distEsm, "browser", "index.js")), "build first (npm run build)");
      // The app's release build: minified, with an external source map.
      root = mkdtempSync(join(tmpdir(), "bloop-web-"));
      mkdirSync(join(root, "assets"));
      const built = transformSync(source, {
        loader: "ts", minify: true, format: "iife", sourcemap: "external", sourcefile: "src/checkout.ts", sourcesContent: true,
      });
      writeFileSync(join(root, "assets", "checkout.min.js"), built.code + "//# sourceMappingURL=checkout.min.js.map\n");
      writeFileSync(join(root, "assets", "checkout.min.js.map"), built.map);
      writeFileSync(join(root, "index.html"), `<!doctype html><html><head><meta charset="utf-8"><title>shop</title></head><body>
<button id="checkout">Checkout</button><button id="quick-buy">Quick buy</button><button id="coupon">Coupon</button>
<script type="module">
  import { init } from "/sdk/browser/index.js";
  window.subtleSigns = 0;
  const sign = crypto.subtle.sign.bind(crypto.subtle);
  crypto.subtle.sign = (...args) => { window.subtleSigns++; return sign(...args); };
  window.bloop = init({ endpoint: ${JSON.stringify(bloop.url)}, secret: ${JSON.stringify(bloop.secret)},
    environment: "browser-e2e", release: ${JSON.stringify(release)}, flushInterval: 60000 });
  const s = document.createElement("script");
  s.src = "/assets/checkout.min.js";
  s.onload = () => { window.appReady = true; };
  document.body.appendChild(s);
</script></body></html>`);
      site = createServer((req, res) => {
        const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
        const file = path === "/" ? join(root, "index.html")
          : path.startsWith("/sdk/") ? join(distEsm, normalize(path.slice(5)))
          : join(root, normalize(path));
        if (!file.startsWith(root) && !file.startsWith(distEsm)) {
          res.writeHead(403).end();
          return;
        }
        try {
          const body = readFileSync(file);
          res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
          res.end(body);
        } catch {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((r) => site.listen(0, "127.0.0.1", r));
      siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync"],
      });
    });
    after(async () => {
      await browser?.close();
      await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it("the release's source map is uploaded with bloop-sourcemaps", async () => {
      const out: string[] = [];
      const code = await sourcemapsCli(["upload", "--release", release, "--endpoint", bloop.url, root],
        { BLOOP_TOKEN: bloop.token }, (l) => out.push(l), (l) => out.push(l));
      assert.equal(code, 0, out.join("\n"));
      assert.match(out.join("\n"), /assets\/checkout\.min\.js\.map .* uploaded/);
    });

    it("thrown errors and rejections are captured, sent when the page is left, grouped and source-mapped", async () => {
      const page = await browser.newPage();
      const consoleLines: string[] = [];
      page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      await page.goto(siteUrl + "/");
      await page.waitForFunction(() => (window as any).appReady === true);
      // A regular send (the timer or flush()) is signed with crypto.subtle.
      const sent = await page.evaluate(async () => {
        const b = (window as any).bloop;
        b.captureMessage("WebCheck", "signed with crypto.subtle");
        const drained = await b.flush(10000);
        return { drained, stats: b.stats(), subtleSigns: (window as any).subtleSigns };
      });
      assert.deepEqual(sent, { drained: true, subtleSigns: 1, stats: { ...sent.stats, sent: 1, refused: 0, pending: 0 } });
      // A tab going hidden sends what is queued at once (nothing waits for the 60 s timer).
      await page.evaluate(() => {
        (window as any).bloop.captureMessage("TabHidden", "sent when the tab was hidden");
        Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await page.waitForFunction(() => (window as any).bloop.stats().sent === 2, undefined, { timeout: 10000 });
      await page.evaluate(() => delete (document as any).visibilityState);
      await page.click("#checkout"); // cartTotal → priceOf throws
      await page.click("#quick-buy"); // quickBuy → priceOf throws: same site, other path
      await page.click("#coupon"); // async redeem → applyCoupon: unhandled rejection
      await page.waitForFunction(() => (window as any).bloop.pendingEvents === 3);
      // Nothing was sent yet (flushInterval 60 s): leaving the page sends it (pagehide, keepalive fetch).
      await page.goto("about:blank");
      await page.close();

      const groups = await waitForGroups(bloop, `?release=${release}`,
        (g) => g.some((x) => x.error_type === "TypeError" && x.total_count === 2) && g.some((x) => x.error_type === "RangeError"), 20000);
      assert.equal(groups.length, 4, JSON.stringify(groups) + consoleLines.join("\n"));
      assert.ok(groups.some((g) => g.error_type === "WebCheck"));
      assert.ok(groups.some((g) => g.error_type === "TabHidden"));
      const typeErr = groups.find((g) => g.error_type === "TypeError");
      assert.equal(typeErr.message, "line item has no price");
      assert.equal(typeErr.source, "web");
      assert.equal(typeErr.total_count, 2, "one throw site from two call paths is one issue");
      assert.deepEqual(typeErr.environments, ["browser-e2e"]);

      const detail = await bloop.get(`/v1/errors/${typeErr.fingerprint}`);
      assert.equal(detail.status, 200);
      const samples = detail.json.samples;
      assert.equal(samples.length, 2);
      const throwLine = lineOf(source, 'throw new TypeError("line item has no price")');
      for (const s of samples) {
        assert.match(s.stack, /^ {4}at \w+ \(http:\/\/127\.0\.0\.1:\d+\/assets\/checkout\.min\.js:1:\d+\)/, "the raw V8 frames as sent");
        assert.equal(s.metadata.mechanism, "onerror");
        assert.equal(s.metadata.url, siteUrl + "/");
        const top = s.deobfuscated_stack[0];
        assert.equal(top.original_file, "src/checkout.ts", JSON.stringify(s.deobfuscated_stack));
        assert.equal(top.original_line, throwLine);
        assert.equal(top.original_function, "priceOf");
        assert.match(top.raw_frame, /checkout\.min\.js:1:\d+/);
      }
      const callers = samples.map((s: any) => s.deobfuscated_stack[1].original_function).sort();
      assert.deepEqual(callers, ["cartTotal", "quickBuy"]);

      const range = groups.find((g) => g.error_type === "RangeError");
      assert.equal(range.message, "coupon has expired");
      const rangeDetail = await bloop.get(`/v1/errors/${range.fingerprint}`);
      const rs = rangeDetail.json.samples[0];
      assert.equal(rs.metadata.mechanism, "onunhandledrejection");
      assert.equal(rs.deobfuscated_stack[0].original_function, "applyCoupon");
      assert.equal(rs.deobfuscated_stack[0].original_line, lineOf(source, 'throw new RangeError("coupon has expired")'));
    });
  });
}
