import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reports errors to bloop.
///
/// ```swift
/// var options = BloopOptions(endpoint: URL(string: "https://bloop.example.com")!,
///                            secret: "<ingest secret>", environment: "production", release: "2.3.1")
/// let bloop = try BloopClient.start(options)
///
/// do { try loadProfile() } catch { bloop.captureError(error, context: EventContext(screen: "Profile")) }
/// await bloop.flush()
/// ```
///
/// Capturing never throws and never waits: the event is queued (bounded; when full the oldest is
/// dropped and counted) and sent signed, in batches of at most 50 events and 32 KB, every
/// `flushInterval` or as soon as a batch is full. Network errors and 5xx are retried with
/// exponential backoff, 429/503 after `Retry-After`; another 4xx drops the batch and is logged once.
/// With `autoCapture`, uncaught NSExceptions and fatal signals are written to a file and sent at the
/// next start, and queued events are flushed when the app goes to the background or exits.
public final class BloopClient: @unchecked Sendable {
    /// The client made by ``start(_:)``.
    public static var shared: BloopClient? {
        sharedLock.lock()
        defer { sharedLock.unlock() }
        return sharedClient
    }

    private static let sharedLock = NSLock()
    private static var sharedClient: BloopClient?

    public let options: BloopOptions
    private let pipeline: EventPipeline
    private let crashStore: CrashStore?
    private let crashReporter: CrashReporter?
    private var lifecycle: LifecycleHooks?
    private let stateLock = NSLock()
    private var isClosed = false

    /// Validates the options, sends crash events left by earlier runs and, with `autoCapture`,
    /// installs the crash and lifecycle hooks.
    public convenience init(options: BloopOptions) throws {
        let valid = try options.validated()
        try self.init(options: valid, http: URLSessionPoster(requestTimeout: valid.requestTimeout))
    }

    init(options: BloopOptions, http: HTTPPoster) throws {
        let options = try options.validated()
        self.options = options
        let log = options.logger ?? { _ in }
        let store = (options.crashDirectory ?? CrashStore.defaultDirectory()).flatMap { CrashStore(directory: $0) }
        crashStore = store
        pipeline = EventPipeline(
            settings: EventPipeline.Settings(
                batchURL: options.endpoint.appendingPathComponent("v1/ingest/batch"),
                secret: options.secret,
                projectKey: options.projectKey,
                maxQueueSize: options.maxQueueSize,
                maxBatchEvents: options.maxBatchSize,
                flushInterval: options.flushInterval,
                requestTimeout: options.requestTimeout,
                initialBackoffMillis: Int(options.initialBackoff * 1000),
                maxBackoffMillis: Int(options.maxBackoff * 1000)),
            http: http,
            log: log,
            removeFile: { url in store?.remove(url) })
        crashReporter = store.map { CrashReporter(store: $0, options: options) }

        if let store = store {
            for (event, file) in store.pendingEvents() {
                submitPersisted(event, file: file)
            }
        }
        if options.autoCapture {
            if let reporter = crashReporter {
                CrashHandlers.install(reporter, signals: options.captureSignals)
            }
            let timeout = options.shutdownTimeout
            lifecycle = LifecycleHooks(
                onBackground: { [weak self] in self?.flushInBackground(timeout: timeout) },
                onTerminate: { [weak self] in _ = self?.flushSync(timeout: timeout) })
            #if os(macOS) || os(Linux)
            ExitFlush.register(self)
            #endif
        }
    }

    /// Creates the client, makes it ``shared`` (closing the one before, if any) and installs its hooks.
    @discardableResult
    public static func start(_ options: BloopOptions) throws -> BloopClient {
        let client = try BloopClient(options: options)
        sharedLock.lock()
        let previous = sharedClient
        sharedClient = client
        sharedLock.unlock()
        previous?.closeInBackground()
        return client
    }

    // MARK: - Capture

    /// Sends a fully built event; missing timestamp, source, environment, release, app version and
    /// build number take the client's.
    public func capture(_ event: BloopEvent) {
        submit(event)
    }

    /// A Swift `Error`: its type (`String(reflecting:)`, e.g. `MyApp.ProfileError`), its
    /// description, and the calling thread's stack. An `NSError` is reported by domain and code.
    public func captureError(_ error: Error, context: EventContext = EventContext()) {
        let description = ErrorDescription.of(error)
        let stack = options.attachStacktrace ? Stacks.current() : nil
        submit(BloopEvent(errorType: description.type, message: description.message, stack: stack), context: context)
    }

    /// The same as ``captureError(_:context:)`` (the name other bloop SDKs use).
    public func captureException(_ error: Error, context: EventContext = EventContext()) {
        let description = ErrorDescription.of(error)
        let stack = options.attachStacktrace ? Stacks.current() : nil
        submit(BloopEvent(errorType: description.type, message: description.message, stack: stack), context: context)
    }

    #if canImport(ObjectiveC)
    /// An Objective-C exception that was caught: its name, reason and the stack where it was raised.
    public func captureException(_ exception: NSException, context: EventContext = EventContext()) {
        let stack = exception.callStackSymbols.isEmpty ? nil : Stacks.join(exception.callStackSymbols)
        submit(BloopEvent(errorType: exception.name.rawValue, message: exception.reason ?? exception.name.rawValue,
                          stack: stack), context: context)
    }
    #endif

    /// An error without an `Error` value: a failed check, an unexpected response, ...
    public func captureMessage(_ message: String, type: String = "Message", context: EventContext = EventContext()) {
        let stack = options.attachStacktrace ? Stacks.current() : nil
        submit(BloopEvent(errorType: type, message: message, stack: stack), context: context)
    }

