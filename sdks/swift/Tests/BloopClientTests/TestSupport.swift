import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
@testable import BloopClient

/// A scripted stand-in for bloop's ingest endpoint: records every request and answers from a
/// script (200 once the script is used up), on another thread as URLSession does.
final class FakeServer: HTTPPoster, @unchecked Sendable {
    struct Request {
        let url: URL
        let headers: [String: String]
        let body: Data
        let at: Date

        var events: [[String: Any]] {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            return object?["events"] as? [[String: Any]] ?? []
        }

        var messages: [String] {
            return events.compactMap { $0["message"] as? String }
        }
    }

    private let lock = NSLock()
    private var script: [HTTPResult] = []
    private var recorded: [Request] = []
    private var holding = false
    private var held: [(HTTPResult, @Sendable (HTTPResult) -> Void)] = []

    /// The next answers, in order.
    func answer(_ results: HTTPResult...) {
        lock.lock()
        script.append(contentsOf: results)
        lock.unlock()
    }

    /// Requests get no answer until `release()`: a slow or hung server.
    func hold() {
        lock.lock()
        holding = true
        lock.unlock()
    }

    func release() {
        lock.lock()
        holding = false
        let waiting = held
        held = []
        lock.unlock()
        for (result, completion) in waiting {
            DispatchQueue.global().async { completion(result) }
        }
    }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func post(url: URL, headers: [String: String], body: Data, timeout: TimeInterval,
              completion: @escaping @Sendable (HTTPResult) -> Void) {
        lock.lock()
        recorded.append(Request(url: url, headers: headers, body: body, at: Date()))
        let result = script.isEmpty ? HTTPResult.answer(200, body: "{\"accepted\":1,\"errors\":[]}") : script.removeFirst()
        if holding {
            held.append((result, completion))
            lock.unlock()
            return
        }
        lock.unlock()
        DispatchQueue.global().async { completion(result) }
    }

    /// Polls until `count` requests arrived or `timeout` passed.
    @discardableResult
    func waitForRequests(_ count: Int, timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if requests.count >= count {
                return true
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return requests.count >= count
    }
}

/// Collects what the SDK logs.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    var logger: @Sendable (String) -> Void {
        return { [self] line in
            self.lock.lock()
            self.recorded.append(line)
            self.lock.unlock()
        }
    }
}

/// sdks/conformance/vectors.json, shared by every bloop SDK and by bloop-api's tests.
enum Vectors {
    static let url: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/BloopClientTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // sdks/swift
        .deletingLastPathComponent()  // sdks
        .appendingPathComponent("conformance")
        .appendingPathComponent("vectors.json")

    static let root: [String: Any] = {
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func cases(_ section: String) -> [[String: Any]] {
        return root[section] as! [[String: Any]]
    }

    static func limit(_ name: String) -> Int {
        return integer((root["limits"] as! [String: Any])[name])
    }
}

/// A JSON number as Int, however Foundation handed it over (Int or NSNumber).
func integer(_ value: Any?) -> Int {
    if let int = value as? Int {
        return int
    }
    if let number = value as? NSNumber {
        return number.intValue
    }
    XCTFail("not a number: \(String(describing: value))")
    return -1
}

let testSecret = "test-secret-0123456789"

func temporaryDirectory() -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("bloop-swift-tests-\(UUID().uuidString)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func testOptions(crashDirectory: URL = temporaryDirectory(), _ configure: (inout BloopOptions) -> Void = { _ in }) -> BloopOptions {
    var options = BloopOptions(endpoint: URL(string: "http://127.0.0.1:9")!, secret: testSecret,
                               environment: "test", release: "1.0.0")
    options.autoCapture = false
    options.crashDirectory = crashDirectory
    options.flushInterval = 60
    options.appVersion = nil
    options.buildNumber = nil
    options.logger = nil
    configure(&options)
    return options
}

func makeClient(_ server: FakeServer, crashDirectory: URL = temporaryDirectory(),
                _ configure: (inout BloopOptions) -> Void = { _ in }) throws -> BloopClient {
    return try BloopClient(options: testOptions(crashDirectory: crashDirectory, configure), http: server)
}

func expectedSignature(_ body: Data, secret: String = testSecret) -> String {
    return Hex.lowercase(PureHMAC.sha256(key: Array(secret.utf8), message: Array(body)))
}
