# frozen_string_literal: true

require_relative "test_helper"

# The client against a loopback stand-in for bloop (real sockets, real threads).
class ClientTest < Minitest::Test
  include TestSupport

  def setup
    @server = StandIn.new
  end

  def teardown
    close_clients
    @server.stop
  end

  def messages(requests)
    requests.flat_map(&:events).map { |e| e["message"] }
  end

  def test_captured_exception_arrives_signed_with_its_fields
    client = new_client(@server.url, app_version: "1.0", build_number: "77")
    error = raise_and_rescue(ArgumentError.new("bad amount 12"))
    assert client.capture_exception(error, route: "/pay", http_status: 422, user_id_hash: "u1")
    assert client.flush(3)
    request = @server.requests.first
    assert_equal "/v1/ingest/batch", request.path
    assert_equal "application/json", request.headers["content-type"]
    assert_equal hmac(request.body), request.headers["x-signature"]
    refute request.headers.key?("x-project-key")
    event = request.events.first
    assert_equal "ArgumentError", event["error_type"]
    assert_equal "bad amount 12", event["message"]
    assert_equal ["ruby", "test", "1.0.0", "1.0", "77", "/pay", 422, "u1"],
                 event.values_at("source", "environment", "release", "app_version", "build_number",
                                 "route_or_procedure", "http_status", "user_id_hash")
    # The backtrace as Ruby prints it, paths relative to the project root (the working directory).
    assert_equal error.backtrace.first.delete_prefix("#{Dir.pwd}/"), event["stack"].lines.first.chomp
    refute event["stack"].include?(Dir.pwd)
    refute event.value?(nil)
  end

  def test_project_key_is_sent_when_set
    client = new_client(@server.url, project_key: "bloop_pk_1")
    client.capture_message("Checkout", "declined")
    assert client.flush(3)
    assert_equal "bloop_pk_1", @server.requests.first.headers["x-project-key"]
  end

  def test_capture_message_forms
    client = new_client(@server.url)
    client.capture_message("just a message")
    client.capture_message("PaymentDeclined", "card declined", route: "/checkout")
    assert client.flush(3)
    events = @server.events
    assert_equal [%w[Message just\ a\ message], %w[PaymentDeclined card\ declined]],
                 events.map { |e| e.values_at("error_type", "message") }
    assert_equal "/checkout", events[1]["route_or_procedure"]
  end

  def test_sends_batches_of_at_most_max_batch_size_without_waiting_for_the_interval
    client = new_client(@server.url, flush_interval: 60, max_batch_size: 10)
    25.times { |i| client.capture_message("E", "m#{i}") }
    # Two full batches go at once; the rest waits for the interval or a flush.
    assert_equal 2, @server.wait_for(2, 3).size
    assert client.flush(3)
    assert_equal [10, 10, 5], @server.requests.map { |r| r.events.size }
    assert_equal (0...25).map { |i| "m#{i}" }, messages(@server.requests)
  end

  def test_partial_batch_goes_after_the_flush_interval
    client = new_client(@server.url, flush_interval: 0.2)
    client.capture_message("E", "one")
    assert_equal 1, @server.wait_for(1, 3).size
  end

  def test_429_waits_for_retry_after_and_resends_the_same_events
    @server.script([429, { "Retry-After" => "1" }, '{"error":"busy"}'])
    client = new_client(@server.url)
    client.capture_message("E", "kept")
    requests = @server.wait_for(2, 5)
    assert_equal 2, requests.size
    assert_equal requests[0].body, requests[1].body
    assert_operator requests[1].at - requests[0].at, :>=, 0.95
    assert client.flush(1)
    assert_equal 0, client.dropped_count
  end

  def test_503_without_retry_after_waits_the_default
    @server.script([503, {}, "{}"])
    client = new_client(@server.url, default_retry_after: 0.5)
    client.capture_message("E", "kept")
    requests = @server.wait_for(2, 5)
    assert_equal 2, requests.size
    assert_operator requests[1].at - requests[0].at, :>=, 0.45
    assert_equal ["kept"], messages([requests[1]])
  end

  def test_network_errors_and_5xx_back_off_and_keep_the_events
    @server.script(:drop, [500, {}, "{}"], :drop)
    client = new_client(@server.url, backoff_base: 0.1, max_backoff: 0.4)
    client.capture_message("E", "survives")
    requests = @server.wait_for(4, 5)
    assert_equal 4, requests.size
    assert_equal ["survives"], messages([requests.last])
    gaps = requests.each_cons(2).map { |a, b| b.at - a.at }
    assert gaps.all? { |g| g >= 0.04 }, gaps.inspect # jittered 0.1, 0.2, 0.4 halves at least
    assert client.flush(1)
    assert_equal 0, client.dropped_count
    assert_equal 1, log_text.lines.grep(/WARN.*unreachable/).size
  end

  def test_unreachable_server_keeps_events_until_the_queue_bound
    port = TCPServer.open("127.0.0.1", 0) { |s| s.addr[1] } # closed again: connection refused
    client = new_client("http://127.0.0.1:#{port}", max_queue_size: 5)
    8.times { |i| client.capture_message("E", "m#{i}") }
    refute client.flush(0.3)
    assert_equal 5, client.pending_count
    assert_equal 3, client.dropped_count
  end

  def test_401_drops_the_batch_without_retry_and_logs_once
    @server.script([401, {}, '{"error":"signature mismatch"}'], [401, {}, '{"error":"signature mismatch"}'])
    client = new_client(@server.url)
    client.capture_message("E", "first")
    assert client.flush(3)
    client.capture_message("E", "second")
    assert client.flush(3)
    sleep 0.2
    assert_equal 2, @server.requests.size # one per batch, never retried
    assert_equal 1, log_text.lines.grep(/ERROR.* with 401:/).size, log_text
    assert_equal 0, client.pending_count
  end

  def test_queue_overflow_drops_the_oldest_and_counts
    client = new_client(@server.url, flush_interval: 60, max_queue_size: 3)
    5.times { |i| client.capture_message("E", "m#{i}") }
    assert_equal 2, client.dropped_count
    assert client.flush(3)
    assert_equal %w[m2 m3 m4], messages(@server.requests)
    assert_equal 1, log_text.lines.grep(/queue full/).size
  end

  def test_flush_is_bounded_when_the_server_hangs
    @server.script(:hang)
    client = new_client(@server.url, request_timeout: 5)
    client.capture_message("E", "stuck")
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    refute client.flush(0.3)
    waited = Process.clock_gettime(Process::CLOCK_MONOTONIC) - started
    assert_operator waited, :>=, 0.3
    assert_operator waited, :<, 1.5
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    refute client.close(0.3)
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 1.5
    assert_equal 1, client.dropped_count
  end

  def test_close_sends_what_is_queued_then_ignores_captures
    client = new_client(@server.url, flush_interval: 60)
    3.times { |i| client.capture_message("E", "m#{i}") }
    assert client.close(3)
    assert_equal %w[m0 m1 m2], messages(@server.requests)
    refute client.capture_message("E", "late")
    assert client.close(1) # idempotent
    assert client.flush(1)
    sleep 0.1
    assert_equal 1, @server.requests.size
  end

  def test_close_during_a_backoff_makes_one_last_attempt
    @server.script(:drop)
    client = new_client(@server.url, backoff_base: 30, max_backoff: 60)
    client.capture_message("E", "last chance")
    assert_equal 1, @server.wait_for(1, 3).size
    assert client.close(2)
    assert_equal 2, @server.requests.size
    assert_equal ["last chance"], messages([@server.requests.last])
  end

  def test_close_does_not_cut_a_retry_after_past_its_deadline
    @server.script([429, { "Retry-After" => "30" }, "{}"])
    client = new_client(@server.url)
    client.capture_message("E", "rate limited")
    assert_equal 1, @server.wait_for(1, 3).size
    started = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    refute client.close(0.5)
    assert_operator Process.clock_gettime(Process::CLOCK_MONOTONIC) - started, :<, 2.0
    assert_equal 1, @server.requests.size
    assert_equal 1, client.dropped_count
  end

  def test_before_send_can_change_or_drop_events
    client = new_client(@server.url, before_send: lambda { |event|
      next nil if event["message"].include?("secret")

      event.merge("message" => event["message"].upcase, "metadata" => { "scrubbed" => true })
    })
    client.capture_message("E", "keep me")
    client.capture_message("E", "a secret")
    assert client.flush(3)
    assert_equal [["KEEP ME", { "scrubbed" => true }]], @server.events.map { |e| e.values_at("message", "metadata") }
  end

  def test_a_failing_before_send_never_reaches_the_caller
    client = new_client(@server.url, before_send: ->(_event) { raise "hook bug" })
    refute client.capture_message("E", "x")
    assert_match(/before_send raised RuntimeError/, log_text)
  end

  def test_capture_never_raises_on_odd_input
    client = new_client(@server.url)
    weird = Object.new
    def weird.to_s = raise("to_s bug")
    assert client.capture_exception(RuntimeError.new("ok"), metadata: { weird: weird })
    refute client.capture(nil)
    assert client.capture_exception("a string, not an exception")
    assert client.capture("error_type" => "E", "message" => "m" * 40_000, "screen" => "s")
    refute client.capture("error_type" => "E", "message" => "m", "screen" => "s" * 40_000) # over the body cap
    assert client.flush(3)
    assert_equal ["ok", "a string, not an exception", "m" * 2048], @server.events.map { |e| e["message"] }
    assert_equal 1, client.dropped_count
  end

  def test_the_same_exception_object_is_reported_once
    client = new_client(@server.url)
    error = raise_and_rescue(RuntimeError.new("once"))
    assert client.capture_exception(error)
    refute client.capture_exception(error)
    assert client.flush(3)
    assert_equal 1, @server.events.size
  end

  def test_capture_and_flush_work_inside_a_signal_handler
    client = new_client(@server.url)
    done = Queue.new
    previous = trap("USR2") do
      client.capture_message("Signal", "from a trap")
      done << client.flush(3)
    end
    Process.kill("USR2", Process.pid)
    assert_equal true, done.pop
    assert_equal ["from a trap"], @server.events.map { |e| e["message"] }
  ensure
    trap("USR2", previous || "DEFAULT")
  end

  def test_a_forked_child_sends_its_own_events_not_its_parents
    client = new_client(@server.url, flush_interval: 60)
    client.capture_message("E", "parent")
    pid = fork do
      client.capture_message("E", "child")
      exit!(client.flush(3) ? 0 : 1)
    end
    Process.wait(pid)
    assert_equal 0, $?.exitstatus
    assert client.flush(3)
    assert_equal %w[child parent], @server.events.map { |e| e["message"] }.sort
  end

  def test_disabled_client_captures_nothing
    client = new_client(@server.url, enabled: false, endpoint: nil)
    refute client.capture_message("E", "x")
    assert client.flush(0.1)
    assert client.close(0.1)
  end

  def test_invalid_options_are_refused_at_init
    assert_raises(Bloop::ConfigurationError) { new_client("ftp://x") }
    assert_raises(Bloop::ConfigurationError) { new_client(@server.url, source: "Ruby App") }
    assert_raises(Bloop::ConfigurationError) { new_client(@server.url, max_batch_size: 51) }
    assert_raises(Bloop::ConfigurationError) { new_client(@server.url, release: " ") }
    assert_raises(Bloop::ConfigurationError) { new_client(@server.url, flush_intervall: 1) }
  end
end
