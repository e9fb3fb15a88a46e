// What goes on the wire, byte for byte: the server's caps, UTF-8 capping that never splits a
// character, compact JSON text, the batch envelope, how many queued events fit in one request, and
// the retry schedule. Same small Swift subset as SHA256.swift (tools/swiftlet.js runs this file
// against sdks/conformance/vectors.json in CI).

/// The server's limits (SPEC §2). An event within them is never refused for its size.
enum WireLimits {
    static let maxMessageBytes: Int = 2048
    static let maxStackBytes: Int = 8192
    static let maxMetadataBytes: Int = 4096
    static let maxFingerprintChars: Int = 256
    static let maxBodyBytes: Int = 32768
    static let maxBatchEvents: Int = 50
    /// Other free-text fields (route, screen, ids, error type) have no cap of their own on the
    /// server; this one keeps a single event well inside the body cap.
    static let maxOtherFieldBytes: Int = 1024
}

enum UTF8Cap {
    /// The length of the longest prefix of `bytes` (valid UTF-8) that holds at most `maxBytes` bytes
    /// and ends on a character boundary.
    static func prefixLength(_ bytes: [UInt8], maxBytes: Int) -> Int {
        if bytes.count <= maxBytes {
            return bytes.count
        }
        if maxBytes <= 0 {
            return 0
        }
        var cut: Int = maxBytes
        // bytes[cut] is the first byte left out: while it continues a character (10xxxxxx), that
        // character straddles the cut, so it goes too.
        while cut > 0 && (bytes[cut] & 0xc0) == 0x80 {
            cut -= 1
        }
        return cut
    }

    /// `text` cut to at most `maxBytes` UTF-8 bytes, never in the middle of a character.
    static func truncate(_ text: String, maxBytes: Int) -> String {
        let bytes: [UInt8] = Array(text.utf8)
        let cut: Int = prefixLength(bytes, maxBytes: maxBytes)
        if cut == bytes.count {
            return text
        }
        return String(decoding: bytes[0..<cut], as: UTF8.self)
    }
}

/// Compact JSON text, as Python's `json.dumps(separators=(",", ":"), ensure_ascii=False)` writes it:
/// non-ASCII characters as they are, `"` `\` and control characters escaped, no escaped `/`.
enum JSONText {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `utf8` (the UTF-8 bytes of a string) as a JSON string literal.
    static func appendString(_ out: inout [UInt8], _ utf8: [UInt8]) {
        out.append(0x22)
        for byte in utf8 {
            if byte == 0x22 {
                out.append(0x5c)
                out.append(0x22)
            } else if byte == 0x5c {
                out.append(0x5c)
                out.append(0x5c)
            } else if byte == 0x0a {
                out.append(0x5c)
                out.append(0x6e)
            } else if byte == 0x0d {
                out.append(0x5c)
                out.append(0x72)
            } else if byte == 0x09 {
                out.append(0x5c)
                out.append(0x74)
            } else if byte == 0x08 {
                out.append(0x5c)
                out.append(0x62)
            } else if byte == 0x0c {
                out.append(0x5c)
                out.append(0x66)
            } else if byte < 0x20 {
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            } else {
                out.append(byte)
            }
        }
        out.append(0x22)
    }

    static func string(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        appendString(&out, Array(text.utf8))
        return out
    }

    static func integer(_ value: Int64) -> [UInt8] {
        return Array(String(value).utf8)
    }

    /// `{"k1":v1,"k2":v2}` from keys and already encoded values, in the order given.
    static func object(keys: [String], values: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [0x7b]
        var i: Int = 0
        while i < keys.count {
            if i > 0 {
                out.append(0x2c)
            }
            appendString(&out, Array(keys[i].utf8))
            out.append(0x3a)
            out.append(contentsOf: values[i])
            i += 1
        }
        out.append(0x7d)
        return out
    }

    /// `[v1,v2]` from already encoded values.
    static func array(_ values: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [0x5b]
        var i: Int = 0
        while i < values.count {
            if i > 0 {
                out.append(0x2c)
            }
            out.append(contentsOf: values[i])
            i += 1
        }
        out.append(0x5d)
        return out
    }
}

