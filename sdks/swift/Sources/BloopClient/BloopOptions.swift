import Foundation

/// How a ``BloopClient`` reaches bloop and what it does on its own.
///
/// ```swift
/// var options = BloopOptions(endpoint: URL(string: "https://bloop.example.com")!,
///                            secret: "<the project's ingest secret>",
///                            environment: "production", release: "2.3.1")
/// options.projectKey = "bloop_pk_..."     // omit for the server's default project
/// let bloop = try BloopClient.start(options)
/// ```
public struct BloopOptions: Sendable {
    /// The server's base URL; events go to `<endpoint>/v1/ingest/batch`.
    public var endpoint: URL
    /// The HMAC key: the project's ingest secret (or the server's `auth.hmac_secret` for the default
    /// project). Anything shipped inside an app can be read by its users; bloop's per-project
    /// quotas and filters exist for that reason.
    public var secret: String
    /// The project's public key, sent as `X-Project-Key`; nil sends to the default project.
    public var projectKey: String?
    public var environment: String
    public var release: String
    /// `[a-z0-9_-]{1,32}`; `ios` on iOS, `macos` on macOS (see ``BloopOptions/platformSource``).
    public var source: String = BloopOptions.platformSource
    /// Defaults to the main bundle's `CFBundleShortVersionString`.
    public var appVersion: String? = Bundle.main.object(forInfoDictionaryKey: "CFBundleShortVersionString") as? String
    /// Defaults to the main bundle's `CFBundleVersion`.
    public var buildNumber: String? = Bundle.main.object(forInfoDictionaryKey: "CFBundleVersion") as? String
    /// How long a partly filled batch waits before it is sent.
    public var flushInterval: TimeInterval = 5
    /// Events kept while bloop is slow or unreachable; past it the oldest are dropped (and counted
    /// in ``BloopClient/droppedEvents``).
    public var maxQueueSize: Int = 1000
    /// Events per request, 1...50 (50 is the server's cap). Requests also stay within 32 KB.
    public var maxBatchSize: Int = 50
    /// How long `close()` and the flush on exit or on going to the background may take.
    public var shutdownTimeout: TimeInterval = 2
    public var requestTimeout: TimeInterval = 10
    /// First wait after a network error or a 5xx; doubled at each failure in a row.
    public var initialBackoff: TimeInterval = 5
    /// The longest wait between attempts (also caps a server's `Retry-After`).
    public var maxBackoff: TimeInterval = 300
    /// Install the crash handlers (uncaught `NSException`, fatal signals: the event is written to a
    /// file and sent at the next start) and the flush on background/exit.
    public var autoCapture: Bool = true
    /// Part of ``autoCapture``: fatal POSIX signals (Swift runtime traps, SIGSEGV, SIGABRT, ...).
    /// Turn off when another crash reporter owns the signal handlers.
    public var captureSignals: Bool = true
    /// Attach the calling thread's stack (`Thread.callStackSymbols`) to `captureError`/`captureMessage`.
    public var attachStacktrace: Bool = true
    /// Where crash events wait for the next start. Default: Application Support/<bundle id>/bloop-crashes.
    public var crashDirectory: URL?
    /// Sees every event before it is queued; return nil to drop it. Runs on the SDK's queue.
    public var beforeSend: (@Sendable (BloopEvent) -> BloopEvent?)?
    /// Where the SDK reports its own problems (a refused batch, dropped events). Default: stderr.
    public var logger: (@Sendable (String) -> Void)? = BloopOptions.standardErrorLogger

    public init(endpoint: URL, secret: String, environment: String, release: String) {
        self.endpoint = endpoint
        self.secret = secret
        self.environment = environment
        self.release = release
    }

    /// `ios`, `macos`, `tvos`, `watchos`, `visionos` or `linux`.
    public static var platformSource: String {
        #if os(iOS)
        return "ios"
        #elseif os(macOS)
        return "macos"
        #elseif os(tvOS)
        return "tvos"
        #elseif os(watchOS)
        return "watchos"
        #elseif os(visionOS)
        return "visionos"
        #elseif os(Linux)
        return "linux"
        #else
        return "swift"
        #endif
    }

    public static let standardErrorLogger: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data(("[bloop] " + message + "\n").utf8))
    }

    func validated() throws -> BloopOptions {
        guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https",
              endpoint.host != nil else {
            throw BloopConfigurationError("endpoint must be an http(s) URL, got \(endpoint)")
        }
        if secret.isEmpty {
            throw BloopConfigurationError("secret is required")
        }
        if environment.isBlank {
            throw BloopConfigurationError("environment is required")
        }
        if release.isBlank {
            throw BloopConfigurationError("release is required")
        }
        if !BloopOptions.isSourceToken(source) {
            throw BloopConfigurationError("source must match [a-z0-9_-]{1,32}, got \(source)")
        }
        if maxQueueSize < 1 {
            throw BloopConfigurationError("maxQueueSize must be at least 1")
        }
        if maxBatchSize < 1 || maxBatchSize > WireLimits.maxBatchEvents {
            throw BloopConfigurationError("maxBatchSize must be between 1 and \(WireLimits.maxBatchEvents)")
        }
        for (name, value) in [("flushInterval", flushInterval), ("shutdownTimeout", shutdownTimeout),
                              ("requestTimeout", requestTimeout), ("initialBackoff", initialBackoff),
                              ("maxBackoff", maxBackoff)] where !(value > 0 && value.isFinite) {
            throw BloopConfigurationError("\(name) must be a positive number of seconds")
        }
        return self
    }

    static func isSourceToken(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 32 else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5f || byte == 0x2d
        }
    }
}

/// A ``BloopOptions`` value that cannot work (thrown by ``BloopClient/init(options:)``).
public struct BloopConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    /// Empty or only white space: the server refuses such a required field.
    var isBlank: Bool {
        return trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }
}
