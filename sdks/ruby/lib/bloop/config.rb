# frozen_string_literal: true

require "logger"
require "uri"

module Bloop
  # Raised by Bloop.init / Client.new for an option that cannot work (never by a capture).
  class ConfigurationError < ArgumentError; end

  # The client's options. Every option can be given to Bloop.init as a keyword, or set in its block;
  # endpoint, secret, project_key, environment and release fall back to BLOOP_* environment variables.
  class Config
    SOURCE_PATTERN = /\A[a-z0-9_-]{1,32}\z/.freeze

    DEFAULTS = {
      endpoint: nil,
      secret: nil,
      project_key: nil,
      environment: nil,
      release: nil,
      source: "ruby",
      app_version: nil,
      build_number: nil,
      project_root: :default,
      flush_interval: 2.0,
      max_batch_size: Limits::BATCH_EVENTS,
      max_queue_size: 1000,
      shutdown_timeout: 2.0,
      request_timeout: 5.0,
      auto_capture: true,
      capture_signals: false,
      before_send: nil,
      enabled: true,
      backoff_base: 5.0,
      max_backoff: 300.0,
      default_retry_after: 60.0,
      logger: nil
    }.freeze

    attr_accessor(*(DEFAULTS.keys - [:logger]))
    attr_writer :logger

    def initialize(**options)
      unknown = options.keys - DEFAULTS.keys
      raise ConfigurationError, "unknown bloop option(s): #{unknown.join(', ')}" unless unknown.empty?

      DEFAULTS.each { |key, value| public_send("#{key}=", options.fetch(key, value)) }
      @endpoint ||= ENV["BLOOP_ENDPOINT"]
      @secret ||= ENV["BLOOP_SECRET"]
      @project_key ||= ENV["BLOOP_PROJECT_KEY"]
      @environment ||= ENV["BLOOP_ENVIRONMENT"] || rails_env || ENV["RAILS_ENV"] || ENV["RACK_ENV"] || "development"
      @release ||= ENV["BLOOP_RELEASE"]
      @project_root = default_project_root if @project_root == :default
    end

    # The application's directory without a trailing slash, or nil (a root of "/" strips nothing).
    def project_root_prefix
      root = project_root.to_s.chomp("/")
      root.empty? ? nil : "#{root}/"
    end

    # Raises ConfigurationError naming the first option that cannot work. Called by Client.new.
    def validate!
      return self unless enabled

      uri = begin
        URI.parse(endpoint.to_s)
      rescue URI::InvalidURIError
        nil
      end
      unless uri.is_a?(URI::HTTP) && uri.host && !uri.host.empty?
        raise ConfigurationError, "endpoint must be an http(s) URL (or set BLOOP_ENDPOINT), got #{endpoint.inspect}"
      end

      required_text(:secret, "BLOOP_SECRET")
      required_text(:environment, "BLOOP_ENVIRONMENT")
      required_text(:release, "BLOOP_RELEASE")
      if project_key && project_key.to_s.strip.empty?
        raise ConfigurationError, "project_key must not be empty (leave it unset for the default project)"
      end
      unless source.is_a?(String) && SOURCE_PATTERN.match?(source)
        raise ConfigurationError, "source must match [a-z0-9_-]{1,32}, got #{source.inspect}"
      end
      unless max_batch_size.is_a?(Integer) && max_batch_size.between?(1, Limits::BATCH_EVENTS)
        raise ConfigurationError, "max_batch_size must be an Integer from 1 to #{Limits::BATCH_EVENTS}"
      end
      unless max_queue_size.is_a?(Integer) && max_queue_size >= 1
        raise ConfigurationError, "max_queue_size must be a positive Integer"
      end
      %i[flush_interval shutdown_timeout request_timeout backoff_base max_backoff default_retry_after].each do |key|
        value = public_send(key)
        raise ConfigurationError, "#{key} must be a positive number of seconds" unless value.is_a?(Numeric) && value.positive?
      end
      raise ConfigurationError, "before_send must respond to call" if before_send && !before_send.respond_to?(:call)

      self
    end

    def logger
      @logger ||= Logger.new($stderr, progname: "bloop", level: Logger::WARN)
    end

    private

    def default_project_root
      if defined?(::Rails) && ::Rails.respond_to?(:root) && ::Rails.root
        ::Rails.root.to_s
      else
        Dir.pwd
      end
    rescue StandardError
      nil
    end

    def rails_env
      ::Rails.env.to_s if defined?(::Rails) && ::Rails.respond_to?(:env) && ::Rails.env
    rescue StandardError
      nil
    end

    def required_text(key, env)
      value = public_send(key)
      return if value.is_a?(String) && !value.strip.empty?

      raise ConfigurationError, "#{key} is required (or set #{env})"
    end
  end
end