/// The event fields the server knows, in the order the SDK writes them (SPEC §2's order). The
/// server refuses unknown fields, so nothing else is ever sent.
enum EventFields {
    static let order: [String] = [
        "timestamp", "source", "environment", "release", "error_type", "message",
        "app_version", "build_number", "route_or_procedure", "screen", "stack", "http_status",
        "request_id", "user_id_hash", "device_id_hash", "fingerprint", "metadata",
    ]
}

enum MetadataCap {
    /// What replaces metadata whose JSON is over the cap (as bloop-client-java does): an object that
    /// says how big it was, so the event still goes through.
    static func replacement(encodedBytes: Int, maxBytes: Int) -> [UInt8] {
        let note: String = String(encodedBytes) + " bytes is over the " + String(maxBytes) + "-byte cap"
        return JSONText.object(keys: ["bloop_metadata_dropped"], values: [JSONText.string(note)])
    }

    /// The metadata to send: `encoded` itself when it fits, else the replacement.
    static func capped(_ encoded: [UInt8], maxBytes: Int) -> [UInt8] {
        if encoded.count <= maxBytes {
            return encoded
        }
        return replacement(encodedBytes: encoded.count, maxBytes: maxBytes)
    }
}

enum Batching {
    static let envelopeHead: [UInt8] = Array("{\"events\":[".utf8)
    static let envelopeTail: [UInt8] = Array("]}".utf8)

    /// The largest single event that fits in a request on its own.
    static func maxEventBytes(maxBodyBytes: Int) -> Int {
        return maxBodyBytes - envelopeHead.count - envelopeTail.count
    }

    /// `{"events":[e1,e2,...]}`: the exact bytes that are signed and sent.
    static func envelope(_ events: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = envelopeHead
        var i: Int = 0
        while i < events.count {
            if i > 0 {
                out.append(0x2c)
            }
            out.append(contentsOf: events[i])
            i += 1
        }
        out.append(contentsOf: envelopeTail)
        return out
    }

    /// How many events, taken in order from `start`, go in the next request: at most `maxEvents`,
    /// and while the envelope stays within `maxBodyBytes`. Always at least one when any is left
    /// (an event too big to fit alone is refused at capture time).
    static func nextBatchCount(_ eventSizes: [Int], from start: Int, maxEvents: Int, maxBodyBytes: Int) -> Int {
        var count: Int = 0
        var size: Int = envelopeHead.count + envelopeTail.count
        while start + count < eventSizes.count && count < maxEvents {
            var next: Int = size + eventSizes[start + count]
            if count > 0 {
                next += 1
            }
            if count > 0 && next > maxBodyBytes {
                break
            }
            size = next
            count += 1
        }
        return count
    }

    /// The sizes of the requests that carry events of these encoded sizes, greedy and in order.
    static func plan(_ eventSizes: [Int], maxEvents: Int, maxBodyBytes: Int) -> [Int] {
        var batches: [Int] = []
        var start: Int = 0
        while start < eventSizes.count {
            let count: Int = nextBatchCount(eventSizes, from: start, maxEvents: maxEvents, maxBodyBytes: maxBodyBytes)
            batches.append(count)
            start += count
        }
        return batches
    }
}

enum RetrySchedule {
    /// The wait, in milliseconds, after `failures` consecutive network errors or 5xx answers
    /// (1, 2, 3, ...): `initialMillis` doubled each time, never more than `maxMillis`.
    static func backoffMillis(failures: Int, initialMillis: Int, maxMillis: Int) -> Int {
        var wait: Int = initialMillis
        var n: Int = 1
        while n < failures && wait < maxMillis {
            wait = wait * 2
            n += 1
        }
        if wait > maxMillis {
            return maxMillis
        }
        return wait
    }

    /// `Retry-After` given in seconds (the only form bloop sends; white space trimmed by the caller),
    /// in milliseconds and at most `maxMillis`; -1 when the value is not a number of seconds (an
    /// HTTP date is read by the caller).
    static func retryAfterMillis(_ value: [UInt8], maxMillis: Int) -> Int {
        var seconds: Int = 0
        var digits: Int = 0
        for byte in value {
            if byte < 0x30 || byte > 0x39 {
                return -1
            }
            if seconds > maxMillis / 1000 {
                return maxMillis
            }
            seconds = seconds * 10 + Int(byte - 0x30)
            digits += 1
        }
        if digits == 0 {
            return -1
        }
        if seconds > maxMillis / 1000 {
            return maxMillis
        }
        return seconds * 1000
    }
}
