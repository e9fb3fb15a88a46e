# frozen_string_literal: true

module Bloop
  module Rack
    # Rack middleware: reports an exception raised by the app below it (with the request's route,
    # method, status and request id) and raises it again, so error pages and logging are unchanged.
    # It also reports an exception a framework rescued and turned into a 5xx response
    # (env["rack.exception"], env["sinatra.error"], Rails' DebugExceptions via the railtie).
    #
    #   use Bloop::Rack::Middleware                      # config.ru, Sinatra, Hanami...
    #   use Bloop::Rack::Middleware, client: my_client   # a client other than Bloop.init's
    #
    # Exceptions whose response is not a 5xx (Rails maps ActionController::RoutingError to 404,
    # ActiveRecord::RecordNotFound to 404, ...) are not reported; status_for: overrides the mapping.
    class Middleware
      RESCUED_KEYS = %w[bloop.rescued_exception rack.exception sinatra.error].freeze

      def initialize(app, client: nil, status_for: nil)
        @app = app
        @client = client
        @status_for = status_for
      end

      def call(env)
        response = @app.call(env)
        report_rescued(env, response)
        response
      rescue Exception => e # rubocop:disable Lint/RescueException
        report(e, env, status_for(e)) unless e.is_a?(SignalException) || e.is_a?(SystemExit)
        raise
      end

      private

      def report_rescued(env, response)
        status = response.is_a?(Array) ? response[0].to_i : 0
        return unless status >= 500

        RESCUED_KEYS.each do |key|
          error = env[key]
          return report(error, env, status) if error.is_a?(Exception)
        end
      rescue StandardError
        nil
      end

      def report(error, env, status)
        return unless status >= 500

        client = @client || Bloop
        client.capture_exception(error, **Rack.context(env, status))
      rescue StandardError
        nil
      end

      def status_for(error)
        return @status_for.call(error).to_i if @status_for
        if defined?(::ActionDispatch::ExceptionWrapper) &&
           ::ActionDispatch::ExceptionWrapper.respond_to?(:status_code_for_exception)
          return ::ActionDispatch::ExceptionWrapper.status_code_for_exception(error.class.name).to_i
        end

        500
      rescue StandardError
        500
      end
    end

    module_function

    # Event fields for a request: route (the route template or controller#action when the framework
    # knows it, else the path), http_status, request_id, and method/path in metadata.
    def context(env, status)
      path = "#{env['SCRIPT_NAME']}#{env['PATH_INFO']}"
      path = "/" if path.empty?
      request_id = env["action_dispatch.request_id"] || env["HTTP_X_REQUEST_ID"]
      {
        route: route_of(env, path),
        http_status: status,
        request_id: request_id,
        metadata: { "method" => env["REQUEST_METHOD"], "path" => path }
      }.reject { |_, v| v.nil? }
    end

    def route_of(env, path)
      pattern = env["action_dispatch.route_uri_pattern"]
      return pattern.to_s.sub(/\(\.:format\)\z/, "") if pattern

      params = env["action_dispatch.request.path_parameters"]
      if params.is_a?(Hash) && (params[:controller] || params["controller"])
        return "#{params[:controller] || params['controller']}##{params[:action] || params['action']}"
      end

      sinatra = env["sinatra.route"]
      return sinatra.to_s.sub(/\A[A-Z]+ /, "") if sinatra

      path
    end
  end
end
