# frozen_string_literal: true

require "net/http"
require "openssl"
require "time"
require "uri"
require "json"

module Bloop
  # One signed POST of a batch to /v1/ingest/batch, and what the answer means for the batch.
  class Transport
    INGEST_PATH = "/v1/ingest/batch"
    NETWORK_ERRORS = [
      SocketError, SystemCallError, IOError, EOFError, Timeout::Error, OpenSSL::SSL::SSLError,
      Net::HTTPBadResponse, Net::ProtocolError, Zlib::Error
    ].freeze

    # kind: :sent, :refused or :retry; retry_after: seconds the server asked for, or nil (back off).
    Outcome = Struct.new(:kind, :retry_after, :status)

    attr_reader :uri

    def self.sign(secret, body)
      OpenSSL::HMAC.hexdigest("SHA256", secret.to_s.b, body.to_s.b)
    end

    # The request body for serialized events, exactly as signed and sent.
    def self.envelope(events)
      body = +'{"events":['
      events.each_with_index do |event, i|
        body << "," if i.positive?
        body << event
      end
      body << "]}"
    end

    def initialize(config, path = INGEST_PATH)
      @config = config
      base = URI.parse(config.endpoint.to_s)
      @uri = base.dup
      @uri.path = base.path.to_s.chomp("/") + path
      @uri.query = nil
      @warned = {}
    end

    def send_batch(events)
      post(self.class.envelope(events), events.size)
    end

    # Posts +body+ (already serialized), signed. Never raises.
    def post(body, count)
      body = body.b
      request = Net::HTTP::Post.new(@uri.request_uri)
      request["Content-Type"] = "application/json"
      request["User-Agent"] = "bloop-ruby/#{Bloop::VERSION}"
      request["X-Signature"] = self.class.sign(@config.secret, body)
      request["X-Project-Key"] = @config.project_key if @config.project_key
      request.body = body
      response = http.start { |h| h.request(request) }
      outcome_of(response, count)
    rescue *NETWORK_ERRORS => e
      log_once(:network, :warn, "bloop: #{@uri.host}:#{@uri.port} unreachable (#{e.class}: #{e.message}); will retry")
      Outcome.new(:retry, nil, nil)
    rescue StandardError => e
      log_once(:unexpected, :error, "bloop: sending failed (#{e.class}: #{e.message}); will retry")
      Outcome.new(:retry, nil, nil)
    end

    private

    def http
      h = Net::HTTP.new(@uri.host, @uri.port)
      h.use_ssl = @uri.scheme == "https"
      timeout = @config.request_timeout
      h.open_timeout = timeout
      h.read_timeout = timeout
      h.write_timeout = timeout if h.respond_to?(:write_timeout=)
      h.ssl_timeout = timeout if h.use_ssl?
      h.max_retries = 0 if h.respond_to?(:max_retries=)
      h
    end

    def outcome_of(response, count)
      status = response.code.to_i
      case status
      when 200..299
        @warned.delete(:network) # a later outage is worth one more warning
        log_refused_items(response.body)
        Outcome.new(:sent, nil, status)
      when 429, 503
        log_once(status, :warn, "bloop: server answered #{status}; keeping #{count} events for later")
        Outcome.new(:retry, retry_after(response["Retry-After"]), status)
      when 500..599
        log_once(status, :warn, "bloop: server answered #{status}; will retry")
        Outcome.new(:retry, nil, status)
      else
        # 400, 401, 403, 413, a redirect...: the same bytes would be refused again.
        log_once(status, :error, "bloop: server refused #{count} events with #{status}: #{abbreviate(response.body)}")
        Outcome.new(:refused, nil, status)
      end
    end

    # Seconds from a Retry-After header (delta-seconds or an HTTP date); nil when absent or unreadable.
    def retry_after(value)
      return nil if value.nil? || value.strip.empty?
      return [value.strip.to_f, 0.0].max if value.strip.match?(/\A\d+(\.\d+)?\z/)

      [Time.httpdate(value.strip) - Time.now, 0.0].max
    rescue ArgumentError
      nil
    end

    def log_refused_items(body)
      errors = JSON.parse(body.to_s)["errors"]
      return unless errors.is_a?(Array)

      errors.each do |e|
        log_once("item:#{e['error']}", :warn, "bloop: server refused an event: #{e['error']} (#{e['field']})")
      end
    rescue JSON::ParserError, TypeError, NoMethodError
      nil
    end

    # The first time per kind at +level+, later ones at debug: a broken setup is told once, not per batch.
    def log_once(kind, level, message)
      logger = @config.logger
      if @warned.key?(kind)
        logger.debug(message)
      else
        @warned[kind] = true
        logger.public_send(level, message)
      end
    rescue StandardError
      nil
    end

    def abbreviate(text)
      s = text.to_s
      s.length > 300 ? "#{s[0, 300]}..." : s
    end
  end
end
