#!/usr/bin/env bash
# Regenerates the committed fixtures of this folder with a real bundler (esbuild 0.24.0 from npm)
# and a real V8 stack (Node). Run by hand; the tests only read the committed output.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
(cd "$work" && npm init -y >/dev/null && npm install --silent esbuild@0.24.0)
"$work/node_modules/.bin/esbuild" "$here/src/cart.ts" --bundle --minify --sourcemap --platform=node \
  --sources-content=false --outfile="$here/app.min.js"
# The stack a minified bundle produces, as a Node/Chrome (V8) SDK would send it.
(cd "$here" && node app.min.js | sed "s#$here/##" > v8-stack.txt)
