# frozen_string_literal: true

module Bloop
  # The server's caps, applied before sending so that an event is never refused for its size.
  module Limits
    MESSAGE_BYTES = 2048
    STACK_BYTES = 8192
    METADATA_BYTES = 4096
    FINGERPRINT_CHARS = 256
    BODY_BYTES = 32_768
    BATCH_EVENTS = 50
    # {"events":[ and ]}
    ENVELOPE_BYTES = 13

    module_function

    # The longest prefix of +str+ whose UTF-8 encoding fits in +max_bytes+, never splitting a
    # character. Invalid bytes are replaced first, so the result always encodes as JSON.
    def truncate_utf8(str, max_bytes)
      return nil if str.nil?

      s = to_utf8(str)
      return s if s.bytesize <= max_bytes

      cut = s.byteslice(0, max_bytes)
      # Drop a trailing partial character: at most 3 continuation bytes of a 4-byte sequence.
      cut = cut.byteslice(0, cut.bytesize - 1) until cut.valid_encoding?
      cut
    end

    # A String in valid UTF-8 (binary or other encodings converted, invalid bytes replaced).
    def to_utf8(value)
      s = value.is_a?(String) ? value : value.to_s
      if s.encoding == Encoding::UTF_8
        return s if s.valid_encoding?

        return s.scrub("\uFFFD")
      end
      if s.encoding == Encoding::BINARY || s.encoding == Encoding::US_ASCII
        return s.dup.force_encoding(Encoding::UTF_8).scrub("\uFFFD")
      end

      s.encode(Encoding::UTF_8, invalid: :replace, undef: :replace, replace: "\uFFFD")
    end

    # At most +max+ UTF-16 code units, as the server (Java) counts a fingerprint's characters.
    def truncate_utf16(str, max)
      units = 0
      str.each_char.with_index do |ch, i|
        units += ch.ord > 0xFFFF ? 2 : 1
        return str[0, i] if units > max
      end
      str
    end
  end
end
