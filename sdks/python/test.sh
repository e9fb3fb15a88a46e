#!/usr/bin/env bash
# Tests of the Python SDK: unit tests against a loopback stand-in, the shared conformance vectors,
# crash/exit/SIGTERM tests in child processes, and end-to-end tests against a real bloop started from
# BLOOP_JAR (default: <repo>/bloop-service/target/bloop-service.jar), all with the python3 first on
# PATH (standard library only); then the Flask and Django tests with an interpreter that has Debian's
# python3-flask and python3-django (/usr/bin/python3 first).
# Exit 77 when there is no python3; the Flask/Django tests are skipped, with the reason, when no
# interpreter has both, unless BLOOP_REQUIRE_SDK_TOOLCHAINS=1 (CI), where they must run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export PYTHONDONTWRITEBYTECODE=1

if ! command -v python3 >/dev/null 2>&1; then
  echo "sdks/python: no python3 on PATH, skipping" >&2
  exit 77
fi

status=0
echo "--- bloop-sdk: unit, conformance, crash and end-to-end tests ($(python3 --version 2>&1))"
python3 -m unittest discover -s tests -t . -p 'test*.py' || status=1

frameworks_python=""
for candidate in /usr/bin/python3 "$(command -v python3)"; do
  if [ -x "$candidate" ] && "$candidate" -c 'import flask, django' >/dev/null 2>&1; then
    frameworks_python="$candidate"
    break
  fi
done
if [ -n "$frameworks_python" ]; then
  echo "--- bloop-sdk: Flask and Django tests ($frameworks_python, $("$frameworks_python" -c 'import importlib.metadata as m; print("Flask", m.version("flask"), "Django", m.version("django"))'))"
  "$frameworks_python" -m unittest discover -s tests -t . -p '*_test.py' || status=1
elif [ "${BLOOP_REQUIRE_SDK_TOOLCHAINS:-0}" = "1" ]; then
  echo "--- bloop-sdk: Flask and Django tests required, but no python3 has both (apt-get install python3-flask python3-django)" >&2
  fw=/usr/bin/python3
  [ -x "$fw" ] || fw=python3
  "$fw" -m unittest discover -s tests -t . -p '*_test.py' || true
  status=1
else
  echo "--- bloop-sdk: Flask and Django tests SKIPPED: no python3 here has both flask and django (Debian: apt-get install python3-flask python3-django)"
fi

if [ $status -eq 0 ]; then
  echo "--- bloop-sdk: all tests passed"
else
  echo "--- bloop-sdk: FAILED" >&2
fi
exit $status
