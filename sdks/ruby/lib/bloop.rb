# frozen_string_literal: true

require_relative "bloop/version"
require_relative "bloop/limits"
require_relative "bloop/config"
require_relative "bloop/events"
require_relative "bloop/pending_events"
require_relative "bloop/transport"
require_relative "bloop/client"
require_relative "bloop/rack"
require_relative "bloop/job"

# bloop error reporting for Ruby.
#
#   Bloop.init(endpoint: "https://bloop.example.com", secret: ENV["BLOOP_SECRET"],
#              environment: "production", release: "1.4.2")
#   begin
#     work
#   rescue => e
#     Bloop.capture_exception(e, route: "/checkout")
#   end
module Bloop
  class << self
    # The client made by init (nil before).
    attr_reader :client

    # Makes the global client from keyword options and/or a block that sets them on a Config;
    # a previous global client is closed first. Raises ConfigurationError for an option that cannot
    # work (a capture never raises).
    def init(**options)
      config = Config.new(**options)
      yield config if block_given?
      new_client = Client.new(config)
      previous = @client
      @client = new_client
      previous&.close
      new_client
    end

    def initialized?
      !@client.nil?
    end

    def capture_exception(exception, **context)
      @client ? @client.capture_exception(exception, **context) : false
    end

    def capture_message(type_or_message, message = nil, **context)
      @client ? @client.capture_message(type_or_message, message, **context) : false
    end

    def capture(event)
      @client ? @client.capture(event) : false
    end

    def flush(timeout = nil)
      @client ? @client.flush(timeout) : true
    end

    def close(timeout = nil)
      @client ? @client.close(timeout) : true
    end

    # Runs the block; an exception it raises is reported (with +context+) and raised again.
    def with_error_capture(**context)
      yield
    rescue Exception => e # rubocop:disable Lint/RescueException
      capture_exception(e, **context) unless e.is_a?(SystemExit) || e.is_a?(SignalException)
      raise
    end
  end
end

require_relative "bloop/railtie" if defined?(::Rails::Railtie)
