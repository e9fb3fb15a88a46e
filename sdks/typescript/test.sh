#!/usr/bin/env bash
# Tests of the TypeScript SDK (@bloop/sdk): unit tests against loopback stand-ins, crash/exit tests
# in child processes, the packed package, and end-to-end tests against a real bloop (BLOOP_JAR) with
# real headless Chromium. Exit 77 when node/npm are missing (sdks/run-tests.sh counts it as a skip).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "sdks/typescript: node and npm are required (Node 18+; tests use Node 20)" >&2
  exit 77
fi
if ! command -v java >/dev/null 2>&1; then
  echo "sdks/typescript: java is required for the end-to-end tests against bloop" >&2
  exit 77
fi
repo="$(cd ../.. && pwd)"
export BLOOP_JAR="${BLOOP_JAR:-$repo/bloop-service/target/bloop-service.jar}"
if [ ! -f "$BLOOP_JAR" ]; then
  echo "sdks/typescript: the server jar $BLOOP_JAR is missing (build bloop-service first)" >&2
  exit 1
fi
if [ -z "${CHROMIUM_PATH:-}" ]; then
  CHROMIUM_PATH="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$CHROMIUM_PATH" ]; then
  echo "sdks/typescript: chromium is required for the browser test (apt-get install chromium)" >&2
  exit 1
fi
export CHROMIUM_PATH

echo "sdks/typescript: node $(node --version), npm $(npm --version)"
# Exact dev dependencies from package-lock.json; skipped when node_modules was installed from this
# very lockfile (a fresh clone, as in CI, always installs).
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.bloop-lock-sha256 2>/dev/null || true)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.bloop-lock-sha256
fi
npm run --silent build
# One file at a time (the machine is small). The spec reporter shows each test; the TAP copy gives
# the closing "N passed, N failed" line.
tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
status=0
concurrency=()
if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then concurrency=(--test-concurrency=1); fi
node --import tsx --test "${concurrency[@]}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  test/*.test.ts || status=$?
pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -1)"
fail="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -1)"
echo "typescript: ${pass:-0} passed, ${fail:-0} failed"
if [ "$status" -eq 0 ] && [ "${fail:-1}" != "0" ]; then status=1; fi
exit "$status"
