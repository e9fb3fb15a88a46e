#!/usr/bin/env bash
# The single writer's CPU cost per event by number of distinct issues (flushes of simple events into a
# real SQLite file, timed with the writer thread's CPU clock). Tells how many events per second one
# core of writer can commit, whatever else the machine is doing. Run by hand:
#   bench/writer.sh                 # 100, 1,000 and 10,000 distinct issues, flushes of 2,000
#   USERS=20000 bench/writer.sh     # events carrying one of 20,000 user ids (users affected per issue)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -pl bloop-api,bloop-service -am test-compile >/dev/null
mvn -B -q -ntp -pl bloop-service dependency:build-classpath -Dmdep.outputFile=/tmp/bloop-writer-cp.txt >/dev/null
cp="bloop-service/target/test-classes:bloop-service/target/classes:bloop-api/target/classes:$(cat /tmp/bloop-writer-cp.txt)"
for issues in ${ISSUES:-100 1000 10000}; do
  java -Xmx256m -XX:+UseSerialGC -cp "$cp" dev.bloop.service.pipeline.WriterCpuBench "$issues" "${FLUSHES:-60}" "${PER_FLUSH:-2000}" "${USERS:-0}" 2>/dev/null \
    | grep '^writer'
done
