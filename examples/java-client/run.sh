#!/usr/bin/env bash
# Builds and installs the client, then runs Example.java against a running bloop
# (start one with: bin/bloop server config.yml). Optional: BLOOP_ENDPOINT, BLOOP_SECRET, BLOOP_TOKEN.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -B -q -ntp -DskipTests -pl bloop-client-java -am install
cp_file="$(mktemp)"
mvn -B -q -ntp -pl bloop-client-java dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
classpath="bloop-client-java/target/bloop-client-java-0.1.0-SNAPSHOT.jar:$(cat "$cp_file")"
exec java -cp "$classpath" examples/java-client/Example.java
