import Foundation
import XCTest
@testable import BloopClient

/// Stacks in the platform's own format, stable error types, metadata JSON, and the lifecycle flush.
final class EventShapeTests: XCTestCase {
    func testTheSDKsOwnFramesAreDroppedFromTheTopOnly() {
        let frames = [
            "0   MyApp    0x0000000100001000 $s11BloopClient6StacksO7currentSSyFZ + 52",
            "1   MyApp    0x0000000100001100 $s11BloopClientAAC12captureError_7contextys0D0_p_AA12EventContextVtF + 96",
            "2   MyApp    0x0000000100002000 $s5MyApp13ProfileLoaderV4loadyyKF + 180",
            "3   MyApp    0x0000000100003000 $s5MyApp13sendToBloopClientyyF + 20",
            "4   UIKitCore 0x00000001a0000000 -[UIApplication sendAction:to:from:forEvent:] + 96",
        ]
        XCTAssertEqual(Stacks.dropLeadingSDKFrames(frames), Array(frames[2...]))
        XCTAssertTrue(Stacks.isSDKFrame("5   BloopClient   0x0000000100001000 $s11BloopClient6StacksO7currentSSyFZ + 52"))
        XCTAssertFalse(Stacks.isSDKFrame("2   MyApp   0x1 $s16BloopClientTests08DeliveryC0C4testyyF + 1"),
                       "the tests' module is not the SDK")
    }

    func testSignalHandlerFramesAreDroppedOnApplePlatformsAndLinux() {
        let apple = ["0   MyApp 0x1 handler + 1", "1   libsystem_platform.dylib 0x2 _sigtramp + 56", "2   MyApp 0x3 crashSite + 8"]
        XCTAssertEqual(Stacks.dropSignalHandlerFrames(apple), ["2   MyApp 0x3 crashSite + 8"])
        let linux = ["/app/MyApp(+0x1234) [0x5555]", "/lib/x86_64-linux-gnu/libc.so.6(+0x42520) [0x7f00] __restore_rt",
                     "/app/MyApp($s5MyApp9crashSiteyyF+0x10) [0x5556]"]
        XCTAssertEqual(Stacks.dropSignalHandlerFrames(linux), ["/app/MyApp($s5MyApp9crashSiteyyF+0x10) [0x5556]"])
        XCTAssertEqual(Stacks.dropSignalHandlerFrames(["0 handler", "1 caller"]), ["1 caller"],
                       "no trampoline seen: only the handler's own frame goes")
    }

    func testStacksAreCutOnWholeLinesWithinTheCap() {
        let frames = (0..<1000).map { "\($0)   MyApp   0x0000000100001000 $s5MyApp8functionyyF + \($0)" }
        let stack = Stacks.join(frames)
        XCTAssertLessThanOrEqual(stack.utf8.count, WireLimits.maxStackBytes)
        XCTAssertTrue(stack.hasSuffix("+ \(stack.split(separator: "\n").count - 1)"), "ends on a whole frame")
    }

    func testTypesDeclaredInFunctionsGetAStableName() {
        XCTAssertEqual(ErrorDescription.stableTypeName("MyApp.(unknown context at $1029c7a1c).LocalError"), "MyApp.LocalError")
        XCTAssertEqual(ErrorDescription.stableTypeName("MyApp.Outer.Inner"), "MyApp.Outer.Inner")

        struct LocalError: Error {}
        let type = ErrorDescription.of(LocalError()).type
        XCTAssertFalse(type.contains("unknown context"), type)
        XCTAssertTrue(type.hasSuffix("LocalError"), type)
    }

    func testMetadataKeepsBoolsIntsAndDoublesApart() throws {
        let parsed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data("{\"a\":true,\"b\":1,\"c\":1.5,\"d\":null,\"e\":[\"x\"]}".utf8)) as? [String: Any])
        let value = JSONValue(any: parsed)
        XCTAssertEqual(value, ["a": true, "b": 1, "c": 1.5, "d": nil, "e": ["x"]])
        XCTAssertEqual(JSONValue(any: true), .bool(true))
        XCTAssertEqual(JSONValue(any: 1), .int(1))
        XCTAssertEqual(String(decoding: value.encoded(), as: UTF8.self), "{\"a\":true,\"b\":1,\"c\":1.5,\"d\":null,\"e\":[\"x\"]}")
        XCTAssertEqual(String(decoding: JSONValue.double(.infinity).encoded(), as: UTF8.self), "null")
        XCTAssertEqual(String(decoding: JSONValue.double(3).encoded(), as: UTF8.self), "3")
    }

    func testSignalRecordHeaderIsOneLineOfJSON() throws {
        var options = testOptions()
        options.release = "line\nbreak"
        let header = String(decoding: SignalRecord.header(options: options), as: UTF8.self)
        let lines = header.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 3)
        XCTAssertEqual(String(lines[0]), SignalRecord.magic)
        let context = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(context["release"] as? String, "line\nbreak")
        XCTAssertEqual(lines[2], "")
    }

    #if canImport(ObjectiveC)
    func testTheAppGoingAwayFlushesTheQueue() async throws {
        let server = FakeServer()
        let client = try makeClient(server) {
            $0.autoCapture = true
            $0.captureSignals = false
            $0.flushInterval = 3600
        }
        client.captureMessage("queued when the app leaves")
        #if canImport(UIKit) && !os(watchOS)
        NotificationCenter.default.post(name: Notification.Name("UIApplicationDidEnterBackgroundNotification"), object: nil)
        #else
        NotificationCenter.default.post(name: Notification.Name("NSApplicationWillTerminateNotification"), object: nil)
        #endif
        XCTAssertTrue(server.waitForRequests(1, timeout: 3))
        XCTAssertEqual(server.requests.first?.messages, ["queued when the app leaves"])
        await client.close()
    }
    #endif
}
