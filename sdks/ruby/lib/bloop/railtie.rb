# frozen_string_literal: true

require "bloop" unless defined?(Bloop::Client)

module Bloop
  # Loaded when Rails is (require "bloop-sdk" after Rails, as Bundler.require does). It adds
  # Bloop::Rack::Middleware inside ActionDispatch::ShowExceptions (so it sees an exception before
  # Rails turns it into an error page), records the exceptions DebugExceptions renders, and on
  # Rails 7+ subscribes to Rails.error. Call Bloop.init in config/initializers/bloop.rb.
  class Railtie < ::Rails::Railtie
    # DebugExceptions renders an exception itself when detailed exceptions are shown: keep it in the
    # request env for the middleware, which reports it with the 500 response.
    INTERCEPTOR = lambda do |request, exception|
      request.set_header("bloop.rescued_exception", exception) if request.respond_to?(:set_header)
    end

    # Receives Rails.error reports (Rails 7+: Rails.error.report / handle / record).
    class ErrorSubscriber
      def report(error, handled: true, severity: :error, context: {}, source: nil)
        return if severity.to_s == "info"

        metadata = { "handled" => handled, "severity" => severity.to_s, "rails_source" => source }
        metadata["context"] = context if context.is_a?(Hash) && !context.empty?
        Bloop.capture_exception(error, metadata: metadata.reject { |_, v| v.nil? })
      rescue StandardError
        nil
      end
    end

    initializer "bloop.middleware" do |app|
      Railtie.insert_middleware(app.config.middleware)
    end

    initializer "bloop.debug_exceptions" do
      Railtie.register_interceptor
    end

    config.after_initialize do
      Railtie.subscribe_error_reporter
    end

    def self.insert_middleware(stack)
      if defined?(::ActionDispatch::ShowExceptions)
        stack.insert_after(::ActionDispatch::ShowExceptions, Bloop::Rack::Middleware)
      else
        stack.use(Bloop::Rack::Middleware)
      end
    end

    def self.register_interceptor
      return unless defined?(::ActionDispatch::DebugExceptions)
      return unless ::ActionDispatch::DebugExceptions.respond_to?(:register_interceptor)
      return if @interceptor_registered

      ::ActionDispatch::DebugExceptions.register_interceptor(INTERCEPTOR)
      @interceptor_registered = true
    end

    def self.subscribe_error_reporter
      return unless ::Rails.respond_to?(:error) && ::Rails.error.respond_to?(:subscribe)
      return if @subscribed

      ::Rails.error.subscribe(ErrorSubscriber.new)
      @subscribed = true
    end
  end
end
