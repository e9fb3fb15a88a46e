import Foundation
import XCTest
@testable import BloopClient

/// Signing, capping and batching against sdks/conformance/vectors.json: byte-compatible with
/// bloop-api and every other bloop SDK.
final class ConformanceTests: XCTestCase {
    func testHMACVectorsWithThePureSwiftImplementation() {
        let cases = Vectors.cases("hmac")
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for c in cases {
            let name = c["name"] as! String
            let secret = c["secret"] as! String
            let body = c["body"] as! String
            XCTAssertEqual(body.utf8.count, integer(c["body_utf8_bytes"]), name)
            let signature = Hex.lowercase(PureHMAC.sha256(key: Array(secret.utf8), message: Array(body.utf8)))
            XCTAssertEqual(signature, c["expected_hex"] as! String, name)
        }
    }

    /// CryptoKit on Apple platforms, the pure-Swift code on Linux: the signer the client uses.
    func testHMACVectorsWithTheClientsSigner() {
        for c in Vectors.cases("hmac") {
            let body = c["body"] as! String
            XCTAssertEqual(Signer.signature(secret: c["secret"] as! String, body: Array(body.utf8)),
                           c["expected_hex"] as! String, c["name"] as! String)
        }
    }

    func testSHA256KnownAnswers() {
        let cases: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            (String(repeating: "a", count: 1_000_000),
             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(Hex.lowercase(PureSHA256.hash(Array(input.utf8))), expected, "\(input.prefix(20))")
        }
    }

