# frozen_string_literal: true

$LOAD_PATH.unshift File.expand_path("../lib", __dir__)
$LOAD_PATH.unshift __dir__
require "minitest/autorun"
require "json"
require "logger"
require "openssl"
require "stringio"
require "bloop"
require "support/stand_in"

module TestSupport
  SECRET = "test-secret-0123456789"
  VECTORS_PATH = File.expand_path("../../conformance/vectors.json", __dir__)

  def self.vectors
    @vectors ||= JSON.parse(File.read(VECTORS_PATH, encoding: "UTF-8"))
  end

  def hmac(body, secret = SECRET)
    OpenSSL::HMAC.hexdigest("SHA256", secret.b, body.b)
  end

  # A client for tests: loopback endpoint, no at_exit capture, a logger the test can read.
  def new_client(endpoint, **options)
    @log = StringIO.new
    defaults = {
      endpoint: endpoint, secret: SECRET, environment: "test", release: "1.0.0",
      flush_interval: 0.05, shutdown_timeout: 2.0, request_timeout: 2.0, auto_capture: false,
      backoff_base: 0.05, max_backoff: 0.2, logger: Logger.new(@log, level: Logger::DEBUG)
    }
    client = Bloop::Client.new(**defaults.merge(options))
    (@clients ||= []) << client
    client
  end

  def log_text
    @log.string
  end

  def close_clients
    (@clients || []).each { |c| c.close(0.5) }
  end

  def raise_and_rescue(error)
    raise error
  rescue StandardError => e
    e
  end

  def wait_until(timeout = 5)
    deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
    until yield
      return false if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

      sleep 0.02
    end
    true
  end
end
