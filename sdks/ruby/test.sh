#!/usr/bin/env bash
# Runs every test of the Ruby SDK: unit tests (conformance vectors, events, transport with webmock,
# client against a loopback stand-in), Rack middleware and job wrapper (rack-test), crash tests in
# child processes, the end-to-end test against a real bloop (BLOOP_JAR, else
# ../../bloop-service/target/bloop-service.jar) and, in its own process, a real Rails application.
# Exit 77 when Ruby or its test libraries are missing (a failure with BLOOP_REQUIRE_SDK_TOOLCHAINS=1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

require_all="${BLOOP_REQUIRE_SDK_TOOLCHAINS:-0}"
packages="ruby ruby-minitest ruby-webmock ruby-rack ruby-rack-test ruby-railties"
missing() {
  echo "sdks/ruby: $1 (Debian: apt-get install $packages)" >&2
  if [ "$require_all" = "1" ]; then exit 1; fi
  exit 77
}
command -v ruby >/dev/null 2>&1 || missing "ruby is not installed"
ruby -e 'require "minitest"; require "webmock"; require "rack"; require "rack/test"' >/dev/null 2>&1 \
  || missing "minitest, webmock, rack or rack-test cannot be loaded"

# Minitest would load every installed gem's plugin (railties' changes the report); test traffic is
# loopback only, never through a proxy.
export MT_NO_PLUGINS=1
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}" NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
ruby -e 'puts "#{RUBY_DESCRIPTION}; " + %w[minitest webmock rack rack-test].map { |g| "#{g} #{Gem.loaded_specs[g]&.version || Gem::Specification.find_by_name(g).version}" }.join(", ")'

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
echo "--- unit, integration, crash and end-to-end tests"
ruby -Ilib -Itest -e 'Dir["test/*_test.rb"].sort.each { |f| require File.expand_path(f) }' 2>&1 | tee -a "$log" \
  || status=1
echo "--- Rails application test"
if ruby -e 'require "rails"; require "action_controller/railtie"' >/dev/null 2>&1; then
  ruby -Ilib -Itest test/rails/rails_app_test.rb 2>&1 | tee -a "$log" || status=1
else
  echo "sdks/ruby: Rails is not installed (Debian: ruby-railties); the Rails application test did not run" >&2
  if [ "$require_all" = "1" ]; then status=1; fi
fi
summary="$(grep -E '^[0-9]+ runs, ' "$log" | awk '{r+=$1; a+=$3; f+=$5; e+=$7; s+=$9} END {printf "%d runs, %d assertions, %d failures, %d errors, %d skips", r, a, f, e, s}')"
echo "=== sdks/ruby: $summary"
exit $status
