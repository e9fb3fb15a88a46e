#!/usr/bin/env bash
# CI gate for the Swift SDK. There is no Swift compiler on this project's machines, so this runs what
# can run without one (README, "What was compiled, and what was checked"):
#   - a tree-sitter syntax check of every .swift file, and its proof on deliberately broken files;
#   - a check that the public API and options in the README are what the sources declare;
#   - the SDK's wire code (Sources/BloopClient/Wire/*.swift) executed from its Swift source by a
#     small interpreter, against sdks/conformance/vectors.json and Node's crypto/JSON;
#   - an end-to-end test: batches made and signed by that wire code, sent to a real bloop (BLOOP_JAR).
# The XCTest suite needs a Swift toolchain: `swift test` on a Mac.
# Exits 77 (skip) without node/npm; otherwise non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "sdks/swift: node and npm are needed for the Swift SDK's checks; skipping" >&2
  exit 77
fi
export BLOOP_JAR="${BLOOP_JAR:-$repo/bloop-service/target/bloop-service.jar}"

cd "$here/tools"
# npm ci from the committed lockfile (pinned web-tree-sitter 0.20.8 + tree-sitter-wasms 0.1.13),
# skipped when node_modules was installed from this very lockfile.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.bloop-lock-sum ] || [ "$(cat node_modules/.bloop-lock-sum)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.bloop-lock-sum
fi

# Node 20+: two files at a time (the end-to-end test mostly waits for the JVM to start) and a
# per-test timeout; Debian's Node 18 runs them one by one.
flags=()
if [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then
  flags=(--test-concurrency=2 --test-timeout=240000)
fi
node --test "${flags[@]}" --test-reporter=tap test/*.test.js
