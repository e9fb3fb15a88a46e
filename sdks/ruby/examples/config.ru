# frozen_string_literal: true

# A Rack application reporting its errors: rackup examples/config.ru (with -Ilib and BLOOP_* set as in
# script.rb), then open http://127.0.0.1:9292/orders/42.
require "bloop"

Bloop.init(environment: "example")

use Bloop::Rack::Middleware
run lambda { |env|
  raise ArgumentError, "no such order #{env['PATH_INFO'].split('/').last}" if env["PATH_INFO"].start_with?("/orders/")

  [200, { "content-type" => "text/plain" }, ["ok\n"]]
}
