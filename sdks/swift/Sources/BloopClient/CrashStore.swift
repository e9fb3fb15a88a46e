import Foundation

/// Crash events waiting for the next start, one file each, in a directory of their own:
/// - `event-*.json`: an event's JSON, written by the uncaught-exception handler (or by
///   ``BloopClient`` for any fatal event) while the process can still run ordinary code;
/// - `signal-*.crash`: a raw record written by the signal handler with async-signal-safe calls
///   only (see ``SignalRecord``), turned into an event at the next start.
/// A file is deleted once its event has left the queue (sent, refused or dropped); a crash that
/// could not be sent before the app closed is sent at the start after.
final class CrashStore: @unchecked Sendable {
    let directory: URL

    init?(directory: URL) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            return nil
        }
        self.directory = directory
    }

    /// Application Support/<bundle id or process name>/bloop-crashes.
    static func defaultDirectory() -> URL? {
        guard let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first else {
            return nil
        }
        let app = Bundle.main.bundleIdentifier ?? ProcessInfo.processInfo.processName
        return base.appendingPathComponent(app, isDirectory: true)
            .appendingPathComponent("bloop-crashes", isDirectory: true)
    }

    /// Writes an event's JSON now (synchronously, atomically). Returns whether it was written.
    @discardableResult
    func persist(eventJSON: [UInt8]) -> Bool {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let url = directory.appendingPathComponent("event-\(millis)-\(UUID().uuidString).json")
        do {
            try Data(eventJSON).write(to: url, options: .atomic)
            return true
        } catch {
            return false
        }
    }

    /// Where this process's signal handler writes, should it run.
    func signalRecordPath() -> String {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        return directory.appendingPathComponent("signal-\(ProcessInfo.processInfo.processIdentifier)-\(millis).crash").path
    }

    /// Events left by earlier runs, oldest first, each with its file. Unreadable files are removed.
    func pendingEvents() -> [(event: BloopEvent, file: URL)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        var found: [(event: BloopEvent, file: URL, modified: Date)] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            let isEvent = name.hasPrefix("event-") && name.hasSuffix(".json")
            let isSignal = name.hasPrefix("signal-") && name.hasSuffix(".crash")
            guard isEvent || isSignal else { continue }
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            let modified = attributes?[.modificationDate] as? Date ?? Date()
            guard let data = try? Data(contentsOf: url) else {
                remove(url)
                continue
            }
            let event = isEvent ? BloopEvent(wireJSON: data) : SignalRecord.event(from: data, writtenAt: modified)
            if let event = event {
                found.append((event, url, modified))
            } else {
                remove(url)
            }
        }
        return found.sorted { $0.modified < $1.modified }.map { (event: $0.event, file: $0.file) }
    }

    func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}

/// The file the signal handler writes (it cannot build JSON: no allocation is allowed there):
///
///     bloop-signal 1
///     {"source":"ios","environment":"prod","release":"2.3.1",...}   <- rendered at install time
///     11                                                             <- the signal
///     1700000000000                                                  <- epoch ms
///     0   MyApp   0x0000000102a4b5c4 $s5MyApp...handler... + 44       <- backtrace_symbols_fd
///     1   libsystem_platform.dylib 0x... _sigtramp + 56
///     2   MyApp   0x... $s5MyApp14ProfileLoaderC4loadyyKF + 180       <- the crash site
///     ...
enum SignalRecord {
    static let magic = "bloop-signal 1"

    /// The first two lines, rendered once when the handler is installed: the context of the run
    /// that may crash (its release, not the release of the run that sends the event).
    static func header(options: BloopOptions) -> [UInt8] {
        var keys: [String] = ["source", "environment", "release"]
        var values: [[UInt8]] = [JSONText.string(options.source), JSONText.string(options.environment),
                                 JSONText.string(options.release)]
        if let appVersion = options.appVersion {
            keys.append("app_version")
            values.append(JSONText.string(appVersion))
        }
        if let buildNumber = options.buildNumber {
            keys.append("build_number")
            values.append(JSONText.string(buildNumber))
        }
        // JSONText escapes every newline, so the context stays on one line.
        return Array((magic + "\n").utf8) + JSONText.object(keys: keys, values: values) + [0x0a]
    }

    static func event(from data: Data, writtenAt modified: Date) -> BloopEvent? {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0) }
        guard lines.count >= 4, lines[0] == magic, let signal = Int32(lines[2]) else {
            return nil
        }
        let context = (try? JSONSerialization.jsonObject(with: Data(lines[1].utf8))) as? [String: Any] ?? [:]
        var timestamp = Int64(lines[3]) ?? 0
        if timestamp <= 0 {
            timestamp = Int64(modified.timeIntervalSince1970 * 1000)
        }
        let frames = lines.dropFirst(4).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let stack = Stacks.join(Stacks.dropSignalHandlerFrames(Array(frames)))
        return BloopEvent(
            errorType: SignalNames.name(signal),
            message: SignalNames.message(signal),
            timestamp: timestamp,
            source: context["source"] as? String,
            environment: context["environment"] as? String,
            release: context["release"] as? String,
            appVersion: context["app_version"] as? String,
            buildNumber: context["build_number"] as? String,
            stack: stack.isEmpty ? nil : stack,
            metadata: ["unhandled": true, "mechanism": "signal", "signal": .int(Int64(signal))])
    }
}

enum SignalNames {
    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGABRT: return "SIGABRT"
        case SIGBUS: return "SIGBUS"
        case SIGFPE: return "SIGFPE"
        case SIGILL: return "SIGILL"
        case SIGSEGV: return "SIGSEGV"
        case SIGTRAP: return "SIGTRAP"
        default: return "SIGNAL_\(signal)"
        }
    }

    static func message(_ signal: Int32) -> String {
        switch signal {
        case SIGABRT: return "Abort: the process called abort() (an uncaught exception, a failed assertion, ...)"
        case SIGBUS: return "Bus error: invalid memory access"
        case SIGFPE: return "Floating-point or integer arithmetic exception"
        case SIGILL, SIGTRAP:
            return "Runtime trap: a Swift runtime error (force unwrap of nil, index out of range, fatalError, overflow, ...) or an illegal instruction"
        case SIGSEGV: return "Segmentation fault: invalid memory access"
        default: return "Fatal signal \(signal)"
        }
    }
}

extension BloopEvent {
    /// An event read back from its wire JSON (a persisted crash event); nil when it is not one.
    init?(wireJSON data: Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let errorType = object["error_type"] as? String,
              let message = object["message"] as? String else {
            return nil
        }
        func text(_ key: String) -> String? {
            return object[key] as? String
        }
        func integer(_ key: String) -> Int64? {
            return (object[key] as? NSNumber)?.int64Value
        }
        var metadata: [String: JSONValue]?
        if let raw = object["metadata"] as? [String: Any] {
            metadata = raw.mapValues { JSONValue(any: $0) }
        }
        self.init(errorType: errorType, message: message, timestamp: integer("timestamp"),
                  source: text("source"), environment: text("environment"), release: text("release"),
                  appVersion: text("app_version"), buildNumber: text("build_number"),
                  routeOrProcedure: text("route_or_procedure"), screen: text("screen"), stack: text("stack"),
                  httpStatus: integer("http_status").map { Int($0) }, requestId: text("request_id"),
                  userIdHash: text("user_id_hash"), deviceIdHash: text("device_id_hash"),
                  fingerprint: text("fingerprint"), metadata: metadata)
    }
}
