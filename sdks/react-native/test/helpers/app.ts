// Runs test/crash/app.js (an app on a React Native runtime stand-in) in a child process.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const APP = join(__dirname, "..", "crash", "app.js");

export interface AppRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  ms: number;
}

/** Runs the app in a child process until it ends. */
export function runApp(env: Record<string, string>, timeoutMs = 60000): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [APP], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`app did not end within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (stderr.trim() !== "") process.stderr.write(`[app stderr] ${stderr}\n`);
      resolve({ code, signal, lines: stdout.split("\n").filter((l) => l !== ""), ms: Date.now() - t0 });
    });
  });
}

export function line(run: AppRun, prefix: string): string | undefined {
  const l = run.lines.find((x) => x.startsWith(prefix + " "));
  return l === undefined ? undefined : l.slice(prefix.length + 1);
}

export function storedEvents(file: string): any[] {
  if (!existsSync(file)) return [];
  const items = JSON.parse(readFileSync(file, "utf8"));
  const raw = items["@bloop/unsent-events"];
  return raw ? JSON.parse(raw).events.map((e: any) => JSON.parse(e.json)) : [];
}

