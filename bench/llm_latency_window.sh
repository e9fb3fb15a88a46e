#!/usr/bin/env bash
# The CPU cost of GET /v1/llm/latency over a day of busy hours: the first read (which reads every
# hour and keeps the settled ones) and the reads after it (which read only the live hour). Rows are
# written straight into a real SQLite file, so the window can span hours that the ingest API would
# take a day to fill. Run by hand:
#   bench/llm_latency_window.sh          # HOURS=24 MODELS=4 VALUES=10000 REPEAT=50
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -ntp -pl bloop-api,bloop-service -am test-compile >/dev/null
mvn -B -q -ntp -pl bloop-service dependency:build-classpath -Dmdep.outputFile=/tmp/bloop-latency-cp.txt >/dev/null
cp="bloop-service/target/test-classes:bloop-service/target/classes:bloop-api/target/classes:$(cat /tmp/bloop-latency-cp.txt)"
java -Xmx256m -XX:+UseSerialGC -cp "$cp" dev.bloop.service.llm.LatencyWindowBench "${HOURS:-24}" "${MODELS:-4}" \
  "${VALUES:-10000}" "${REPEAT:-50}" 2>/dev/null | grep '^latency_window'
