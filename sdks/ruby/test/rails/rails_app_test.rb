# frozen_string_literal: true

# A real (minimal) Rails application with the railtie, driven by rack-test. Runs in its own process
# (test.sh), because a Rails application is global to the process. Needs Debian's ruby-railties.
require "rails"
require "action_controller/railtie"
require_relative "../test_helper" # requires bloop after Rails: the railtie loads by itself
require "rack/test"

class PaymentError < StandardError; end

class BloopRailsTestApp < Rails::Application
  config.root = __dir__
  config.eager_load = false
  config.logger = Logger.new(nil)
  config.secret_key_base = "0" * 64
  config.hosts.clear if config.respond_to?(:hosts)
  config.action_dispatch.show_exceptions = true
  config.consider_all_requests_local = false
  routes.append do
    get "/orders/:id" => "orders#show"
    get "/missing" => "orders#missing"
    get "/fine" => "orders#fine"
  end
end

class OrdersController < ActionController::Base
  def show
    raise PaymentError, "card declined for order #{params[:id]}"
  end

  def missing
    raise ActionController::RoutingError, "no such order"
  end

  def fine
    render plain: "fine"
  end
end

BloopRailsTestApp.initialize!

class RailsAppTest < Minitest::Test
  include TestSupport
  include Rack::Test::Methods

  def app
    Rails.application
  end

  def setup
    @server = StandIn.new
    Bloop.init(endpoint: @server.url, secret: SECRET, release: "4.5.6", auto_capture: false,
               flush_interval: 0.05, logger: Logger.new(StringIO.new))
    Rails.application.env_config["action_dispatch.show_detailed_exceptions"] = false
  end

  def teardown
    Bloop.close(1)
    @server.stop
  end

  def test_railtie_loaded_and_middleware_sits_inside_show_exceptions
    assert defined?(Bloop::Railtie)
    stack = Rails.application.middleware.middlewares.map(&:klass)
    at = stack.index(Bloop::Rack::Middleware)
    refute_nil at, stack.inspect
    assert_equal stack.index(ActionDispatch::ShowExceptions) + 1, at
  end

  def test_controller_exception_is_reported_and_rails_still_renders_its_error_page
    get "/orders/42"
    assert_equal 500, last_response.status
    assert Bloop.flush(3)
    event = @server.events.first
    assert_equal ["PaymentError", "card declined for order 42", "orders#show", 500, "4.5.6", Rails.env.to_s, "ruby"],
                 event.values_at("error_type", "message", "route_or_procedure", "http_status", "release",
                                 "environment", "source")
    assert_match(/rails_app_test\.rb:\d+:in .(?:OrdersController#)?show'/, event["stack"].lines.first)
    refute_nil event["request_id"] # ActionDispatch::RequestId's
  end

  def test_exceptions_rails_answers_with_a_4xx_are_not_reported
    get "/missing"
    assert_equal 404, last_response.status
    get "/fine"
    assert_equal "fine", last_response.body
    assert Bloop.flush(1)
    assert_empty @server.requests
  end

  def test_exception_rendered_by_debug_exceptions_is_reported
    Rails.application.env_config["action_dispatch.show_detailed_exceptions"] = true
    get "/orders/7"
    assert_equal 500, last_response.status
    assert_includes last_response.body, "card declined for order 7" # the debug page
    assert Bloop.flush(3)
    assert_equal [["PaymentError", "orders#show"]], @server.events.map { |e| e.values_at("error_type", "route_or_procedure") }
  end

  # Rails 7+'s error reporter; Debian 12 ships Rails 6.1, so Rails.error is stood in for here.
  def test_rails_error_reporter_subscription
    reporter = Class.new do
      attr_reader :subscribers

      def initialize
        @subscribers = []
      end

      def subscribe(subscriber)
        @subscribers << subscriber
      end
    end.new
    Rails.define_singleton_method(:error) { reporter }
    Bloop::Railtie.subscribe_error_reporter
    Bloop::Railtie.subscribe_error_reporter
    assert_equal 1, reporter.subscribers.size
    error = raise_and_rescue(PaymentError.new("handled one"))
    reporter.subscribers.first.report(error, handled: true, severity: :warning, context: { "order" => 1 },
                                             source: "application")
    reporter.subscribers.first.report(PaymentError.new("info only"), handled: true, severity: :info, context: {})
    assert Bloop.flush(3)
    event = @server.events.first
    assert_equal "handled one", event["message"]
    assert_equal({ "handled" => true, "severity" => "warning", "rails_source" => "application",
                   "context" => { "order" => 1 } }, event["metadata"])
    assert_equal 1, @server.events.size
  ensure
    Rails.singleton_class.send(:remove_method, :error) if Rails.singleton_class.method_defined?(:error)
  end
end