    // MARK: - Flush and close

    /// Waits until everything captured before the call has been sent (or refused by the server,
    /// or dropped), at most `timeout` seconds (default: `shutdownTimeout`).
    /// - Returns: true when it all left in time.
    @discardableResult
    public func flush(timeout: TimeInterval? = nil) async -> Bool {
        let seconds = timeout ?? options.shutdownTimeout
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            pipeline.flush(timeout: seconds) { drained in
                continuation.resume(returning: drained)
            }
        }
    }

    /// Flushes (at most `timeout`, default `shutdownTimeout`), then stops the sender and removes
    /// the hooks, restoring the handlers that were there before. Later captures are dropped.
    /// Calling it again is harmless.
    @discardableResult
    public func close(timeout: TimeInterval? = nil) async -> Bool {
        let seconds = timeout ?? options.shutdownTimeout
        uninstallHooks()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            pipeline.close(timeout: seconds) { drained in
                continuation.resume(returning: drained)
            }
        }
    }

    /// ``flush(timeout:)`` for code that cannot `await` (e.g. `applicationWillTerminate`): blocks
    /// the calling thread at most `timeout` seconds.
    @discardableResult
    public func flushSync(timeout: TimeInterval? = nil) -> Bool {
        if pipeline.isOnPipelineQueue {
            return false
        }
        let seconds = timeout ?? options.shutdownTimeout
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        pipeline.flush(timeout: seconds) { drained in
            result.value = drained
            done.signal()
        }
        if done.wait(timeout: .now() + seconds + 0.25) == .timedOut {
            return false
        }
        return result.value
    }

    /// Events dropped so far: queue full (oldest first), client closed, or too big to send.
    public var droppedEvents: Int {
        return pipeline.droppedCount
    }

    /// Events waiting to be sent.
    public var pendingEvents: Int {
        return pipeline.pendingCount
    }

    // MARK: - Internals

    private var closed: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return isClosed
    }

    private func uninstallHooks() {
        stateLock.lock()
        let wasClosed = isClosed
        isClosed = true
        let hooks = lifecycle
        lifecycle = nil
        stateLock.unlock()
        if wasClosed {
            return
        }
        hooks?.remove()
        if let reporter = crashReporter {
            CrashHandlers.uninstall(reporter)
        }
        ExitFlush.unregister(self)
        BloopClient.sharedLock.lock()
        if BloopClient.sharedClient === self {
            BloopClient.sharedClient = nil
        }
        BloopClient.sharedLock.unlock()
    }

    private func closeInBackground() {
        uninstallHooks()
        pipeline.close(timeout: options.shutdownTimeout) { _ in }
    }

    private func flushInBackground(timeout: TimeInterval) {
        #if canImport(ObjectiveC) && !os(watchOS)
        // Ask for background time, then send what is queued within the shutdown timeout.
        ProcessInfo.processInfo.performExpiringActivity(withReason: "bloop: sending queued error events") { expired in
            if !expired {
                _ = self.flushSync(timeout: timeout)
            }
        }
        #else
        pipeline.flush(timeout: timeout) { _ in }
        #endif
    }

    /// Fills, filters (beforeSend), caps and encodes the event on the pipeline's queue, so the
    /// caller only pays for building it (and for the stack, which must be taken on its thread).
    private func submit(_ event: BloopEvent, context: EventContext? = nil) {
        if closed {
            pipeline.countDropped()
            return
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let options = self.options
        let pipeline = self.pipeline
        pipeline.enqueue(after: {
            var e = event
            if let context = context {
                e = e.merging(context)
            }
            return BloopClient.prepare(e.filled(from: options, now: now), options: options,
                                       onTooBig: { pipeline.countDropped() })
        })
    }

    /// A crash event from an earlier run: goes through beforeSend like any other, keeps its own
    /// release and environment, and its file is deleted once it has left the queue.
    private func submitPersisted(_ event: BloopEvent, file: URL) {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if let json = BloopClient.prepare(event.filled(from: options, now: now), options: options,
                                          onTooBig: { self.pipeline.countDropped() }) {
            pipeline.enqueue(json, file: file)
        } else {
            crashStore?.remove(file)
        }
    }

    /// beforeSend, caps, JSON. nil when beforeSend drops the event or it cannot fit in a request.
    static func prepare(_ event: BloopEvent, options: BloopOptions, onTooBig: () -> Void) -> [UInt8]? {
        var e = event
        if let beforeSend = options.beforeSend {
            guard let kept = beforeSend(e) else { return nil }
            e = kept.filled(from: options, now: e.timestamp ?? 0)
        }
        e = e.cappedForWire()
        var json = e.wireJSON()
        let limit = Batching.maxEventBytes(maxBodyBytes: WireLimits.maxBodyBytes)
        if json.count > limit {
            // Escaping can grow text (a control character takes 6 bytes): shrink the stack and
            // the metadata once before giving up.
            e.stack = e.stack.map { UTF8Cap.truncate($0, maxBytes: 2048) }
            e.metadata = e.metadata == nil ? nil : ["bloop_metadata_dropped": "event over the body cap"]
            json = e.wireJSON()
        }
        if json.count > limit {
            options.logger?("dropped an event of \(json.count) bytes: over the \(limit)-byte request cap")
            onTooBig()
            return nil
        }
        return json
    }
}

/// Carries a flush result from the pipeline's queue to a thread blocked on a semaphore.
private final class ResultBox: @unchecked Sendable {
    var value = false
}
