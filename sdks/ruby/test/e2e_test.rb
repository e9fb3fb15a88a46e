# frozen_string_literal: true

require_relative "test_helper"
require "fileutils"
require "net/http"
require "open3"
require "rbconfig"
require "tmpdir"
require "rack"
require "rack/test"
require "fixtures/shop"

# Against a real bloop started from the built jar (BLOOP_JAR, else bloop-service/target/), on free
# loopback ports with a temporary database: real Ruby errors arrive as issues, grouped as the server
# groups them.
class E2ETest < Minitest::Test
  include TestSupport
  include Rack::Test::Methods

  REPO = File.expand_path("../../..", __dir__)
  E2E_SECRET = "ruby-e2e-hmac-secret-0123456789"
  # A short-lived test server: C1 only and the serial collector start faster on a small machine.
  JVM_FLAGS = %w[-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto].freeze

  # One server for the whole class, stopped when the run ends (also on failure).
  class Server
    attr_reader :url, :token, :log_path

    def initialize
      jar = ENV["BLOOP_JAR"].to_s.empty? ? File.join(REPO, "bloop-service/target/bloop-service.jar") : ENV["BLOOP_JAR"]
      raise "the server jar #{jar} is missing: build it (mvn -B package -pl bloop-service -am) or set BLOOP_JAR" unless File.file?(jar)

      @dir = Dir.mktmpdir("bloop-ruby-e2e")
      @log_path = File.join(@dir, "server.log")
      port = free_port
      admin = free_port
      env = {
        "BLOOP__SERVER__PORT" => port.to_s, "BLOOP__SERVER__ADMIN_PORT" => admin.to_s,
        "BLOOP__DATABASE__PATH" => File.join(@dir, "bloop.db"), "BLOOP__AUTH__HMAC_SECRET" => E2E_SECRET
      }
      config = File.join(REPO, "config.yml")
      out, err, status = Open3.capture3(env, "java", *JVM_FLAGS, "-jar", jar, "create-token", config, "--name", "sdk-e2e",
                                        "--project", "default", "--scopes", "errors:read")
      raise "create-token failed: #{err[-2000..] || err}" unless status.success?

      @token = out.strip.lines.last.to_s.strip
      @url = "http://127.0.0.1:#{port}"
      @pid = Process.spawn(env, "java", *JVM_FLAGS, "-Xmx256m", "-jar", jar, "server", config,
                           out: @log_path, err: @log_path, pgroup: true)
      wait_healthy
    end

    def get_json(path)
      uri = URI("#{@url}#{path}")
      request = Net::HTTP::Get.new(uri)
      request["Authorization"] = "Bearer #{@token}"
      response = Net::HTTP.start(uri.host, uri.port, open_timeout: 5, read_timeout: 10) { |h| h.request(request) }
      raise "GET #{path}: #{response.code} #{response.body}" unless response.code == "200"

      JSON.parse(response.body)
    end

    # The stored events of a group (the detail's samples are thinned: one per group per interval).
    def occurrences(fingerprint, environment)
      get_json("/v1/errors/#{fingerprint}/occurrences?limit=200").select { |e| e["environment"] == environment }
    end

    # Polls the issue list of one environment (each test sends to its own) until the block accepts
    # it, or fails after +timeout+ seconds.
    def wait_for_groups(environment, timeout = 30)
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + timeout
      loop do
        groups = get_json("/v1/errors?limit=200&environment=#{environment}")
        return groups if yield(groups)
        raise "groups never matched; last: #{JSON.pretty_generate(groups)}" if Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline

        sleep 0.3
      end
    end

    def stop
      return unless @pid

      Process.kill("TERM", -@pid)
      waited = Process.clock_gettime(Process::CLOCK_MONOTONIC)
      until Process.wait(@pid, Process::WNOHANG)
        if Process.clock_gettime(Process::CLOCK_MONOTONIC) - waited > 15
          Process.kill("KILL", -@pid)
          Process.wait(@pid)
          break
        end
        sleep 0.1
      end
      @pid = nil
      FileUtils.rm_rf(@dir)
    rescue Errno::ESRCH, Errno::ECHILD
      @pid = nil
    end

    private

    def free_port
      TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] }
    end

    def wait_healthy
      deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + 90
      loop do
        begin
          response = Net::HTTP.get_response(URI("#{@url}/health"))
          return if response.code == "200"
        rescue SystemCallError, IOError, Net::ReadTimeout
          nil
        end
        if Process.wait(@pid, Process::WNOHANG) || Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
          @pid = nil if $?&.exited?
          raise "bloop did not start; log:\n#{File.read(@log_path)[-4000..] || File.read(@log_path)}"
        end
        sleep 0.2
      end
    end
  end

  def self.server
    @server ||= begin
      s = Server.new
      Minitest.after_run { s.stop }
      at_exit { s.stop } # also when the run is interrupted (Minitest skips after_run then)
      s
    end
  end

  def server
    self.class.server
  end

  def client(**options)
    new_client(server.url, secret: E2E_SECRET, environment: "e2e", release: "1.2.3",
                           project_root: File.expand_path("..", __dir__), **options)
  end

  def teardown
    close_clients
  end

  def caught
    yield
    flunk "no exception"
  rescue StandardError => e
    e
  end

  def test_real_errors_become_issues_grouped_by_throw_site
    bloop = client
    # The same throw site from two call paths (and two different order numbers): one issue.
    bloop.capture_exception(caught { Shop.checkout(1001) })
    bloop.capture_exception(caught { Shop.retry_checkout(2002) })
    # The same type and message from another line: another issue.
    bloop.capture_exception(caught { Shop.refund(3003) })
    # A real NoMethodError from the runtime.
    bloop.capture_exception(caught { Shop.label(nil) }, user_id_hash: "u-1")
    assert bloop.flush(10)
    assert_equal 0, bloop.dropped_count

    groups = server.wait_for_groups("e2e") do |gs|
      declined = gs.select { |g| g["error_type"] == "Shop::PaymentDeclined" }
      declined.map { |g| g["total_count"] }.sort == [1, 2] && gs.any? { |g| g["error_type"] == "NoMethodError" }
    end
    declined = groups.select { |g| g["error_type"] == "Shop::PaymentDeclined" }
    twice = declined.find { |g| g["total_count"] == 2 }
    once = declined.find { |g| g["total_count"] == 1 }
    refute_equal twice["fingerprint"], once["fingerprint"]
    declined.each do |g|
      assert_equal ["ruby", "1.2.3"], g.values_at("source", "last_release")
      assert_match(/card declined for order/i, g["message"])
    end

    detail = server.get_json("/v1/errors/#{twice['fingerprint']}")
    samples = server.occurrences(twice["fingerprint"], "e2e")
    assert_equal 2, samples.size
    samples.each do |s|
      assert_equal ["e2e", "1.2.3", "ruby"], s.values_at("environment", "release", "source")
      assert_match(/shop\.rb:\d+:in .(?:Shop\.)?charge'/, s["stack"].lines.first)
    end
    # ... reached from two call paths.
    assert_equal %w[checkout retry_checkout], samples.map { |s| s["stack"].lines[1][/in .(?:Shop\.)?(\w+)'/, 1] }.sort
    # The server grouped on the throw site's frame: relative to the project root, line removed.
    assert_match(/\Atest\/fixtures\/shop\.rb:in .(Shop\.)?charge'\z/, detail.dig("grouping", "frame"))
    assert_match(/\Atest\/fixtures\/shop\.rb:in .(Shop\.)?refund'\z/,
                 server.get_json("/v1/errors/#{once['fingerprint']}").dig("grouping", "frame"))
    refund = server.occurrences(once["fingerprint"], "e2e")
    assert_match(/shop\.rb:\d+:in .(?:Shop\.)?refund'/, refund.first["stack"].lines.first)

    nil_error = groups.find { |g| g["error_type"] == "NoMethodError" }
    assert_match(/undefined method .upcase. for nil/, nil_error["message"])
    sample = server.occurrences(nil_error["fingerprint"], "e2e").first
    assert_equal "u-1", sample["user_id_hash"]
  end

  def app
    Rack::Builder.new do
      use Bloop::Rack::Middleware
      run ->(env) { Shop.charge(env["PATH_INFO"].split("/").last) }
    end
  end

  def test_rack_request_error_arrives_with_route_and_status
    global = Bloop.init(endpoint: server.url, secret: E2E_SECRET, environment: "e2e-rack", release: "1.2.3",
                        auto_capture: false, flush_interval: 0.1, logger: Logger.new(StringIO.new))
    assert_raises(Shop::PaymentDeclined) { get "/orders/55", {}, "HTTP_X_REQUEST_ID" => "req-e2e" }
    assert global.flush(10)
    sample = nil
    server.wait_for_groups("e2e-rack") do |gs|
      gs.any? do |g|
        next false unless g["error_type"] == "Shop::PaymentDeclined"

        sample = server.occurrences(g["fingerprint"], "e2e-rack").first
      end
    end
    assert_equal ["/orders/55", 500, "req-e2e"], sample.values_at("route_or_procedure", "http_status", "request_id")
    assert_equal({ "method" => "GET", "path" => "/orders/55" }, sample["metadata"])
  ensure
    Bloop.close(1)
  end

  def test_crashing_process_reports_its_exception
    app_path = File.expand_path("fixtures/crash_app.rb", __dir__)
    env = { "SCENARIO" => "raise", "CRASH_ENDPOINT" => server.url, "CRASH_SECRET" => E2E_SECRET }
    _, err, status = Open3.capture3(env, RbConfig.ruby, app_path)
    assert_equal 1, status.exitstatus
    assert_match(/checkout failed \(RuntimeError\)/, err)
    groups = server.wait_for_groups("crash") { |gs| gs.any? { |g| g["error_type"] == "RuntimeError" && g["message"] == "checkout failed" } }
    crash = groups.find { |g| g["error_type"] == "RuntimeError" }
    sample = server.occurrences(crash["fingerprint"], "crash").first
    assert_equal ["crash", "1.0.0", { "unhandled" => true }], sample.values_at("environment", "release", "metadata")
    assert_includes sample["stack"], "Caused by: ArgumentError: invalid amount for order 7"
  end
end