    /// Message lengths around the padding boundaries (55, 56, 63, 64, 65 bytes) and keys longer
    /// than a block: the pure code and the platform's agree.
    func testPureAndPlatformSignaturesAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            for keyLength in [0, 1, 32, 63, 64, 65, 130] {
                let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let key = String((0..<keyLength).map { _ in Character(UnicodeScalar(UInt8.random(in: 0x21...0x7e, using: &generator))) })
                XCTAssertEqual(Signer.signature(secret: key, body: message),
                               Hex.lowercase(PureHMAC.sha256(key: Array(key.utf8), message: message)),
                               "message \(length) bytes, key \(keyLength) bytes")
            }
        }
    }

    func testCapVectors() {
        let cases = Vectors.cases("caps")
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for c in cases {
            let name = c["name"] as! String
            let input = c["input"] as! String
            let expected = c["expected"] as! String
            let maxBytes = integer(c["max_bytes"])
            let capped = UTF8Cap.truncate(input, maxBytes: maxBytes)
            XCTAssertEqual(capped, expected, name)
            XCTAssertEqual(capped.utf8.count, integer(c["expected_utf8_bytes"]), name)

            // And through the event, with the SDK's own limits (which must be the vectors').
            let field = c["field"] as! String
            var event = BloopEvent(errorType: "CapError", message: "m")
            if field == "message" {
                XCTAssertEqual(maxBytes, WireLimits.maxMessageBytes)
                event.message = input
                XCTAssertEqual(event.cappedForWire().message, expected, name)
            } else {
                XCTAssertEqual(field, "stack")
                XCTAssertEqual(maxBytes, WireLimits.maxStackBytes)
                event.stack = input
                XCTAssertEqual(event.cappedForWire().stack, expected, name)
            }
        }
    }

    func testLimitsAreTheServers() {
        XCTAssertEqual(Vectors.limit("message_bytes"), WireLimits.maxMessageBytes)
        XCTAssertEqual(Vectors.limit("stack_bytes"), WireLimits.maxStackBytes)
        XCTAssertEqual(Vectors.limit("metadata_bytes"), WireLimits.maxMetadataBytes)
        XCTAssertEqual(Vectors.limit("fingerprint_chars"), WireLimits.maxFingerprintChars)
        XCTAssertEqual(Vectors.limit("body_bytes"), WireLimits.maxBodyBytes)
        XCTAssertEqual(Vectors.limit("batch_events"), WireLimits.maxBatchEvents)
    }

    func testMetadataVectors() throws {
        for c in Vectors.cases("metadata") {
            let name = c["name"] as! String
            let input = c["input"] as! [String: Any]
            let event = BloopEvent(errorType: "MetaError", message: "m", timestamp: 1, source: "ios",
                                   environment: "test", release: "1",
                                   metadata: input.mapValues { JSONValue(any: $0) })
            let sent = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(event.cappedForWire().wireJSON())) as? [String: Any])
            let metadata = try XCTUnwrap(sent["metadata"] as? [String: Any], name)
            let encodedSize = JSONValue.object(input.mapValues { JSONValue(any: $0) }).encoded().count
            XCTAssertLessThanOrEqual(try JSONSerialization.data(withJSONObject: metadata).count, integer(c["max_bytes"]), name)
            switch c["expected"] as! String {
            case "unchanged":
                XCTAssertEqual(JSONValue(any: metadata), JSONValue(any: input), name)
            case "replaced":
                XCTAssertEqual(Array(metadata.keys), ["bloop_metadata_dropped"], name)
                XCTAssertEqual(metadata["bloop_metadata_dropped"] as? String,
                               "\(encodedSize) bytes is over the \(WireLimits.maxMetadataBytes)-byte cap", name)
            default:
                XCTFail("unknown expectation in \(name)")
            }
        }
    }

    /// The batch planner on the exact encoded sizes of the vectors' events.
    func testBatchingVectors() throws {
        let cases = Vectors.cases("batching")
        XCTAssertGreaterThanOrEqual(cases.count, 2)
        for c in cases {
            let name = c["name"] as! String
            let events = c["events"] as! [[String: Any]]
            let sizes = try events.map { try encodedVectorEvent($0).count }
            let plan = Batching.plan(sizes, maxEvents: integer(c["max_events"]), maxBodyBytes: integer(c["max_body_bytes"]))
            XCTAssertEqual(plan, (c["expected_batches"] as! [Any]).map { integer($0) }, name)
        }
    }

    /// The SDK writes the same bytes as the vectors' generator (compact JSON, fields in the
    /// server's order, non-ASCII as is), so byte-bounded batches come out the same everywhere.
    func testEventJSONIsCompactAndInTheServersFieldOrder() throws {
        let vector = Vectors.cases("batching")[0]["events"] as! [[String: Any]]
        let json = String(decoding: try encodedVectorEvent(vector[0]), as: UTF8.self)
        XCTAssertEqual(json, "{\"timestamp\":1700000000000,\"source\":\"api\",\"environment\":\"test\","
                       + "\"release\":\"1.0.0\",\"error_type\":\"ConformanceError\",\"message\":\"event 0\"}")

        let full = BloopEvent(errorType: "Überfehler", message: "tab\there \"quoted\" \\ / 😀\u{1}",
                              timestamp: 5, source: "ios", environment: "e", release: "r", appVersion: "a",
                              buildNumber: "b", routeOrProcedure: "/x", screen: "s", stack: "l1\nl2",
                              httpStatus: 500, requestId: "q", userIdHash: "u", deviceIdHash: "d",
                              fingerprint: "f", metadata: ["k": "v"])
        let text = String(decoding: full.wireJSON(), as: UTF8.self)
        XCTAssertTrue(text.contains("\"message\":\"tab\\there \\\"quoted\\\" \\\\ / 😀\\u0001\""), text)
        var position = text.startIndex
        for key in EventFields.order {
            let range = try XCTUnwrap(text.range(of: "\"\(key)\":", range: position..<text.endIndex), key)
            position = range.upperBound
        }
    }

    func testSixtyEventsGoOutAsFiftyAndTen() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        let events = Vectors.cases("batching").first { $0["name"] as? String == "sixty_small_events" }!["events"] as! [[String: Any]]
        for event in events {
            client.capture(try XCTUnwrap(BloopEvent(wireJSON: JSONSerialization.data(withJSONObject: event))))
        }
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        XCTAssertEqual(server.requests.map { $0.events.count }, [50, 10])
        XCTAssertEqual(server.requests.flatMap { $0.messages }, (0..<60).map { "event \($0)" })
        for request in server.requests {
            XCTAssertEqual(request.headers["X-Signature"], expectedSignature(request.body))
        }
        await client.close()
    }

    func testTenLargeEventsAreBatchedByBytes() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        let events = Vectors.cases("batching").first { $0["name"] as? String == "ten_large_events_bounded_by_bytes" }!["events"] as! [[String: Any]]
        for event in events {
            client.capture(try XCTUnwrap(BloopEvent(wireJSON: JSONSerialization.data(withJSONObject: event))))
        }
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        XCTAssertEqual(server.requests.map { $0.events.count }, [4, 4, 2])
        for request in server.requests {
            XCTAssertLessThanOrEqual(request.body.count, WireLimits.maxBodyBytes)
        }
        await client.close()
    }

    /// A vector event as the SDK encodes it (fields in the vector's order are the server's order).
    private func encodedVectorEvent(_ object: [String: Any]) throws -> [UInt8] {
        let event = try XCTUnwrap(BloopEvent(wireJSON: JSONSerialization.data(withJSONObject: object)))
        return event.cappedForWire().wireJSON()
    }
}
