#!/usr/bin/env bash
# Runs every SDK's tests: each sdks/<language>/test.sh, given BLOOP_JAR (the built server jar, for the
# end-to-end tests against a real bloop). A test.sh exits 0 when its tests pass, 77 when its
# language's toolchain is not installed (a skip, unless BLOOP_REQUIRE_SDK_TOOLCHAINS=1, as in CI),
# anything else on a failure. BLOOP_SDKS=python,ruby runs only those.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
export BLOOP_JAR="${BLOOP_JAR:-$root/bloop-service/target/bloop-service.jar}"
if [ ! -f "$BLOOP_JAR" ]; then
  echo "sdks: the server jar $BLOOP_JAR is missing; build it first (mvn -B package -pl bloop-service -am)" >&2
  exit 1
fi
wanted=",${BLOOP_SDKS:-},"
passed=(); skipped=(); failed=()
for script in "$here"/*/test.sh; do
  [ -f "$script" ] || continue
  name="$(basename "$(dirname "$script")")"
  if [ "$wanted" != ",," ] && [[ "$wanted" != *",$name,"* ]]; then
    continue
  fi
  echo "=== sdks/$name ==="
  start=$SECONDS
  bash "$script"
  rc=$?
  took=$((SECONDS - start))
  if [ $rc -eq 0 ]; then
    passed+=("$name (${took}s)")
  elif [ $rc -eq 77 ] && [ "${BLOOP_REQUIRE_SDK_TOOLCHAINS:-0}" != "1" ]; then
    skipped+=("$name")
  else
    failed+=("$name (exit $rc, ${took}s)")
  fi
done
echo "=== SDK tests: passed: ${passed[*]:-none}; skipped (toolchain missing): ${skipped[*]:-none}; failed: ${failed[*]:-none}"
[ ${#failed[@]} -eq 0 ]
