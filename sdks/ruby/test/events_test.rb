# frozen_string_literal: true

require_relative "test_helper"
require "fixtures/errors"

class EventsTest < Minitest::Test
  include TestSupport

  FIXTURE = File.expand_path("fixtures/errors.rb", __dir__)

  def config(**options)
    Bloop::Config.new(endpoint: "http://127.0.0.1:1", secret: SECRET, environment: "prod",
                      release: "2.0.0", **options)
  end

  def caught
    yield
    flunk "no exception"
  rescue StandardError => e
    e
  end

  def test_stack_is_the_backtrace_as_ruby_prints_it_then_the_causes
    error = caught { Fixtures.call_path_a }
    stack = Bloop::Events.stack_of(error)
    lines = stack.lines.map(&:chomp)
    # Frames first, exactly Exception#backtrace: "path:line:in `method'" (no header with the message).
    assert_equal error.backtrace.first, lines.first
    assert_match(/\A#{Regexp.escape(FIXTURE)}:14:in /, lines.first)
    assert_includes lines, "Caused by: ArgumentError: inner 42"
    cause_at = lines.index("Caused by: ArgumentError: inner 42")
    assert_match(/\A#{Regexp.escape(FIXTURE)}:8:in .(?:Fixtures\.)?inner_failure'\z/, lines[cause_at + 1])
    # Frames the cause shares with the error it caused are folded, as the JVM does.
    assert_match(/\A\.\.\. \d+ more\z/, lines.last)
    refute_match(/outer/, lines.first)
  end

  def test_stack_keeps_whole_lines_within_the_cap
    error = caught { Fixtures.call_path_a }
    stack = Bloop::Events.stack_of(error, 120)
    assert_operator stack.bytesize, :<=, 120
    assert_equal error.backtrace.first, stack.lines.first.chomp
    full = Bloop::Events.stack_of(error)
    assert full.start_with?(stack)
  end

  def test_stack_of_a_deep_recursion_fits_the_server_cap
    deep = ->(n) { n.zero? ? raise("deep") : deep.call(n - 1) }
    error = caught { deep.call(500) }
    stack = Bloop::Events.stack_of(error)
    assert_operator stack.bytesize, :<=, Bloop::Limits::STACK_BYTES
    assert_match(/\.\.\. \d+ more\z/, stack)
  end

  def test_paths_under_the_project_root_are_made_relative
    error = caught { Fixtures.call_path_a }
    root = "#{File.dirname(FIXTURE)}/"
    lines = Bloop::Events.stack_of(error, root: root).lines.map(&:chomp)
    assert_match(/\Aerrors\.rb:14:in .rescue in (?:Fixtures\.)?wrapped_failure'\z/, lines.first)
    assert_match(/\Aerrors\.rb:8:in .(?:Fixtures\.)?inner_failure'\z/, lines[lines.index("Caused by: ArgumentError: inner 42") + 1])
    # Frames outside the root (this test, gems, Ruby's own) keep their absolute path.
    assert(lines.any? { |l| l.start_with?(__FILE__) })
  end

  def test_project_root_defaults_to_the_working_directory_and_can_be_turned_off
    assert_equal "#{Dir.pwd}/", config.project_root_prefix
    assert_equal "/srv/app/", config(project_root: "/srv/app/").project_root_prefix
    assert_nil config(project_root: nil).project_root_prefix
    assert_nil config(project_root: "/").project_root_prefix
  end

  def test_an_unraised_exception_has_no_stack
    event = Bloop::Events.from_exception(RuntimeError.new("never raised"))
    refute event.key?("stack")
    assert_equal "RuntimeError", event["error_type"]
  end

  def test_message_without_error_highlight_or_did_you_mean
    error = caught { Fixtures.nil_call(nil) }
    message = Bloop::Events.message_of(error)
    assert_match(/undefined method .upcase. for nil/, message)
    refute_includes message, "^"
    refute_includes message, "\n"
  end

  def test_type_of_namespaced_and_anonymous_classes
    assert_equal "Bloop::ConfigurationError", Bloop::Events.error_type(Bloop::ConfigurationError.new)
    anonymous = Class.new(IOError)
    assert_equal "IOError", Bloop::Events.error_type(anonymous.new)
  end

  def test_empty_message_becomes_a_placeholder
    assert_equal "(no message)", Bloop::Events.message_of(ArgumentError.new(""))
  end

  def test_context_keys_become_fields_and_the_rest_metadata
    context = { route: "/pay", http_status: 502, request_id: "r1", tenant: "acme", metadata: { "a" => 1 } }
    event = Bloop::Events.from_exception(RuntimeError.new("x"), context)
    assert_equal "/pay", event["route_or_procedure"]
    assert_equal 502, event["http_status"]
    assert_equal "r1", event["request_id"]
    assert_equal({ "tenant" => "acme", "a" => 1 }, event["metadata"])
  end

  def test_prepare_fills_defaults_and_keeps_only_wire_fields
    event, dropped = Bloop::Events.prepare({ error_type: "E", message: "m", colour: "red", http_status: 700 },
                                           config(app_version: "2.0", build_number: "7"))
    assert_equal %w[colour], dropped
    assert_equal %w[timestamp source environment release error_type message app_version build_number], event.keys
    assert_equal "ruby", event["source"]
    assert_equal "prod", event["environment"]
    assert_equal "2.0.0", event["release"]
    assert_in_delta Time.now.to_f * 1000, event["timestamp"], 5000
    assert_kind_of Integer, event["timestamp"]
  end

  def test_prepare_coerces_values_to_their_wire_types
    event, = Bloop::Events.prepare({ "error_type" => :Timeout, "message" => "   ", "http_status" => "503",
                                     "timestamp" => Time.at(1_700_000_000, 250, :millisecond), "release" => 3,
                                     "stack" => ["a.rb:1:in `x'", "b.rb:2:in `y'"] }, config)
    assert_equal "Timeout", event["error_type"]
    assert_equal "(no message)", event["message"]
    assert_equal 503, event["http_status"]
    assert_equal 1_700_000_000_250, event["timestamp"]
    assert_equal "3", event["release"]
    assert_equal "a.rb:1:in `x'\nb.rb:2:in `y'", event["stack"]
  end

  def test_invalid_utf8_is_replaced_so_the_event_still_serializes
    event, = Bloop::Events.prepare({ "error_type" => "E", "message" => "bad \xFF\xFE bytes".b,
                                     "metadata" => { "k" => "v\xC3".b } }, config)
    assert event["message"].valid_encoding?
    assert_includes event["message"], "\uFFFD"
    JSON.parse(Bloop::Events.serialize(event))
  end

  def test_fingerprint_capped_at_256_utf16_units_as_the_server_counts
    event, = Bloop::Events.prepare({ "error_type" => "E", "message" => "m", "fingerprint" => "😀" * 200 }, config)
    assert_equal 128, event["fingerprint"].length
    event, = Bloop::Events.prepare({ "error_type" => "E", "message" => "m", "fingerprint" => "f" * 300 }, config)
    assert_equal 256, event["fingerprint"].length
  end

  def test_metadata_that_json_cannot_hold_is_made_plain
    cyclic = {}
    cyclic["self"] = cyclic
    meta = Bloop::Events.capped_metadata({ nan: Float::NAN, sym: :ok, obj: Object.new, list: [1, 2.5], cyclic: cyclic })
    json = JSON.generate(meta)
    assert_equal "NaN", meta["nan"]
    assert_equal "ok", meta["sym"]
    assert_equal [1, 2.5], meta["list"]
    assert_includes json, "[too deep]"
    assert_equal({ "value" => [1, 2] }, Bloop::Events.capped_metadata([1, 2]))
  end

  def test_ruby_json_matches_the_vector_bytes
    # Compact JSON with raw UTF-8, the form the vectors' HMAC cases sign.
    c = TestSupport.vectors["hmac"].find { |h| h["name"] == "utf8_body" }
    parsed = JSON.parse(c["body"])
    body = Bloop::Transport.envelope(parsed["events"].map { |e| Bloop::Events.serialize(e) })
    assert_equal c["body"], body
    assert_equal c["expected_hex"], Bloop::Transport.sign(c["secret"], body)
  end
end
