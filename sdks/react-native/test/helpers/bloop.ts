// Starts a real bloop server from the built jar (BLOOP_JAR) on free loopback ports, temp database.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closedPort } from "./standin";

export const repoRoot = join(__dirname, "..", "..", "..", "..");

export interface Bloop {
  url: string;
  secret: string;
  token: string;
  get(path: string): Promise<{ status: number; json: any; headers: Headers }>;
  stop(): Promise<void>;
  log(): string;
}

export function jarPath(): string {
  const jar = process.env.BLOOP_JAR || join(repoRoot, "bloop-service", "target", "bloop-service.jar");
  if (!existsSync(jar)) throw new Error(`bloop jar not found at ${jar}: set BLOOP_JAR or build bloop-service`);
  return jar;
}

export async function startBloop(): Promise<Bloop> {
  const jar = jarPath();
  const dir = mkdtempSync(join(tmpdir(), "bloop-rn-e2e-"));
  const port = await closedPort();
  let adminPort = await closedPort();
  while (adminPort === port) adminPort = await closedPort();
  const secret = "rn-sdk-e2e-secret-0123456789";
  const env = {
    ...process.env,
    BLOOP__SERVER__HOST: "127.0.0.1",
    BLOOP__SERVER__PORT: String(port),
    BLOOP__SERVER__ADMIN_PORT: String(adminPort),
    BLOOP__DATABASE__PATH: join(dir, "bloop.db"),
    BLOOP__AUTH__HMAC_SECRET: secret,
  };
  const config = process.env.BLOOP_CONFIG || join(repoRoot, "config.yml");
  const made = spawnSync("java", ["-XX:TieredStopAtLevel=1", "-jar", jar, "create-token", config, "--name", "rn-sdk-e2e",
    "--project", "default", "--scopes", "errors:read"], { env, encoding: "utf8", timeout: 90000 });
  const token = (made.stdout || "").trim().split("\n").pop() ?? "";
  if (made.status !== 0 || !token.startsWith("bloop_tk_")) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`create-token failed (${made.status}): ${made.stderr}`);
  }
  let output = "";
  const child: ChildProcess = spawn("java", ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar, "server", config],
    { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 15000);
        child.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`bloop exited with ${child.exitCode} while starting:\n${output.slice(-3000)}`);
    }
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`bloop did not start within 120 s:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    secret,
    token,
    log: () => output,
    stop,
    async get(path: string) {
      const res = await fetch(url + path, { headers: { Authorization: `Bearer ${token}` } });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json, headers: res.headers };
    },
  };
}

/** Polls GET /v1/errors until `predicate` holds for the groups. */
export async function waitForGroups(bloop: Bloop, predicate: (groups: any[]) => boolean, timeoutMs = 20000): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  let last: any[] = [];
  for (;;) {
    const res = await bloop.get("/v1/errors?limit=100");
    if (res.status === 200 && Array.isArray(res.json)) {
      last = res.json;
      if (predicate(last)) return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`groups never matched within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
