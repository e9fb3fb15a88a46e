#!/usr/bin/env bash
# Tests of the Kotlin SDK, for sdks/run-tests.sh: `mvn verify` of this standalone Maven project
# (compile, animal-sniffer against Android API 21, unit + conformance + end-to-end + child-JVM crash
# tests with Surefire, the packaged-jar check with Failsafe). The end-to-end tests start the server jar
# from BLOOP_JAR (default: <repo>/bloop-service/target/bloop-service.jar).
# Exit 77 when java or mvn is missing. When the repository's Maven reactor lists this folder as a
# module (<module>sdks/kotlin</module>) and this script runs inside that Maven build, the reactor has
# already run these tests: it says so and does not run them twice.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "sdks/kotlin: java and mvn are needed (the Kotlin compiler comes from Maven Central); skipped" >&2
  exit 77
fi
if [ -n "${MAVEN_PROJECTBASEDIR:-}" ] && grep -q '<module>sdks/kotlin</module>' "$root/pom.xml" 2>/dev/null; then
  echo "sdks/kotlin: tested by the Maven reactor (module sdks/kotlin), not run again here"
  exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
mvn -B -ntp -f "$here/pom.xml" verify >"$log" 2>&1 || status=$?
# The runners' summaries: Surefire (unit, conformance, e2e, crash) and Failsafe (packaged jar).
grep -E 'Tests run:|FAIL|BUILD (SUCCESS|FAILURE)|\[ERROR\]' "$log" | grep -v '^\[ERROR\] *$' | sed 's/^\[[A-Z]*\] //' | head -200 || true
if [ $status -ne 0 ]; then
  echo "sdks/kotlin: mvn verify failed (exit $status); the end of its log:" >&2
  tail -80 "$log" >&2
fi
exit $status
