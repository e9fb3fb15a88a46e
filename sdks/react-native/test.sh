#!/usr/bin/env bash
# Tests of the React Native SDK (@bloop/react-native): tsc against the real react-native types, then
# jest with the real React Native preset — unit tests against loopback stand-ins, the hooks, crash
# persistence, child-process crash tests, the example app, and end-to-end tests against a real bloop
# (BLOOP_JAR). Exit 77 when node/npm (or java) are missing (sdks/run-tests.sh counts it as a skip).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "sdks/react-native: node and npm are required (Node 20)" >&2
  exit 77
fi
if ! command -v java >/dev/null 2>&1; then
  echo "sdks/react-native: java is required for the end-to-end tests against bloop" >&2
  exit 77
fi
repo="$(cd ../.. && pwd)"
export BLOOP_JAR="${BLOOP_JAR:-$repo/bloop-service/target/bloop-service.jar}"
if [ ! -f "$BLOOP_JAR" ]; then
  echo "sdks/react-native: the server jar $BLOOP_JAR is missing (build bloop-service first)" >&2
  exit 1
fi
echo "sdks/react-native: node $(node --version), npm $(npm --version)"
started=$SECONDS

# Installs exact versions from package-lock.json, unless node_modules was installed from this very
# lockfile (the marker is the one sdks/typescript/test.sh uses; a fresh clone always installs).
install() {
  local hash
  hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ "$(cat node_modules/.bloop-lock-sha256 2>/dev/null || true)" != "$hash" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$hash" > node_modules/.bloop-lock-sha256
  fi
}

# The core this SDK is built on: @bloop/sdk from ../typescript (its build output is not committed).
(cd ../typescript && install && npm run --silent build)
install
echo "sdks/react-native: dependencies ready after $((SECONDS - started)) s"

# Types: the SDK, the example and the tests against the real react-native and react types (tsc
# --noEmit); then the CommonJS build (lib/, type-checked again with the stricter unused-locals
# rule) that the child-process tests run.
npx tsc -p tsconfig.test.json --noEmit
rm -rf lib
npx tsc -p tsconfig.build.json
echo "sdks/react-native: type-checked and built after $((SECONDS - started)) s"

mkdir -p .tmp
status=0
npx jest --ci --json --outputFile=.tmp/jest-results.json || status=$?
summary="$(node -e '
  try {
    const r = require("./.tmp/jest-results.json");
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
  } catch (e) {
    console.log("0 passed, 1 failed");
  }')"
echo "sdks/react-native: done in $((SECONDS - started)) s"
echo "react-native: $summary"
case "$summary" in
  *" 0 failed") ;;
  *) status=1 ;;
esac
exit "$status"
