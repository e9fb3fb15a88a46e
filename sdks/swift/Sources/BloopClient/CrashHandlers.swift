import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

// Process-wide crash hooks. A crashing process may not finish a network request, so (like
// sentry-cocoa) the event is written to a file at once and sent at the next start:
// - an uncaught NSException: the handler can still run ordinary code, so it builds and writes the
//   event's JSON, then calls the handler that was installed before;
// - a fatal signal (Swift runtime traps, SIGSEGV, SIGABRT, ...): the handler only calls
//   async-signal-safe functions on memory prepared at install time, writes a raw record
//   (SignalRecord), restores the previous handler and raises the signal again, so the process ends
//   exactly as it would have without the SDK (same signal, previous handler called).
// Only one client owns the hooks at a time; close() restores what was there before.

#if canImport(Darwin) || canImport(Glibc)
private typealias BacktraceFunction = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int32) -> Int32
private typealias BacktraceSymbolsFdFunction = @convention(c) (UnsafePointer<UnsafeMutableRawPointer?>?, Int32, Int32) -> Void

/// Everything the signal handler touches. Allocated before any crash and never freed or moved.
private struct SignalHandlerState {
    var path: UnsafeMutablePointer<CChar>
    var header: UnsafeMutablePointer<UInt8>
    var headerLength: Int
    /// Room to turn a number into text.
    var scratch: UnsafeMutablePointer<UInt8>
    var frames: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    var frameCapacity: Int32
    /// The actions that were installed before, indexed by signal number.
    var previous: UnsafeMutablePointer<sigaction>
    var backtrace: BacktraceFunction?
    var backtraceSymbolsFd: BacktraceSymbolsFdFunction?
    /// 1 once a record was written: a second fault while crashing writes nothing more.
    var handled: Int32
    /// 1 once an uncaught NSException was written: the SIGABRT that follows is the same crash.
    var exceptionPersisted: Int32
}

private var signalState: UnsafeMutablePointer<SignalHandlerState>?

private let fatalSignals: [Int32] = [SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP]

private let signalSlots = 65

private func bloopSignalHandler(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?,
                                _ context: UnsafeMutableRawPointer?) {
    guard let state = signalState, signal >= 0, Int(signal) < signalSlots else {
        return
    }
    if state.pointee.handled == 0 && state.pointee.exceptionPersisted == 0 {
        state.pointee.handled = 1
        writeSignalRecord(state, signal)
    }
    // Hand the signal on: the previous action (another reporter, or the default that ends the
    // process with this signal) runs as soon as this handler returns.
    sigaction(signal, state.pointee.previous.advanced(by: Int(signal)), nil)
    raise(signal)
}

