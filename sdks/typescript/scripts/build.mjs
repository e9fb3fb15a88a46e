// Builds dist/esm (ES modules, type-checked by tsc, with .d.ts declarations) and dist/cjs (the same
// sources transpiled to CommonJS, with the same declarations). No bundler.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const ts = require("typescript");
const src = join(root, "src");
const esm = join(root, "dist", "esm");
const cjs = join(root, "dist", "cjs");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]);
}

rmSync(join(root, "dist"), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.esm.json")], { stdio: "inherit", cwd: root });

const base = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} }).options;
const options = { ...base, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, noEmit: false, sourceMap: true, declaration: false };
for (const file of files(src).filter((f) => f.endsWith(".ts"))) {
  const rel = relative(src, file);
  const out = join(cjs, rel.replace(/\.ts$/, ".js"));
  mkdirSync(dirname(out), { recursive: true });
  const result = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options, fileName: file });
  writeFileSync(out, result.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${rel.split("/").pop().replace(/\.ts$/, ".js.map")}`));
  const map = JSON.parse(result.sourceMapText);
  map.sources = [relative(dirname(out), file)];
  map.file = out.split("/").pop();
  writeFileSync(out + ".map", JSON.stringify(map));
}
// The same declarations describe both builds.
for (const file of files(esm).filter((f) => f.endsWith(".d.ts") || f.endsWith(".d.ts.map"))) {
  const out = join(cjs, relative(esm, file));
  mkdirSync(dirname(out), { recursive: true });
  copyFileSync(file, out);
}
// The package is "type": "module"; the CommonJS half says so for itself.
writeFileSync(join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }) + "\n");
for (const bin of [join(esm, "cli", "bin.js"), join(cjs, "cli", "bin.js")]) chmodSync(bin, 0o755);
console.log("built dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts)");
