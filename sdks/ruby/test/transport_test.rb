# frozen_string_literal: true

require_relative "test_helper"
require "webmock"
WebMock.disable! # enabled per test below, so the other tests use real loopback sockets

# One POST of a batch and what its answer means (webmock in place of the network).
class TransportTest < Minitest::Test
  include TestSupport
  include WebMock::API

  URL = "http://bloop.test:8080/v1/ingest/batch"

  def setup
    WebMock.enable!
    WebMock.disable_net_connect!
    @log = StringIO.new
  end

  def teardown
    WebMock.reset!
    WebMock.disable!
  end

  def transport(**options)
    config = Bloop::Config.new(endpoint: "http://bloop.test:8080", secret: SECRET, environment: "test",
                               release: "1", logger: Logger.new(@log), **options)
    Bloop::Transport.new(config.validate!)
  end

  def events(n = 2)
    Array.new(n) { |i| JSON.generate("timestamp" => 1_700_000_000_000 + i, "message" => "m#{i}") }
  end

  def test_posts_the_exact_signed_bytes_with_json_content_type
    stub = stub_request(:post, URL).with do |r|
      r.headers["Content-Type"] == "application/json" && r.headers["X-Signature"] == hmac(r.body) &&
        !r.headers.key?("X-Project-Key") && JSON.parse(r.body)["events"].size == 2
    end.to_return(status: 200, body: '{"accepted":2,"errors":[]}')
    outcome = transport.send_batch(events)
    assert_equal :sent, outcome.kind
    assert_requested stub, times: 1
  end

  def test_utf8_body_is_signed_over_its_bytes
    event = JSON.generate("message" => "Größe ungültig: 5 € — 日本語 😀")
    stub = stub_request(:post, URL).with { |r| r.headers["X-Signature"] == hmac(r.body.b) }
    assert_equal :sent, transport.send_batch([event]).kind
    assert_requested stub
  end

  def test_project_key_header_only_when_set
    stub = stub_request(:post, URL).with(headers: { "X-Project-Key" => "bloop_pk_abc" })
    assert_equal :sent, transport(project_key: "bloop_pk_abc").send_batch(events).kind
    assert_requested stub
  end

  def test_endpoint_with_a_path_prefix
    stub = stub_request(:post, "https://example.test/bloop/v1/ingest/batch")
    config = Bloop::Config.new(endpoint: "https://example.test/bloop/", secret: SECRET, environment: "t", release: "1")
    assert_equal :sent, Bloop::Transport.new(config).send_batch(events).kind
    assert_requested stub
  end

  def test_429_with_retry_after_seconds_is_kept_for_later
    stub_request(:post, URL).to_return(status: 429, headers: { "Retry-After" => "7" })
    outcome = transport.send_batch(events)
    assert_equal :retry, outcome.kind
    assert_equal 7.0, outcome.retry_after
    assert_equal 429, outcome.status
  end

  def test_503_with_an_http_date_retry_after
    stub_request(:post, URL).to_return(status: 503, headers: { "Retry-After" => (Time.now + 30).httpdate })
    outcome = transport.send_batch(events)
    assert_equal :retry, outcome.kind
    assert_in_delta 30, outcome.retry_after, 2
  end

  def test_429_without_retry_after_leaves_the_wait_to_the_client
    stub_request(:post, URL).to_return(status: 429)
    outcome = transport.send_batch(events)
    assert_equal [:retry, nil, 429], [outcome.kind, outcome.retry_after, outcome.status]
  end

  def test_5xx_and_network_errors_are_retried
    stub_request(:post, URL).to_return(status: 502).then.to_raise(Errno::ECONNREFUSED)
                            .then.to_timeout.then.to_raise(SocketError.new("getaddrinfo"))
    t = transport
    4.times { assert_equal :retry, t.send_batch(events).kind }
  end

  def test_refusals_are_dropped_and_logged_once_per_status
    stub_request(:post, URL).to_return(status: 401, body: '{"error":"bad signature"}').times(3)
                            .then.to_return(status: 400, body: '{"error":"invalid"}')
                            .then.to_return(status: 413).then.to_return(status: 302)
    t = transport
    3.times { assert_equal :refused, t.send_batch(events).kind }
    assert_equal :refused, t.send_batch(events).kind
    assert_equal :refused, t.send_batch(events).kind
    assert_equal :refused, t.send_batch(events).kind
    errors = @log.string.lines.grep(/ERROR/)
    assert_equal 1, errors.grep(/ with 401:/).size, @log.string
    assert_equal 1, errors.grep(/ with 400:/).size
    assert_equal 1, errors.grep(/ with 413:/).size
    assert_equal 1, errors.grep(/ with 302:/).size
  end

  def test_per_event_errors_of_an_accepted_batch_are_logged
    stub_request(:post, URL).to_return(
      status: 200, body: '{"accepted":1,"errors":[{"index":1,"error":"source is required","field":"source"}]}'
    )
    assert_equal :sent, transport.send_batch(events).kind
    assert_match(/source is required/, @log.string)
  end

  def test_envelope_is_the_compact_events_array
    assert_equal '{"events":[{"a":1},{"b":2}]}', Bloop::Transport.envelope(['{"a":1}', '{"b":2}'])
    assert_equal '{"events":[]}', Bloop::Transport.envelope([])
  end
end
