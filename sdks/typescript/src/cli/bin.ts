#!/usr/bin/env node
// The `bloop-sourcemaps` command; see sourcemaps.ts.
import { main } from "./sourcemaps.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`bloop-sourcemaps: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
