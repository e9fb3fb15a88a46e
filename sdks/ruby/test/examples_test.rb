# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "rbconfig"
require "rack"
require "rack/test"

# The examples in examples/ run as documented.
class ExamplesTest < Minitest::Test
  include TestSupport
  include Rack::Test::Methods

  ROOT = File.expand_path("..", __dir__)

  def setup
    @server = StandIn.new
  end

  def teardown
    Bloop.close(0.5)
    @server.stop
  end

  def test_script_reports_handled_and_uncaught_errors_then_exits_as_ruby_does
    env = { "BLOOP_ENDPOINT" => @server.url, "BLOOP_SECRET" => SECRET, "BLOOP_RELEASE" => "1.0.0" }
    _, err, status = Open3.capture3(env, RbConfig.ruby, "-I#{ROOT}/lib", "#{ROOT}/examples/script.rb")
    assert_equal 1, status.exitstatus
    assert_match(/import failed \(RuntimeError\)/, err)
    events = @server.events
    assert_equal [%w[ArgumentError cli/import], ["ImportWarning", nil], ["RuntimeError", nil]],
                 events.map { |e| e.values_at("error_type", "route_or_procedure") }
    assert(events.all? { |e| e["metadata"]["host"] == "example-host" && e["environment"] == "example" })
  end

  def app
    @app ||= begin
      ENV["BLOOP_ENDPOINT"] = @server.url
      ENV["BLOOP_SECRET"] = SECRET
      ENV["BLOOP_RELEASE"] = "2.0.0"
      Rack::Builder.parse_file(File.join(ROOT, "examples/config.ru")).then { |a| a.is_a?(Array) ? a.first : a }
    ensure
      %w[BLOOP_ENDPOINT BLOOP_SECRET BLOOP_RELEASE].each { |k| ENV.delete(k) }
    end
  end

  def test_rack_example_reports_request_errors
    get "/"
    assert_equal 200, last_response.status
    assert_raises(ArgumentError) { get "/orders/42" }
    assert Bloop.flush(3)
    assert_equal [["ArgumentError", "no such order 42", "/orders/42", 500, "2.0.0"]],
                 @server.events.map { |e| e.values_at("error_type", "message", "route_or_procedure", "http_status", "release") }
  end
end
