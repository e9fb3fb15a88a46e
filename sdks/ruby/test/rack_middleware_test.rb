# frozen_string_literal: true

require_relative "test_helper"
require "rack"
require "rack/test"

class RackMiddlewareTest < Minitest::Test
  include TestSupport
  include Rack::Test::Methods

  # Records captures as a client would receive them.
  class Recorder
    attr_reader :captured

    def initialize
      @captured = []
    end

    def capture_exception(error, **context)
      @captured << [error, context]
      true
    end
  end

  class CheckoutError < StandardError; end

  def setup
    @recorder = Recorder.new
    @options = { client: @recorder }
  end

  def teardown
    close_clients
  end

  def inner_app
    lambda do |env|
      case env["PATH_INFO"]
      when "/boom" then raise CheckoutError, "card declined"
      when "/rescued"
        env["rack.exception"] = CheckoutError.new("rescued by the framework")
        [500, { "content-type" => "text/plain" }, ["oops"]]
      when "/sinatra"
        env["sinatra.route"] = "GET /orders/:id"
        raise CheckoutError, "in a sinatra route"
      when "/not-found" then [404, {}, ["nope"]]
      when "/exit" then raise SystemExit
      else [200, { "content-type" => "text/plain" }, ["ok"]]
      end
    end
  end

  def app
    options = @options
    inner = inner_app
    Rack::Builder.new do
      use Bloop::Rack::Middleware, **options
      run inner
    end
  end

  def test_exception_is_captured_with_route_and_status_then_raised_again
    error = assert_raises(CheckoutError) { get "/boom", {}, "HTTP_X_REQUEST_ID" => "req-7" }
    assert_equal "card declined", error.message
    assert_equal 1, @recorder.captured.size
    captured, context = @recorder.captured.first
    assert_same error, captured
    assert_equal "/boom", context[:route]
    assert_equal 500, context[:http_status]
    assert_equal "req-7", context[:request_id]
    assert_equal({ "method" => "GET", "path" => "/boom" }, context[:metadata])
  end

  def test_mounted_app_route_includes_the_script_name
    assert_raises(CheckoutError) { get "/boom", {}, "SCRIPT_NAME" => "/shop" }
    assert_equal "/shop/boom", @recorder.captured.first[1][:route]
  end

  def test_framework_rescued_exception_with_a_5xx_is_captured
    get "/rescued"
    assert_equal 500, last_response.status
    assert_equal "oops", last_response.body
    assert_equal ["rescued by the framework"], @recorder.captured.map { |e, _| e.message }
  end

  def test_sinatra_route_template_is_the_route
    assert_raises(CheckoutError) { post "/sinatra" }
    assert_equal "/orders/:id", @recorder.captured.first[1][:route]
  end

  def test_successful_and_4xx_responses_are_not_captured
    get "/"
    assert_equal 200, last_response.status
    get "/not-found"
    assert_equal 404, last_response.status
    assert_empty @recorder.captured
  end

  def test_status_for_decides_which_exceptions_are_errors
    @options = { client: @recorder, status_for: ->(e) { e.is_a?(CheckoutError) ? 402 : 500 } }
    assert_raises(CheckoutError) { get "/boom" }
    assert_empty @recorder.captured
  end

  def test_exit_is_not_an_error
    assert_raises(SystemExit) { get "/exit" }
    assert_empty @recorder.captured
  end

  def test_a_failing_client_never_changes_the_response
    broken = Object.new
    def broken.capture_exception(*) = raise("client bug")
    @options = { client: broken }
    assert_raises(CheckoutError) { get "/boom" }
    get "/rescued"
    assert_equal 500, last_response.status
  end

  def test_the_event_on_the_wire_with_the_global_client
    server = StandIn.new
    Bloop.init(endpoint: server.url, secret: SECRET, environment: "test", release: "9.9.9",
               auto_capture: false, logger: Logger.new(StringIO.new))
    @options = {}
    assert_raises(CheckoutError) { get "/boom?card=1", {}, "HTTP_X_REQUEST_ID" => "req-9" }
    assert Bloop.flush(3)
    event = server.events.first
    assert_equal ["RackMiddlewareTest::CheckoutError", "card declined", "/boom", 500, "req-9", "9.9.9"],
                 event.values_at("error_type", "message", "route_or_procedure", "http_status", "request_id", "release")
    assert_match(/rack_middleware_test\.rb:\d+:in /, event["stack"].lines.first)
  ensure
    Bloop.close(1)
    server&.stop
  end
end
