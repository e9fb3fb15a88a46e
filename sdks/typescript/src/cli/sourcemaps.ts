/**
 * bloop-sourcemaps: uploads the source maps of a build to bloop, so the JavaScript stacks of that
 * release are shown (and grouped) by their original files, lines and functions.
 *
 *   BLOOP_TOKEN=bloop_tk_... npx bloop-sourcemaps upload --release 1.4.2 dist/
 *
 * Every `*.map` under the given directories is sent to `POST /v1/projects/<slug>/sourcemaps` as
 * multipart `release` + `file`, with the path relative to the directory as its file name (a frame
 * matches a map when its URL path ends with that name minus `.map`). The server keeps one map per
 * (release, file name) and replaces it on a re-upload, so running the command again is safe.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";

const USAGE = `Usage: bloop-sourcemaps upload --release <release> [options] <dir|file.map>...

Uploads every .map file under the given directories (or the given files) for one release.

Options:
  --release <r>     the release the maps belong to (or BLOOP_RELEASE)
  --endpoint <url>  bloop's base URL (or BLOOP_ENDPOINT; default http://localhost:5332)
  --project <slug>  the project's slug (or BLOOP_PROJECT; default "default")
  --prefix <path>   put before each file name, e.g. "static/js/" when dist/ is served there
  --skip-existing   do not re-upload a file name the release already has (needs sourcemaps:read)
  --dry-run         list what would be uploaded, send nothing
  -h, --help        this text

Environment: BLOOP_TOKEN, an API token of the project with scope sourcemaps:write.
Re-running replaces the maps of the same release and file name (the server keeps one of each).`;

interface Args {
  command?: string;
  release?: string;
  endpoint: string;
  project: string;
  prefix: string;
  skipExisting: boolean;
  dryRun: boolean;
  paths: string[];
  help: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  const a: Args = {
    release: env.BLOOP_RELEASE || undefined,
    endpoint: env.BLOOP_ENDPOINT || "http://localhost:5332",
    project: env.BLOOP_PROJECT || "default",
    prefix: "",
    skipExisting: false,
    dryRun: false,
    paths: [],
    help: false,
  };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const take = () => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case "-h":
      case "--help":
        a.help = true;
        break;
      case "--release":
        a.release = take();
        break;
      case "--endpoint":
        a.endpoint = take();
        break;
      case "--project":
        a.project = take();
        break;
      case "--prefix":
        a.prefix = take();
        break;
      case "--skip-existing":
        a.skipExisting = true;
        break;
      case "--dry-run":
        a.dryRun = true;
        break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        if (a.command === undefined) a.command = arg;
        else a.paths.push(arg);
    }
  }
  return a;
}

interface MapFile {
  path: string;
  name: string;
  size: number;
}

function findMaps(paths: string[], prefix: string): MapFile[] {
  const out: MapFile[] = [];
  const cleanPrefix = prefix.replace(/\\/g, "/").replace(/^\/+/, "");
  const add = (path: string, name: string) => {
    out.push({ path, name: cleanPrefix + name.split(sep).join("/"), size: statSync(path).size });
  };
  const walk = (dir: string, root: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(full, root);
      } else if (entry.isFile() && entry.name.endsWith(".map")) {
        add(full, relative(root, full));
      }
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (st.isDirectory()) walk(p, p);
    else if (p.endsWith(".map")) add(p, basename(p));
    else throw new UsageError(`${p} is neither a directory nor a .map file`);
  }
  return out;
}

function kb(n: number): string {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1048576).toFixed(1)} MB`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stored {
  id: number;
  file_name: string;
}

async function listExisting(base: string, token: string, release: string): Promise<Set<string> | undefined> {
  try {
    const res = await fetch(`${base}?release=${encodeURIComponent(release)}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) return undefined;
    const list = (await res.json()) as Stored[];
    return new Set(list.map((m) => m.file_name));
  } catch {
    return undefined;
  }
}

async function uploadOne(base: string, token: string, release: string, file: MapFile): Promise<Stored> {
  const bytes = readFileSync(file.path);
  let lastError = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await sleep(Math.min(8000, 500 * 2 ** attempt));
    const form = new FormData();
    form.append("release", release);
    form.append("file", new Blob([bytes], { type: "application/json" }), file.name);
    let res: Response;
    try {
      res = await fetch(base, { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
    } catch (e) {
      lastError = `network error: ${(e as Error).message}`;
      continue;
    }
    const text = await res.text();
    if (res.status === 201 || res.status === 200) return JSON.parse(text) as Stored;
    let reason = text;
    try {
      const body = JSON.parse(text) as { error?: string; message?: string };
      reason = body.error ?? body.message ?? text;
    } catch {
      // plain text answer
    }
    lastError = `${res.status} ${reason}`.trim();
    if (res.status === 429 || res.status >= 500) {
      const ra = Number(res.headers.get("retry-after"));
      if (ra > 0) await sleep(Math.min(30, ra) * 1000);
      continue;
    }
    break; // 4xx: the same request would fail again
  }
  throw new Error(lastError);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env,
                           out: (line: string) => void = (l) => process.stdout.write(l + "\n"),
                           err: (line: string) => void = (l) => process.stderr.write(l + "\n")): Promise<number> {
  let args: Args;
  let maps: MapFile[];
  try {
    args = parseArgs(argv, env);
    if (args.help) {
      out(USAGE);
      return 0;
    }
    if (args.command !== "upload") throw new UsageError(args.command ? `unknown command ${args.command}` : "missing command");
    if (!args.release) throw new UsageError("--release is required");
    if (!/^https?:\/\//.test(args.endpoint)) throw new UsageError(`--endpoint must be an http(s) URL, got ${args.endpoint}`);
    if (!/^[a-z0-9-]+$/.test(args.project)) throw new UsageError(`--project must be a project slug, got ${args.project}`);
    if (args.paths.length === 0) throw new UsageError("give at least one directory or .map file");
    if (!args.dryRun && !env.BLOOP_TOKEN) throw new UsageError("BLOOP_TOKEN is not set (an API token with scope sourcemaps:write)");
    maps = findMaps(args.paths, args.prefix);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`bloop-sourcemaps: ${e.message}`);
      err("Run bloop-sourcemaps --help for usage.");
      return 2;
    }
    throw e;
  }
  const release = args.release as string;
  if (maps.length === 0) {
    err(`bloop-sourcemaps: no .map files found in ${args.paths.join(", ")}`);
    return 1;
  }
  const base = `${args.endpoint.replace(/\/+$/, "")}/v1/projects/${args.project}/sourcemaps`;
  const token = env.BLOOP_TOKEN ?? "";
  const existing = args.dryRun ? undefined : await listExisting(base, token, release);
  if (args.skipExisting && !existing) {
    err("bloop-sourcemaps: --skip-existing needs a token that may list maps (scope sourcemaps:read)");
    return 2;
  }
  out(`bloop-sourcemaps: ${maps.length} source map${maps.length === 1 ? "" : "s"} for release ${release} → ${base}`);
  let created = 0;
  let replaced = 0;
  let skipped = 0;
  let failed = 0;
  let bytes = 0;
  for (let i = 0; i < maps.length; i++) {
    const m = maps[i];
    const head = `[${i + 1}/${maps.length}] ${m.name} (${kb(m.size)})`;
    if (args.dryRun) {
      out(`${head} would be uploaded`);
      continue;
    }
    if (args.skipExisting && existing && existing.has(m.name)) {
      skipped++;
      out(`${head} skipped: already uploaded`);
      continue;
    }
    try {
      const stored = await uploadOne(base, token, release, m);
      bytes += m.size;
      if (existing && existing.has(m.name)) {
        replaced++;
        out(`${head} replaced (id ${stored.id})`);
      } else {
        created++;
        out(`${head} uploaded (id ${stored.id})`);
      }
    } catch (e) {
      failed++;
      err(`${head} FAILED: ${(e as Error).message}`);
    }
  }
  if (args.dryRun) {
    out(`bloop-sourcemaps: dry run, ${maps.length} would be uploaded`);
    return 0;
  }
  const done = created + replaced;
  const detail = existing ? `${created} new, ${replaced} replaced, ${skipped} skipped` : "new or replaced";
  out(`bloop-sourcemaps: ${done} uploaded (${detail}), ${failed} failed, ${kb(bytes)} for release ${release}`);
  return failed > 0 ? 1 : 0;
}