/// open/write/close/clock_gettime/backtrace_symbols_fd only: no allocation, no locks.
private func writeSignalRecord(_ state: UnsafeMutablePointer<SignalHandlerState>, _ signal: Int32) {
    let fd = open(state.pointee.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    if fd < 0 {
        return
    }
    _ = write(fd, state.pointee.header, state.pointee.headerLength)
    writeLine(fd, Int64(signal), state.pointee.scratch)
    var now = timespec()
    if clock_gettime(CLOCK_REALTIME, &now) == 0 {
        writeLine(fd, Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000, state.pointee.scratch)
    } else {
        writeLine(fd, 0, state.pointee.scratch)
    }
    if let backtrace = state.pointee.backtrace, let symbolsFd = state.pointee.backtraceSymbolsFd {
        let count = backtrace(state.pointee.frames, state.pointee.frameCapacity)
        if count > 0 {
            symbolsFd(state.pointee.frames, count, fd)
        }
    }
    _ = fsync(fd)
    _ = close(fd)
}

/// `value` in decimal and a newline, from a 32-byte scratch buffer.
private func writeLine(_ fd: Int32, _ value: Int64, _ scratch: UnsafeMutablePointer<UInt8>) {
    var rest = value < 0 ? 0 : value
    var i = 31
    scratch[i] = 0x0a
    repeat {
        i -= 1
        scratch[i] = UInt8(truncatingIfNeeded: 0x30 + rest % 10)
        rest /= 10
    } while rest > 0 && i > 0
    _ = write(fd, scratch.advanced(by: i), 32 - i)
}
#endif

#if canImport(ObjectiveC)
private var previousExceptionHandler: NSUncaughtExceptionHandler?

private func bloopUncaughtExceptionHandler(_ exception: NSException) {
    CrashHandlers.persist(exception)
    previousExceptionHandler?(exception)
}
#endif

/// The client whose options and crash directory the hooks use.
final class CrashReporter: @unchecked Sendable {
    let store: CrashStore
    let options: BloopOptions

    init(store: CrashStore, options: BloopOptions) {
        self.store = store
        self.options = options
    }
}

enum CrashHandlers {
    private static let lock = NSLock()
    private static var reporter: CrashReporter?
    private static var exceptionHandlerInstalled = false
    private static var signalHandlersInstalled = false

    static func install(_ newReporter: CrashReporter, signals: Bool) {
        lock.lock()
        defer { lock.unlock() }
        reporter = newReporter
        #if canImport(ObjectiveC)
        if !exceptionHandlerInstalled {
            previousExceptionHandler = NSGetUncaughtExceptionHandler()
            NSSetUncaughtExceptionHandler(bloopUncaughtExceptionHandler)
            exceptionHandlerInstalled = true
        }
        #endif
        #if canImport(Darwin) || canImport(Glibc)
        if signals {
            installSignalHandlers(path: newReporter.store.signalRecordPath(),
                                  header: SignalRecord.header(options: newReporter.options))
        }
        #endif
    }

    /// Restores the handlers that were there before, if `owner` still owns the hooks.
    static func uninstall(_ owner: CrashReporter) {
        lock.lock()
        defer { lock.unlock() }
        guard reporter === owner else { return }
        reporter = nil
        #if canImport(ObjectiveC)
        if exceptionHandlerInstalled {
            NSSetUncaughtExceptionHandler(previousExceptionHandler)
            previousExceptionHandler = nil
            exceptionHandlerInstalled = false
        }
        #endif
        #if canImport(Darwin) || canImport(Glibc)
        uninstallSignalHandlers()
        #endif
    }

    static var isInstalled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return reporter != nil
    }

    #if canImport(ObjectiveC)
    /// Writes the event of an uncaught exception (called by the handler, before the previous one).
    static func persist(_ exception: NSException) {
        lock.lock()
        let current = reporter
        lock.unlock()
        guard let current = current else { return }
        var event = BloopEvent(errorType: exception.name.rawValue,
                               message: exception.reason ?? exception.name.rawValue,
                               stack: Stacks.join(exception.callStackSymbols))
        event.metadata = ["unhandled": true, "mechanism": "NSUncaughtExceptionHandler"]
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let json = event.filled(from: current.options, now: now).cappedForWire().wireJSON()
        if current.store.persist(eventJSON: json) {
            #if canImport(Darwin) || canImport(Glibc)
            signalState?.pointee.exceptionPersisted = 1
            #endif
        }
    }
    #endif

    #if canImport(Darwin) || canImport(Glibc)
    /// Must be called with `lock` held.
    private static func installSignalHandlers(path: String, header: [UInt8]) {
        // A new state each time (a handler may be reading the old one); the old one is left alone.
        let state = UnsafeMutablePointer<SignalHandlerState>.allocate(capacity: 1)
        let headerBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, header.count))
        headerBuffer.initialize(from: header, count: header.count)
        let frameCapacity: Int32 = 128
        let frames = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: Int(frameCapacity))
        frames.initialize(repeating: nil, count: Int(frameCapacity))
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: signalSlots)
        previous.initialize(repeating: sigaction(), count: signalSlots)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        scratch.initialize(repeating: 0, count: 32)

        let process = dlopen(nil, RTLD_NOW)
        let backtrace = dlsym(process, "backtrace").map { unsafeBitCast($0, to: BacktraceFunction.self) }
        let symbolsFd = dlsym(process, "backtrace_symbols_fd").map { unsafeBitCast($0, to: BacktraceSymbolsFdFunction.self) }
        // The first backtrace() may load the unwinder and allocate: do it now, not while crashing.
        if let backtrace = backtrace {
            _ = backtrace(frames, frameCapacity)
        }

        // Keep the actions saved by an earlier install: those are the app's, not ours.
        if let old = signalState, signalHandlersInstalled {
            previous.update(from: old.pointee.previous, count: signalSlots)
        }
        state.initialize(to: SignalHandlerState(
            path: strdup(path), header: headerBuffer, headerLength: header.count, scratch: scratch,
            frames: frames, frameCapacity: frameCapacity, previous: previous, backtrace: backtrace,
            backtraceSymbolsFd: symbolsFd, handled: 0, exceptionPersisted: 0))
        signalState = state

        if signalHandlersInstalled {
            return
        }
        installAlternateStack()
        for signal in fatalSignals {
            var action = sigaction()
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            #if canImport(Darwin)
            action.__sigaction_u.__sa_sigaction = bloopSignalHandler
            #else
            action.__sigaction_handler.sa_sigaction = bloopSignalHandler
            #endif
            sigaction(signal, &action, previous.advanced(by: Int(signal)))
        }
        signalHandlersInstalled = true
    }

    /// Must be called with `lock` held.
    private static func uninstallSignalHandlers() {
        guard signalHandlersInstalled, let state = signalState else { return }
        for signal in fatalSignals {
            sigaction(signal, state.pointee.previous.advanced(by: Int(signal)), nil)
        }
        signalHandlersInstalled = false
        signalState = nil
    }

    /// A stack overflow leaves no stack for the handler: give this thread an alternate one, unless
    /// it has one already.
    private static func installAlternateStack() {
        var current = stack_t()
        if sigaltstack(nil, &current) == 0 && (current.ss_flags & Int32(SS_DISABLE)) == 0 {
            return
        }
        let size = 64 * 1024
        guard let memory = malloc(size) else { return }
        var alternate = stack_t()
        alternate.ss_sp = memory
        alternate.ss_size = size
        alternate.ss_flags = 0
        _ = sigaltstack(&alternate, nil)
    }
    #endif
}

