import Foundation
import XCTest
@testable import BloopClient

/// Crash events are written to a file when the process dies and sent at the next start.
final class CrashTests: XCTestCase {
    private func files(in directory: URL) -> [String] {
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    func testPersistedEventIsSentAtTheNextStartWithItsOwnReleaseAndThenDeleted() async throws {
        let directory = temporaryDirectory()
        let store = try XCTUnwrap(CrashStore(directory: directory))
        let crashed = BloopEvent(errorType: "NSInvalidArgumentException", message: "profile id must be positive",
                                 timestamp: 1_700_000_000_000, source: "ios", environment: "production",
                                 release: "2.0.0", stack: "0   CoreFoundation 0x1 __exceptionPreprocess + 164",
                                 metadata: ["unhandled": true])
        XCTAssertTrue(store.persist(eventJSON: crashed.cappedForWire().wireJSON()))
        XCTAssertEqual(files(in: directory).count, 1)

        let server = FakeServer()
        let client = try makeClient(server, crashDirectory: directory)  // a newer run: release 1.0.0
        let drained = await client.flush(timeout: 5)
        XCTAssertTrue(drained)
        let event = try XCTUnwrap(server.requests.first?.events.first)
        XCTAssertEqual(event["error_type"] as? String, "NSInvalidArgumentException")
        XCTAssertEqual(event["release"] as? String, "2.0.0", "the release that crashed, not the one sending")
        XCTAssertEqual(event["environment"] as? String, "production")
        XCTAssertEqual(integer(event["timestamp"]), 1_700_000_000_000)
        XCTAssertEqual((event["metadata"] as? [String: Any])?["unhandled"] as? Bool, true)
        XCTAssertEqual(files(in: directory), [], "deleted once delivered")
        await client.close()
    }

    func testSignalRecordBecomesAnEventWithoutTheHandlersFrames() async throws {
        let directory = temporaryDirectory()
        var crashedRun = testOptions(crashDirectory: directory)
        crashedRun.release = "1.9.0"
        crashedRun.appVersion = "1.9"
        var record = SignalRecord.header(options: crashedRun)
        record += Array("11\n1700000000123\n".utf8)
        record += Array("""
            0   MyApp                               0x0000000100001000 $s11BloopClient17bloopSignalHandleryys5Int32V_SpySo9siginfo_taGSgSvSgtF + 44
            1   libsystem_platform.dylib            0x00000001a0001000 _sigtramp + 56
            2   MyApp                               0x0000000100002000 $s5MyApp13ProfileLoaderV4load2idSSSi_tKF + 180
            3   MyApp                               0x0000000100003000 main + 20

            """.utf8)
        try Data(record).write(to: directory.appendingPathComponent("signal-4242-1700000000000.crash"))

        let server = FakeServer()
        let client = try makeClient(server, crashDirectory: directory)
        await client.flush(timeout: 5)
        let event = try XCTUnwrap(server.requests.first?.events.first)
        XCTAssertEqual(event["error_type"] as? String, "SIGSEGV")
        XCTAssertEqual(event["message"] as? String, SignalNames.message(SIGSEGV))
        XCTAssertEqual(event["release"] as? String, "1.9.0")
        XCTAssertEqual(event["app_version"] as? String, "1.9")
        XCTAssertEqual(integer(event["timestamp"]), 1_700_000_000_123)
        let stack = try XCTUnwrap(event["stack"] as? String)
        XCTAssertTrue(stack.hasPrefix("2   MyApp"), "the crash site is the first frame: \(stack)")
        XCTAssertEqual(stack.split(separator: "\n").count, 2)
        let metadata = try XCTUnwrap(event["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["mechanism"] as? String, "signal")
        XCTAssertEqual(integer(metadata["signal"]), 11)
        XCTAssertEqual(files(in: directory), [])
        await client.close()
    }

    func testCrashFileStaysUntilItCanBeSent() async throws {
        let directory = temporaryDirectory()
        let store = try XCTUnwrap(CrashStore(directory: directory))
        store.persist(eventJSON: BloopEvent(errorType: "Crash", message: "m", timestamp: 1, source: "ios",
                                            environment: "e", release: "r").wireJSON())
        let offline = FakeServer()
        offline.answer(.networkError("offline"))
        let first = try makeClient(offline, crashDirectory: directory) { $0.initialBackoff = 30 }
        let sent = await first.close(timeout: 0.5)
        XCTAssertFalse(sent)
        XCTAssertEqual(files(in: directory).count, 1, "still there for the next start")

        let online = FakeServer()
        let second = try makeClient(online, crashDirectory: directory)
        let drained = await second.flush(timeout: 5)
        XCTAssertTrue(drained)
        XCTAssertEqual(online.requests.flatMap { $0.events }.count, 1)
        XCTAssertEqual(files(in: directory), [])
        await second.close()
    }

    func testUnreadableCrashFilesAreRemoved() throws {
        let directory = temporaryDirectory()
        try Data("{not json".utf8).write(to: directory.appendingPathComponent("event-1-x.json"))
        try Data("garbage".utf8).write(to: directory.appendingPathComponent("signal-1-1.crash"))
        try Data("unrelated".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let store = try XCTUnwrap(CrashStore(directory: directory))
        XCTAssertEqual(store.pendingEvents().count, 0)
        XCTAssertEqual(files(in: directory), ["notes.txt"])
    }

    #if canImport(ObjectiveC)
    func testUncaughtExceptionIsPersistedAndThePreviousHandlerStillRuns() async throws {
        ExceptionProbe.calls = 0
        NSSetUncaughtExceptionHandler(exceptionProbe)
        defer { NSSetUncaughtExceptionHandler(nil) }
        let directory = temporaryDirectory()
        let client = try makeClient(FakeServer(), crashDirectory: directory) {
            $0.autoCapture = true
            $0.captureSignals = false
        }
        let installed = try XCTUnwrap(NSGetUncaughtExceptionHandler())
        let exception = NSException(name: .invalidArgumentException, reason: "profile id must be positive", userInfo: nil)
        installed(exception)
        XCTAssertEqual(ExceptionProbe.calls, 1, "the handler that was there before is called")
        let written = files(in: directory).filter { $0.hasPrefix("event-") }
        XCTAssertEqual(written.count, 1)
        let event = try XCTUnwrap(BloopEvent(wireJSON: Data(contentsOf: directory.appendingPathComponent(written[0]))))
        XCTAssertEqual(event.errorType, "NSInvalidArgumentException")
        XCTAssertEqual(event.message, "profile id must be positive")
        XCTAssertEqual(event.release, "1.0.0")
        XCTAssertEqual(event.metadata?["mechanism"], "NSUncaughtExceptionHandler")

        await client.close()
        let restored = try XCTUnwrap(NSGetUncaughtExceptionHandler())
        restored(exception)
        XCTAssertEqual(ExceptionProbe.calls, 2, "close() put the previous handler back")
        XCTAssertEqual(files(in: directory).filter { $0.hasPrefix("event-") }.count, 1, "and no longer writes")
    }
    #endif
}

#if canImport(ObjectiveC)
enum ExceptionProbe {
    static var calls = 0
}

func exceptionProbe(_ exception: NSException) {
    ExceptionProbe.calls += 1
}
#endif

#if os(macOS) || os(Linux)
/// The crash test in a child process (examples/BloopExample): a real Swift runtime trap, and on
/// macOS a real uncaught NSException. The process must die exactly as it would without the SDK
/// (same signal, the handler installed before still called), and the event must be on disk.
final class CrashProcessTests: XCTestCase {
    private struct Outcome {
        let reason: Process.TerminationReason
        let status: Int32
        let standardError: String
    }

    private var exampleBinary: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("BloopExample")
        }
        return URL(fileURLWithPath: "BloopExample")
        #else
        return Bundle.main.bundleURL.appendingPathComponent("BloopExample")
        #endif
    }

    private func run(_ arguments: [String]) throws -> Outcome {
        let binary = exampleBinary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("\(binary.path) is missing: run `swift build` before `swift test`")
            throw CocoaError(.fileNoSuchFile)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(reason: process.terminationReason, status: process.terminationStatus,
                       standardError: String(decoding: output, as: UTF8.self))
    }

    private func files(in directory: URL) -> [String] {
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    func testRuntimeTrapIsPersistedAndTheProcessDiesAsItWouldHave() async throws {
        let without = try run(["crash", temporaryDirectory().path, "--no-sdk", "--previous-handler"])
        XCTAssertEqual(without.reason, .uncaughtSignal)
        XCTAssertTrue(without.standardError.contains("previous handler called"))

        let directory = temporaryDirectory()
        let with = try run(["crash", directory.path, "--previous-handler"])
        XCTAssertEqual(with.reason, .uncaughtSignal)
        XCTAssertEqual(with.status, without.status, "the same signal ends the process")
        XCTAssertTrue(with.standardError.contains("previous handler called"), with.standardError)
        XCTAssertEqual(files(in: directory).filter { $0.hasSuffix(".crash") }.count, 1)

        let server = FakeServer()
        let nextStart = try makeClient(server, crashDirectory: directory)
        let drained = await nextStart.flush(timeout: 5)
        XCTAssertTrue(drained)
        let event = try XCTUnwrap(server.requests.first?.events.first)
        XCTAssertEqual(event["error_type"] as? String, SignalNames.name(without.status))
        XCTAssertEqual(event["release"] as? String, "1.0.0")
        XCTAssertEqual(event["environment"] as? String, "development")
        let stack = try XCTUnwrap(event["stack"] as? String)
        let firstFrame = String(stack.split(separator: "\n")[0])
        XCTAssertFalse(firstFrame.contains("sigtramp") || firstFrame.contains("__restore_rt"), stack)
        XCTAssertEqual(files(in: directory), [])
        await nextStart.close()
    }

    #if os(macOS)
    func testUncaughtExceptionIsPersistedOnceAndTheProcessAborts() async throws {
        let directory = temporaryDirectory()
        let outcome = try run(["exception", directory.path])
        XCTAssertEqual(outcome.reason, .uncaughtSignal)
        XCTAssertEqual(outcome.status, SIGABRT)
        XCTAssertEqual(files(in: directory).filter { $0.hasPrefix("event-") }.count, 1)
        XCTAssertEqual(files(in: directory).filter { $0.hasSuffix(".crash") }.count, 0,
                       "the SIGABRT after the exception is the same crash, not a second event")

        let server = FakeServer()
        let nextStart = try makeClient(server, crashDirectory: directory)
        await nextStart.flush(timeout: 5)
        let event = try XCTUnwrap(server.requests.first?.events.first)
        XCTAssertEqual(event["error_type"] as? String, "NSInvalidArgumentException")
        XCTAssertEqual(event["message"] as? String, "profile id must be positive")
        XCTAssertTrue((event["stack"] as? String ?? "").contains("BloopExample"))
        await nextStart.close()
    }
    #endif
}
#endif
