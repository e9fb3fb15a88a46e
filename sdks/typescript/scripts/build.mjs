// Builds dist/esm (ES modules) and dist/cjs (CommonJS) with tsc, each with .d.ts declarations.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
for (const project of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, project)], { stdio: "inherit", cwd: root });
}
// The package is "type": "module"; the CommonJS half says so for itself.
mkdirSync(join(root, "dist/cjs"), { recursive: true });
writeFileSync(join(root, "dist/cjs/package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
chmodSync(join(root, "dist/esm/cli/bin.js"), 0o755);
chmodSync(join(root, "dist/cjs/cli/bin.js"), 0o755);
console.log("built dist/esm and dist/cjs");
