import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import BloopClient

enum SampleError: Error {
    case notFound(id: Int)
}

struct DescribedError: LocalizedError {
    var errorDescription: String? {
        return "the profile could not be read"
    }
}

/// Sending: signing and headers, the bounded queue, retries (429/503 with Retry-After, network
/// errors and 5xx with backoff), 4xx dropped and logged once, flush and close.
final class DeliveryTests: XCTestCase {
    func testBatchIsSignedAndCarriesTheContractHeaders() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        client.captureMessage("checkout total was negative", type: "InvariantViolation",
                              context: EventContext(route: "/checkout", httpStatus: 500, metadata: ["items": 3]))
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.url.absoluteString, "http://127.0.0.1:9/v1/ingest/batch")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertEqual(request.headers["X-Signature"], expectedSignature(request.body))
        XCTAssertNil(request.headers["X-Project-Key"], "no project key: the default project")
        let event = try XCTUnwrap(request.events.first)
        XCTAssertEqual(event["error_type"] as? String, "InvariantViolation")
        XCTAssertEqual(event["message"] as? String, "checkout total was negative")
        XCTAssertEqual(event["source"] as? String, BloopOptions.platformSource)
        XCTAssertEqual(event["environment"] as? String, "test")
        XCTAssertEqual(event["release"] as? String, "1.0.0")
        XCTAssertEqual(event["route_or_procedure"] as? String, "/checkout")
        XCTAssertEqual(integer(event["http_status"]), 500)
        XCTAssertEqual(integer((event["metadata"] as? [String: Any])?["items"]), 3)
        XCTAssertGreaterThan(integer(event["timestamp"]), 1_600_000_000_000)
        XCTAssertNil(event["app_version"], "nil fields are left out, never sent as null")
        await client.close()
    }

    func testProjectKeyIsSentWhenSet() async throws {
        let server = FakeServer()
        let client = try makeClient(server) { $0.projectKey = "bloop_pk_test" }
        client.captureMessage("m")
        await client.flush(timeout: 5)
        XCTAssertEqual(server.requests.first?.headers["X-Project-Key"], "bloop_pk_test")
        await client.close()
    }

    func testSourceIsThePlatforms() {
        #if os(iOS)
        XCTAssertEqual(BloopOptions.platformSource, "ios")
        #elseif os(macOS)
        XCTAssertEqual(BloopOptions.platformSource, "macos")
        #elseif os(Linux)
        XCTAssertEqual(BloopOptions.platformSource, "linux")
        #endif
    }

    func testCaptureErrorReportsTypeMessageAndTheCallersStack() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        client.captureError(SampleError.notFound(id: 42), context: EventContext(screen: "Profile"))
        client.captureError(DescribedError())
        client.captureError(NSError(domain: "NSURLErrorDomain", code: -1001,
                                    userInfo: [NSLocalizedDescriptionKey: "The request timed out."]))
        await client.flush(timeout: 5)
        let events = server.requests.flatMap { $0.events }
        XCTAssertEqual(events.count, 3)
        XCTAssertEqual(events[0]["error_type"] as? String, "BloopClientTests.SampleError")
        XCTAssertEqual(events[0]["message"] as? String, "notFound(id: 42)")
        XCTAssertEqual(events[0]["screen"] as? String, "Profile")
        let stack = try XCTUnwrap(events[0]["stack"] as? String)
        let firstFrame = try XCTUnwrap(stack.split(separator: "\n").first.map(String.init))
        XCTAssertFalse(Stacks.isSDKFrame(firstFrame), "the SDK's own frames are not on top: \(firstFrame)")
        #if canImport(ObjectiveC)
        // Apple platforms name every frame; on Linux only exported symbols have names.
        XCTAssertTrue(stack.contains("BloopClientTests"), "the caller's frame is in the stack: \(stack)")
        #endif
        XCTAssertEqual(events[1]["error_type"] as? String, "BloopClientTests.DescribedError")
        XCTAssertEqual(events[1]["message"] as? String, "the profile could not be read")
        XCTAssertEqual(events[2]["error_type"] as? String, "NSURLErrorDomain")
        XCTAssertEqual(events[2]["message"] as? String, "The request timed out. (code -1001)")
        await client.close()
    }

    func testQueueOverflowDropsTheOldestAndCounts() async throws {
        let server = FakeServer()
        server.hold()
        let client = try makeClient(server) {
            $0.maxQueueSize = 5
            $0.maxBatchSize = 1
        }
        client.captureMessage("in flight")  // a batch of one leaves at once and hangs
        XCTAssertTrue(server.waitForRequests(1))
        for i in 0..<8 {
            client.captureMessage("queued \(i)")
        }
        await client.flush(timeout: 0.2)
        XCTAssertEqual(client.droppedEvents, 3)
        XCTAssertEqual(client.pendingEvents, 5)
        server.release()
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        XCTAssertEqual(server.requests.flatMap { $0.messages },
                       ["in flight", "queued 3", "queued 4", "queued 5", "queued 6", "queued 7"])
        await client.close()
    }

    func testTooManyRequestsWaitsForRetryAfterAndKeepsTheBatch() async throws {
        let server = FakeServer()
        server.answer(.answer(429, retryAfter: "1"))
        let client = try makeClient(server)
        client.captureMessage("rate limited")
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        let requests = server.requests
        XCTAssertEqual(requests.count, 2)
        XCTAssertEqual(requests[0].body, requests[1].body, "the same batch is sent again")
        XCTAssertGreaterThanOrEqual(requests[1].at.timeIntervalSince(requests[0].at), 0.95)
        await client.close()
    }

    func testServiceUnavailableWaitsForRetryAfterAndKeepsTheBatch() async throws {
        let server = FakeServer()
        server.answer(.answer(503, retryAfter: "1"))
        let client = try makeClient(server)
        client.captureMessage("server shutting down")
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        let requests = server.requests
        XCTAssertEqual(requests.count, 2)
        XCTAssertEqual(requests[0].body, requests[1].body)
        XCTAssertGreaterThanOrEqual(requests[1].at.timeIntervalSince(requests[0].at), 0.95)
        await client.close()
    }

    func testRetryAfterRules() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        XCTAssertEqual(SendOutcome.classify(.answer(429, retryAfter: "7"), maxBackoffMillis: 300_000), .retry(afterMillis: 7000))
        XCTAssertEqual(SendOutcome.classify(.answer(503), maxBackoffMillis: 300_000), .retry(afterMillis: 60_000),
                       "no Retry-After: 60 s, as Sentry")
        XCTAssertEqual(SendOutcome.classify(.answer(429, retryAfter: "86400"), maxBackoffMillis: 300_000),
                       .retry(afterMillis: 300_000), "capped by maxBackoff")
        XCTAssertEqual(SendOutcome.classify(.answer(429, retryAfter: "Tue, 14 Nov 2023 22:13:50 GMT"),
                                            maxBackoffMillis: 300_000, now: now), .retry(afterMillis: 30_000))
        XCTAssertEqual(SendOutcome.classify(.answer(500), maxBackoffMillis: 300_000), .retry(afterMillis: nil))
        XCTAssertEqual(SendOutcome.classify(.networkError("refused"), maxBackoffMillis: 300_000), .retry(afterMillis: nil))
        XCTAssertEqual(SendOutcome.classify(.answer(200), maxBackoffMillis: 300_000), .sent)
        for status in [400, 401, 403, 404, 413, 422] {
            XCTAssertEqual(SendOutcome.classify(.answer(status), maxBackoffMillis: 300_000), .refused(status: status))
        }
    }

    func testBackoffDoublesUpToItsCap() {
        XCTAssertEqual((1...8).map { RetrySchedule.backoffMillis(failures: $0, initialMillis: 5000, maxMillis: 300_000) },
                       [5000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000])
    }

    func testNetworkErrorsAndServerErrorsAreRetriedWithGrowingWaits() async throws {
        let server = FakeServer()
        server.answer(.networkError("connection refused"), .answer(500), .answer(502))
        let client = try makeClient(server) {
            $0.initialBackoff = 0.2
            $0.maxBackoff = 5
        }
        client.captureMessage("flaky network")
        let drained = await client.flush(timeout: 8)
        XCTAssertTrue(drained)
        let requests = server.requests
        XCTAssertEqual(requests.count, 4)
        XCTAssertEqual(Set(requests.map { $0.body }).count, 1, "the batch is kept, not rebuilt or lost")
        let gaps = zip(requests.dropFirst(), requests).map { $0.at.timeIntervalSince($1.at) }
        // Jittered between half and all of 0.2 s, 0.4 s, 0.8 s.
        XCTAssertGreaterThanOrEqual(gaps[0], 0.09)
        XCTAssertGreaterThanOrEqual(gaps[1], 0.19)
        XCTAssertGreaterThanOrEqual(gaps[2], 0.39)
        await client.close()
    }

    func testOther4xxDropsTheBatchAndLogsOnce() async throws {
        let server = FakeServer()
        server.answer(.answer(401, body: "{\"error\":\"signature mismatch\"}"),
                      .answer(401, body: "{\"error\":\"signature mismatch\"}"),
                      .answer(413))
        let log = LogRecorder()
        let client = try makeClient(server) { $0.logger = log.logger }
        for i in 0..<3 {
            client.captureMessage("refused \(i)")
            let done = await client.flush(timeout: 5)
            XCTAssertTrue(done, "a refused batch has left the queue")
        }
        XCTAssertEqual(server.requests.count, 3, "never retried")
        XCTAssertEqual(client.pendingEvents, 0)
        XCTAssertEqual(log.lines.filter { $0.contains("HTTP 401") }.count, 1, "logged once: \(log.lines)")
        XCTAssertEqual(log.lines.filter { $0.contains("HTTP 413") }.count, 1)
        await client.close()
    }

    func testFlushReturnsFalseWhenBloopIsUnreachable() async throws {
        let server = FakeServer()
        server.answer(.networkError("offline"))
        let client = try makeClient(server) { $0.initialBackoff = 30 }
        client.captureMessage("offline")
        let drained = await client.flush(timeout: 0.3)
        XCTAssertFalse(drained)
        XCTAssertEqual(client.pendingEvents, 1, "kept for a later attempt")
        await client.close(timeout: 0.1)
    }

    func testFlushSendsAPartialBatchWithoutWaitingForTheInterval() async throws {
        let server = FakeServer()
        let client = try makeClient(server) { $0.flushInterval = 3600 }
        client.captureMessage("one")
        let drained = await client.flush(timeout: 2)
        XCTAssertTrue(drained)
        XCTAssertEqual(server.requests.count, 1)
        await client.close()
    }

    func testTheIntervalSendsWithoutAFlush() throws {
        let server = FakeServer()
        let client = try makeClient(server) { $0.flushInterval = 0.1 }
        client.captureMessage("on the timer")
        XCTAssertTrue(server.waitForRequests(1, timeout: 3))
        _ = client.flushSync(timeout: 1)
    }

    func testCloseFlushesThenDropsLaterCapturesAndIsIdempotent() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        client.captureMessage("before close")
        let closed = await client.close(timeout: 5)
        XCTAssertTrue(closed)
        XCTAssertEqual(server.requests.flatMap { $0.messages }, ["before close"])
        client.captureMessage("after close")
        let again = await client.close(timeout: 1)
        XCTAssertTrue(again)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(client.droppedEvents, 1)
    }

    func testBeforeSendCanChangeOrDropEvents() async throws {
        let server = FakeServer()
        let client = try makeClient(server) {
            $0.beforeSend = { event in
                if event.message.contains("secret") {
                    return nil
                }
                var changed = event
                changed.userIdHash = "hashed"
                return changed
            }
        }
        client.captureMessage("contains a secret")
        client.captureMessage("fine")
        await client.flush(timeout: 5)
        let events = server.requests.flatMap { $0.events }
        XCTAssertEqual(events.map { $0["message"] as? String }, ["fine"])
        XCTAssertEqual(events.first?["user_id_hash"] as? String, "hashed")
        await client.close()
    }

    func testOversizedFieldsAreCappedNotRefused() async throws {
        let server = FakeServer()
        let client = try makeClient(server)
        client.capture(BloopEvent(errorType: "", message: String(repeating: "é", count: 5000),
                                  routeOrProcedure: String(repeating: "r", count: 5000),
                                  stack: String(repeating: "frame\n", count: 5000), httpStatus: 42,
                                  fingerprint: String(repeating: "f", count: 300),
                                  metadata: ["blob": .string(String(repeating: "z", count: 5000))]))
        await client.flush(timeout: 5)
        let event = try XCTUnwrap(server.requests.first?.events.first)
        XCTAssertEqual(event["error_type"] as? String, "Error", "an empty required field gets a placeholder")
        XCTAssertEqual((event["message"] as? String)?.utf8.count, 2048)
        XCTAssertLessThanOrEqual((event["stack"] as? String)?.utf8.count ?? 0, 8192)
        XCTAssertEqual((event["route_or_procedure"] as? String)?.utf8.count, WireLimits.maxOtherFieldBytes)
        XCTAssertEqual((event["fingerprint"] as? String)?.count, 256)
        XCTAssertNil(event["http_status"], "outside 100...599: not sent")
        XCTAssertNotNil((event["metadata"] as? [String: Any])?["bloop_metadata_dropped"])
        await client.close()
    }

    func testInvalidOptionsAreRefused() {
        func options(_ change: (inout BloopOptions) -> Void) -> BloopOptions {
            return testOptions(change)
        }
        let invalid: [BloopOptions] = [
            options { $0.endpoint = URL(string: "ftp://example.com")! },
            options { $0.secret = "" },
            options { $0.environment = " " },
            options { $0.release = "" },
            options { $0.source = "iOS App" },
            options { $0.maxBatchSize = 51 },
            options { $0.maxQueueSize = 0 },
            options { $0.flushInterval = 0 },
        ]
        for option in invalid {
            XCTAssertThrowsError(try BloopClient(options: option, http: FakeServer()))
        }
        XCTAssertNoThrow(try BloopClient(options: testOptions(), http: FakeServer()))
    }

    /// The real transport: URLSession with the contract's headers and body (through a URLProtocol
    /// stand-in, so no socket is opened).
    func testURLSessionPosterSendsHeadersAndBody() throws {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.protocolClasses = [RecordingURLProtocol.self]
        let poster = URLSessionPoster(session: URLSession(configuration: configuration))
        let done = expectation(description: "answered")
        let body = Data("{\"events\":[]}".utf8)
        let box = ResultHolder()
        poster.post(url: URL(string: "http://127.0.0.1:9/v1/ingest/batch")!,
                    headers: ["Content-Type": "application/json", "X-Signature": "abc"], body: body, timeout: 5) { result in
            box.result = result
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
        XCTAssertEqual(box.result?.status, 429)
        XCTAssertEqual(box.result?.retryAfter, "3")
        let seen = try XCTUnwrap(RecordingURLProtocol.lastRequest)
        XCTAssertEqual(seen.httpMethod, "POST")
        XCTAssertEqual(seen.value(forHTTPHeaderField: "X-Signature"), "abc")
        XCTAssertEqual(seen.value(forHTTPHeaderField: "Content-Type"), "application/json")
    }
}

private final class ResultHolder: @unchecked Sendable {
    var result: HTTPResult?
}

/// Answers every request with 429 and `Retry-After: 3`, remembering the request.
final class RecordingURLProtocol: URLProtocol {
    static var lastRequest: URLRequest?

    override class func canInit(with request: URLRequest) -> Bool {
        return true
    }

    override class func canonicalRequest(for request: URLRequest) -> URLRequest {
        return request
    }

    override func startLoading() {
        RecordingURLProtocol.lastRequest = request
        let response = HTTPURLResponse(url: request.url!, statusCode: 429, httpVersion: "HTTP/1.1",
                                       headerFields: ["Retry-After": "3"])!
        client?.urlProtocol(self, didReceive: response, cacheStoragePolicy: .notAllowed)
        client?.urlProtocol(self, didLoad: Data("{\"error\":\"busy\"}".utf8))
        client?.urlProtocolDidFinishLoading(self)
    }

    override func stopLoading() {}
}
