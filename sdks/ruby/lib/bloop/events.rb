# frozen_string_literal: true

require "json"
require "set"

module Bloop
  # Turns exceptions and user input into wire events: the fields the server accepts, capped in UTF-8
  # bytes, serialized once as compact JSON.
  module Events
    FIELDS = %w[
      timestamp source environment release error_type message app_version build_number
      route_or_procedure screen stack http_status request_id user_id_hash device_id_hash
      fingerprint metadata
    ].freeze
    STRING_FIELDS = (FIELDS - %w[timestamp http_status metadata]).freeze
    ALIASES = { "route" => "route_or_procedure", "type" => "error_type" }.freeze
    MAX_CAUSES = 10
    MAX_FRAMES = 64
    MAX_METADATA_DEPTH = 16

    module_function

    def now_ms
      Process.clock_gettime(Process::CLOCK_REALTIME, :millisecond)
    end

    # The exception's class name (the first named ancestor for an anonymous class).
    def error_type(exception)
      klass = exception.class
      name = klass.name || klass.ancestors.map(&:name).compact.first
      name.to_s.empty? ? "Error" : name
    end

    # The message without what Ruby 3.1's did_you_mean / error_highlight append (suggestions and a
    # code snippet with ^^^^ markers), which would split one bug into several issues.
    def message_of(exception)
      msg = exception.respond_to?(:original_message) ? exception.original_message : exception.message
      msg = msg.to_s
      msg.strip.empty? ? "(no message)" : msg
    rescue StandardError
      "(no message)"
    end

    # The stack as Ruby prints a backtrace: "path:line:in `method'" lines, innermost first; then each
    # cause as "Caused by: Type: message" followed by its own frames, frames shared with the exception
    # it caused folded into "... N more". Whole lines only, within Limits::STACK_BYTES. Paths under
    # +root+ (the project's directory, e.g. "/srv/app/releases/20240501120000/") are made relative
    # to it, so an issue does not split at every deploy into a new directory.
    def stack_of(exception, max_bytes = Limits::STACK_BYTES, root: nil)
      lines = []
      bytes = 0
      append = lambda do |line|
        size = line.bytesize + (lines.empty? ? 0 : 1)
        return false if bytes + size > max_bytes

        lines << line
        bytes += size
        true
      end
      seen = Set.new
      enclosing = []
      current = exception
      depth = 0
      while current && depth <= MAX_CAUSES && seen.add?(current.object_id)
        frames = (current.backtrace || []).map { |f| relative(Limits.to_utf8(f), root) }
        if depth.positive?
          header = "Caused by: #{error_type(current)}: #{message_of(current).lines.first.to_s.chomp}"
          break unless append.call(Limits.truncate_utf8(header, 512))
        end
        common = 0
        common += 1 while common < frames.size && common < enclosing.size &&
                          frames[-1 - common] == enclosing[-1 - common]
        shown = [frames.size - common, MAX_FRAMES].min
        frames.first(shown).each { |frame| return joined(lines) unless append.call(frame) }
        omitted = frames.size - shown
        return joined(lines) if omitted.positive? && !append.call("... #{omitted} more")

        enclosing = frames
        current = current.cause
        depth += 1
      end
      joined(lines)
    end

    def relative(frame, root)
      root && frame.start_with?(root) ? frame[root.length..] : frame
    end

    def joined(lines)
      lines.empty? ? nil : lines.join("\n")
    end

    # An event built from an exception and the caller's context (wire field names as keys, plus
    # :route for route_or_procedure; any other key goes into metadata).
    def from_exception(exception, context = {}, root: nil)
      event = { "error_type" => error_type(exception), "message" => message_of(exception) }
      stack = stack_of(exception, root: root)
      event["stack"] = stack if stack
      merge_context(event, context)
    end

    def merge_context(event, context)
      extra = {}
      (context || {}).each do |key, value|
        name = key.to_s
        name = ALIASES.fetch(name, name)
        if FIELDS.include?(name)
          if name == "metadata" && value.is_a?(Hash) && event["metadata"].is_a?(Hash)
            event["metadata"] = event["metadata"].merge(value)
          else
            event[name] = value
          end
        else
          extra[name] = value
        end
      end
      unless extra.empty?
        base = event["metadata"].is_a?(Hash) ? event["metadata"] : {}
        event["metadata"] = extra.merge(base)
      end
      event
    end

    # The event as the server accepts it: known fields only (unknown ones are refused with a 400),
    # the client's defaults filled in, values coerced to their wire types, nils left out, and the
    # byte caps applied. Returns [event, dropped_field_names].
    def prepare(event, config)
      out = {}
      dropped = []
      event.each do |key, value|
        name = ALIASES.fetch(key.to_s, key.to_s)
        if FIELDS.include?(name)
          out[name] = value
        else
          dropped << name
        end
      end
      out["timestamp"] = timestamp_ms(out["timestamp"])
      out["source"] ||= config.source
      out["environment"] ||= config.environment
      out["release"] ||= config.release
      out["app_version"] ||= config.app_version
      out["build_number"] ||= config.build_number
      out["stack"] = out["stack"].join("\n") if out["stack"].is_a?(Array)
      STRING_FIELDS.each do |name|
        out[name] = Limits.to_utf8(out[name]) unless out[name].nil?
      end
      out["error_type"] = "Error" if blank?(out["error_type"])
      out["message"] = "(no message)" if blank?(out["message"])
      out["message"] = Limits.truncate_utf8(out["message"], Limits::MESSAGE_BYTES)
      out["stack"] = Limits.truncate_utf8(out["stack"], Limits::STACK_BYTES) if out["stack"]
      out.delete("stack") if blank?(out["stack"])
      out["http_status"] = http_status(out["http_status"])
      if out["fingerprint"]
        out["fingerprint"] = Limits.truncate_utf16(out["fingerprint"], Limits::FINGERPRINT_CHARS)
        out.delete("fingerprint") if blank?(out["fingerprint"])
      end
      out["metadata"] = capped_metadata(out["metadata"]) unless out["metadata"].nil?
      [FIELDS.each_with_object({}) { |f, h| h[f] = out[f] unless out[f].nil? }, dropped]
    end

    def serialize(event)
      JSON.generate(event)
    end

    def timestamp_ms(value)
      case value
      when Integer then value.positive? ? value : now_ms
      when Time then (value.to_r * 1000).to_i
      when Float then value.finite? && value.positive? ? value.to_i : now_ms
      else now_ms
      end
    end

    def http_status(value)
      status = case value
               when Integer then value
               when /\A\d{3}\z/ then value.to_i
               end
      status&.between?(100, 599) ? status : nil
    end

    # Metadata within Limits::METADATA_BYTES of compact JSON; over it, an object whose only key is
    # bloop_metadata_dropped (the shared conformance rule), never a refused event.
    def capped_metadata(value)
      value = { "value" => value } unless value.is_a?(Hash)
      clean = json_safe(value, 0)
      size = JSON.generate(clean).bytesize
      return clean if size <= Limits::METADATA_BYTES

      { "bloop_metadata_dropped" => "#{size} bytes is over the #{Limits::METADATA_BYTES}-byte cap" }
    rescue StandardError => e
      { "bloop_metadata_dropped" => "not serializable: #{e.class}" }
    end

    # Plain JSON values only, so serializing can never fail (invalid UTF-8, NaN, cycles, objects).
    def json_safe(value, depth)
      return "[too deep]" if depth > MAX_METADATA_DEPTH

      case value
      when nil, true, false, Integer then value
      when Float then value.finite? ? value : value.to_s
      when String, Symbol then Limits.to_utf8(value.to_s)
      when Hash
        value.each_with_object({}) { |(k, v), h| h[Limits.to_utf8(k.to_s)] = json_safe(v, depth + 1) }
      when Array, Set then value.map { |v| json_safe(v, depth + 1) }
      when Time then value.utc.strftime("%Y-%m-%dT%H:%M:%S.%LZ")
      when Numeric then value.to_f.finite? ? value.to_f : value.to_s
      else Limits.to_utf8(value.to_s)
      end
    end

    def blank?(value)
      value.nil? || value.to_s.strip.empty?
    end
  end
end