/// The exit flush for command-line programs and macOS apps that call exit(): bounded by the
/// client's shutdown timeout. Registered with atexit once per process.
enum ExitFlush {
    private static let lock = NSLock()
    private static weak var client: BloopClient?
    private static var registered = false

    static func register(_ newClient: BloopClient) {
        lock.lock()
        defer { lock.unlock() }
        client = newClient
        if !registered {
            registered = true
            atexit {
                ExitFlush.run()
            }
        }
    }

    static func unregister(_ owner: BloopClient) {
        lock.lock()
        defer { lock.unlock() }
        if client === owner {
            client = nil
        }
    }

    static func run() {
        lock.lock()
        let current = client
        lock.unlock()
        if let current = current {
            _ = current.flushSync(timeout: current.options.shutdownTimeout)
        }
    }
}

/// Flush when the app goes to the background (iOS, tvOS, visionOS) or terminates. Notification
/// names are used by their documented raw values so the package does not link UIKit or AppKit and
/// works in app extensions.
final class LifecycleHooks {
    private var observers: [NSObjectProtocol] = []

    init(onBackground: @escaping @Sendable () -> Void, onTerminate: @escaping @Sendable () -> Void) {
        let center = NotificationCenter.default
        #if canImport(UIKit) && !os(watchOS)
        observers.append(center.addObserver(forName: Notification.Name("UIApplicationDidEnterBackgroundNotification"),
                                            object: nil, queue: nil) { _ in onBackground() })
        observers.append(center.addObserver(forName: Notification.Name("UIApplicationWillTerminateNotification"),
                                            object: nil, queue: nil) { _ in onTerminate() })
        #elseif os(macOS)
        observers.append(center.addObserver(forName: Notification.Name("NSApplicationWillTerminateNotification"),
                                            object: nil, queue: nil) { _ in onTerminate() })
        #endif
    }

    func remove() {
        for observer in observers {
            NotificationCenter.default.removeObserver(observer)
        }
        observers = []
    }
}
