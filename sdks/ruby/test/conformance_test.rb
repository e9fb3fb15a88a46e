# frozen_string_literal: true

require_relative "test_helper"

# Every case of the shared vectors (sdks/conformance/vectors.json): signing, caps and batching stay
# byte-compatible with bloop-api and the other SDKs.
class ConformanceTest < Minitest::Test
  include TestSupport

  V = TestSupport.vectors

  def teardown
    close_clients
  end

  def test_limits_match_the_vectors
    limits = V.fetch("limits")
    assert_equal limits["message_bytes"], Bloop::Limits::MESSAGE_BYTES
    assert_equal limits["stack_bytes"], Bloop::Limits::STACK_BYTES
    assert_equal limits["metadata_bytes"], Bloop::Limits::METADATA_BYTES
    assert_equal limits["fingerprint_chars"], Bloop::Limits::FINGERPRINT_CHARS
    assert_equal limits["body_bytes"], Bloop::Limits::BODY_BYTES
    assert_equal limits["batch_events"], Bloop::Limits::BATCH_EVENTS
  end

  def test_hmac_cases
    cases = V.fetch("hmac")
    assert_operator cases.size, :>=, 5
    cases.each do |c|
      assert_equal c["body_utf8_bytes"], c["body"].bytesize, c["name"]
      assert_equal c["expected_hex"], Bloop::Transport.sign(c["secret"], c["body"]), c["name"]
      # The same bytes in another Ruby encoding sign the same.
      assert_equal c["expected_hex"], Bloop::Transport.sign(c["secret"].b, c["body"].b), c["name"]
    end
    rfc = cases.find { |c| c["name"] == "rfc4231_case2" }
    assert_equal "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", rfc["expected_hex"]
  end

  def test_cap_cases_through_event_preparation
    config = Bloop::Config.new(endpoint: "http://127.0.0.1:1", secret: SECRET, environment: "t", release: "1")
    V.fetch("caps").each do |c|
      event = { "error_type" => "E", "message" => "m" }
      event[c["field"]] = c["input"]
      prepared, = Bloop::Events.prepare(event, config)
      got = prepared.fetch(c["field"])
      assert_equal c["expected"], got, c["name"]
      assert_equal c["expected_utf8_bytes"], got.bytesize, c["name"]
      assert got.valid_encoding?, c["name"]
      assert_operator got.bytesize, :<=, c["max_bytes"], c["name"]
    end
  end

  def test_metadata_cases
    V.fetch("metadata").each do |c|
      got = Bloop::Events.capped_metadata(c["input"])
      case c["expected"]
      when "unchanged"
        assert_equal c["input"], got, c["name"]
      when "replaced"
        assert_equal ["bloop_metadata_dropped"], got.keys, c["name"]
        assert_kind_of String, got["bloop_metadata_dropped"]
        assert_match(/\d+ bytes/, got["bloop_metadata_dropped"])
        refute_includes JSON.generate(got), "zzzz"
      else
        flunk "unknown expectation #{c['expected']}"
      end
    end
  end

  def test_batching_cases_in_the_queue
    V.fetch("batching").each do |c|
      queue = Bloop::PendingEvents.new(1000)
      c["events"].each { |e| queue.add(JSON.generate(e), 1000) }
      sizes = []
      until (batch = queue.take(c["max_events"], c["max_body_bytes"])).empty?
        assert_operator Bloop::Transport.envelope(batch).bytesize, :<=, c["max_body_bytes"], c["name"]
        sizes << batch.size
      end
      assert_equal c["expected_batches"], sizes, c["name"]
    end
  end

  # The whole client: the vector events captured, flushed, arrive as the expected signed batches,
  # the events unchanged.
  def test_batching_cases_on_the_wire
    V.fetch("batching").each do |c|
      server = StandIn.new
      client = new_client(server.url, flush_interval: 30)
      c["events"].each { |e| assert client.capture(e) }
      assert client.flush(5), c["name"]
      requests = server.requests
      assert_equal c["expected_batches"], requests.map { |r| r.events.size }, c["name"]
      requests.each do |r|
        assert_equal hmac(r.body), r.headers["x-signature"]
        assert_operator r.body.bytesize, :<=, c["max_body_bytes"]
      end
      assert_equal c["events"], server.events, c["name"]
    ensure
      server&.stop
    end
  end
end
