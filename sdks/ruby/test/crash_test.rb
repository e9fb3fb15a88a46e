# frozen_string_literal: true

require_relative "test_helper"
require "open3"
require "rbconfig"
require "tmpdir"

# Child processes: how a program ends with bloop is how it ends without it, and what bloop captured
# (including the exception that ended it) is delivered by the at_exit flush.
class CrashTest < Minitest::Test
  include TestSupport

  APP = File.expand_path("fixtures/crash_app.rb", __dir__)

  def setup
    @server = StandIn.new
  end

  def teardown
    @server.stop
  end

  def env(scenario, without: false, **extra)
    base = { "SCENARIO" => scenario, "CRASH_ENDPOINT" => @server.url, "CRASH_SECRET" => SECRET,
             "WITHOUT_BLOOP" => without ? "1" : "0", "MT_NO_PLUGINS" => "1" }
    base.merge(extra.transform_keys(&:to_s))
  end

  # [stdout, stderr, status, seconds]
  def run_app(scenario, without: false, **extra)
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    out, err, status = Open3.capture3(env(scenario, without: without, **extra), RbConfig.ruby, APP)
    [out, err, status, Process.clock_gettime(Process::CLOCK_MONOTONIC) - started]
  end

  def run_until_ready_then_term(scenario, without: false)
    Open3.popen3(env(scenario, without: without), RbConfig.ruby, APP) do |stdin, stdout, stderr, wait|
      stdin.close
      assert_equal "ready\n", stdout.gets
      Process.kill("TERM", wait.pid)
      status = wait.value
      [stderr.read, status]
    end
  end

  def test_uncaught_exception_is_delivered_and_the_process_ends_as_without_bloop
    _, plain_err, plain_status, = run_app("raise", without: true)
    _, err, status, = run_app("raise")
    assert_equal 1, plain_status.exitstatus
    assert_equal 1, status.exitstatus
    assert_equal plain_err, err # Ruby's own report, untouched
    assert_match(/checkout failed \(RuntimeError\)/, err)
    events = @server.events
    assert_equal ["queued before the crash", "checkout failed"], events.map { |e| e["message"] }
    crash = events.last
    assert_equal ["RuntimeError", "crash", "1.0.0", "ruby", { "unhandled" => true }],
                 crash.values_at("error_type", "environment", "release", "source", "metadata")
    lines = crash["stack"].lines.map(&:chomp)
    assert_match(/crash_app\.rb:\d+:in .rescue in (?:Object#)?checkout'\z/, lines.first)
    assert_includes lines, "Caused by: ArgumentError: invalid amount for order 7"
    assert(lines.any? { |l| l.match?(/crash_app\.rb:\d+:in .(?:Object#)?charge'\z/) })
    request = @server.requests.first
    assert_equal hmac(request.body), request.headers["x-signature"]
  end

  def test_successful_exit_sends_the_queue_and_reports_no_error
    _, err, status, = run_app("exit0")
    assert_equal 0, status.exitstatus
    assert_equal "", err
    assert_equal ["sent at a successful exit"], @server.events.map { |e| e["message"] }
  end

  def test_script_that_just_ends_sends_the_queue
    _, _, status, = run_app("natural")
    assert_equal 0, status.exitstatus
    assert_equal ["sent when the script ends"], @server.events.map { |e| e["message"] }
  end

  def test_failed_exit_and_abort_keep_their_status_and_are_reported
    _, _, status, = run_app("exit3")
    assert_equal 3, status.exitstatus
    _, plain_err, = run_app("abort", without: true)
    _, err, status, = run_app("abort")
    assert_equal 1, status.exitstatus
    assert_equal plain_err, err
    assert_equal [%w[SystemExit exit 3], ["SystemExit", "fatal: config missing", 1]],
                 @server.events.map { |e| [e["error_type"], e["message"], e["metadata"]["exit_status"]] }
                                .map { |t, m, s| t == "SystemExit" && m == "exit" ? [t, m, s.to_s] : [t, m, s] }
  end

  def test_sigterm_runs_the_flush_and_still_ends_by_the_signal
    plain_err, plain_status = run_until_ready_then_term("sigterm", without: true)
    err, status = run_until_ready_then_term("sigterm")
    assert_equal Signal.list["TERM"], plain_status.termsig
    assert_equal Signal.list["TERM"], status.termsig
    assert_equal plain_err, err
    # SIGTERM is how services are stopped: not an error unless capture_signals.
    assert_equal ["queued before SIGTERM"], @server.events.map { |e| e["message"] }
  end

  def test_a_term_trap_can_flush
    plain_err, plain_status = run_until_ready_then_term("trap", without: true)
    err, status = run_until_ready_then_term("trap")
    assert_equal 0, plain_status.exitstatus
    assert_equal 0, status.exitstatus
    assert_equal plain_err, err
    assert_equal ["sent from a TERM trap"], @server.events.map { |e| e["message"] }
  end

  # Seconds from the raise to the end of the child process (its start-up, slow on a busy machine,
  # left out).
  def run_timed(scenario, **extra)
    Dir.mktmpdir do |dir|
      file = File.join(dir, "raised_at")
      _, err, status, = run_app(scenario, CRASH_TIMING_FILE: file, **extra)
      [err, status, Process.clock_gettime(Process::CLOCK_MONOTONIC) - File.read(file).to_f]
    end
  end

  def test_exit_flush_is_bounded_by_the_shutdown_timeout
    @server.script(:hang)
    _, plain_err, = run_app("raise", without: true)
    err, status, seconds = run_timed("raise", CRASH_SHUTDOWN_TIMEOUT: "0.5")
    assert_equal 1, status.exitstatus
    assert_equal plain_err, err.lines.reject { |l| l.include?("bloop:") }.join
    assert_operator seconds, :>=, 0.5
    assert_operator seconds, :<, 2.5
    assert_match(/bloop: 2 events not sent within 0.5s/, err)
  end

  def test_exit_flush_when_bloop_is_down
    port = TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] }
    err, status, seconds = run_timed("raise", CRASH_ENDPOINT: "http://127.0.0.1:#{port}")
    assert_equal 1, status.exitstatus
    assert_match(/checkout failed \(RuntimeError\)/, err)
    assert_operator seconds, :<, 2.5 # refused at once, one last attempt, no backoff wait
  end
end
