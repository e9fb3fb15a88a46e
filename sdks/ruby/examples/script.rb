# frozen_string_literal: true

# A plain Ruby program reporting to bloop. Against a local bloop started with the shipped config.yml:
#
#   BLOOP_ENDPOINT=http://127.0.0.1:5332 BLOOP_SECRET=change-me-in-production BLOOP_RELEASE=1.0.0 \
#     ruby -Ilib examples/script.rb
#
# It reports a handled error, then ends with an uncaught one: the at_exit hook reports that too, sends
# both, and the program still ends as Ruby ends it (exit 1, the error printed on stderr).
require "bloop"

Bloop.init(environment: ENV.fetch("BLOOP_ENVIRONMENT", "example")) do |config|
  config.before_send = lambda do |event|
    event["metadata"] = (event["metadata"] || {}).merge("host" => "example-host")
    event
  end
end

def parse_quantity(text)
  Integer(text)
end

begin
  parse_quantity("three")
rescue ArgumentError => e
  Bloop.capture_exception(e, route: "cli/import", metadata: { "line" => 12 })
end

Bloop.capture_message("ImportWarning", "3 rows skipped")

raise "import failed" if ENV["EXAMPLE_CRASH"] != "0"
