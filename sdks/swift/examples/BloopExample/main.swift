// A runnable example, and the child process of the crash tests.
//
//   swift run BloopExample demo                 send a few errors to $BLOOP_ENDPOINT, signed with $BLOOP_SECRET
//   swift run BloopExample crash DIR [--no-sdk] [--previous-handler]
//                                               crash with a Swift runtime trap (force unwrap of nil);
//                                               the SDK writes the event to DIR for the next start
//   swift run BloopExample exception DIR        raise an uncaught NSException (Apple platforms)
import BloopClient
import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

enum ProfileError: Error {
    case notFound(id: Int)
}

struct ProfileLoader {
    func load(id: Int) throws -> String {
        throw ProfileError.notFound(id: id)
    }
}

/// The one place that handles a failed profile load: the stack of a Swift error is taken where it
/// is captured, so this function is the frame, whichever screen led here.
func showProfile(id: Int, from screen: String, _ loader: ProfileLoader, _ bloop: BloopClient) {
    do {
        _ = try loader.load(id: id)
    } catch {
        bloop.captureError(error, context: EventContext(screen: screen))
    }
}

func openProfileFromList(_ loader: ProfileLoader, _ bloop: BloopClient) {
    showProfile(id: 42, from: "ProfileList", loader, bloop)
}

func openProfileFromDeepLink(_ loader: ProfileLoader, _ bloop: BloopClient) {
    showProfile(id: 7, from: "DeepLink", loader, bloop)
}

func options(endpoint: String, secret: String, crashDirectory: URL? = nil) -> BloopOptions {
    var options = BloopOptions(endpoint: URL(string: endpoint)!, secret: secret,
                               environment: ProcessInfo.processInfo.environment["BLOOP_ENVIRONMENT"] ?? "development",
                               release: ProcessInfo.processInfo.environment["BLOOP_RELEASE"] ?? "1.0.0")
    options.crashDirectory = crashDirectory
    return options
}

/// A handler that was there before the SDK: it says so on stderr, then lets the signal end the process.
func installPreviousHandler() {
    for signal in [SIGTRAP, SIGILL] {
        var action = sigaction()
        sigemptyset(&action.sa_mask)
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = { signal in
            let text: StaticString = "previous handler called\n"
            _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
            Darwin.signal(signal, SIG_DFL)
            raise(signal)
        }
        #else
        action.__sigaction_handler.sa_handler = { signal in
            let text: StaticString = "previous handler called\n"
            _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        #endif
        sigaction(signal, &action, nil)
    }
}

let arguments = CommandLine.arguments
let mode = arguments.count > 1 ? arguments[1] : "demo"

switch mode {
case "crash":
    let directory = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : NSTemporaryDirectory())
    if arguments.contains("--previous-handler") {
        installPreviousHandler()
    }
    if !arguments.contains("--no-sdk") {
        _ = try BloopClient.start(options(endpoint: "http://127.0.0.1:9", secret: "crash-test-secret-0123456789",
                                          crashDirectory: directory))
    }
    let missing: String? = arguments.contains("--never") ? "present" : nil
    print(missing!)  // a Swift runtime trap: SIGTRAP on arm64, SIGILL on x86_64

case "exception":
    #if canImport(ObjectiveC)
    let directory = URL(fileURLWithPath: arguments.count > 2 ? arguments[2] : NSTemporaryDirectory())
    _ = try BloopClient.start(options(endpoint: "http://127.0.0.1:9", secret: "crash-test-secret-0123456789",
                                      crashDirectory: directory))
    NSException(name: .invalidArgumentException, reason: "profile id must be positive", userInfo: nil).raise()
    #else
    print("NSException needs the Objective-C runtime")
    exit(2)
    #endif

default:
    let environment = ProcessInfo.processInfo.environment
    let bloop = try BloopClient.start(options(endpoint: environment["BLOOP_ENDPOINT"] ?? "http://127.0.0.1:5332",
                                              secret: environment["BLOOP_SECRET"] ?? "change-me-in-production"))
    let loader = ProfileLoader()
    openProfileFromList(loader, bloop)      // the same throw site reached twice:
    openProfileFromDeepLink(loader, bloop)  // one issue on the server
    bloop.captureMessage("checkout total was negative", type: "InvariantViolation",
                         context: EventContext(route: "/checkout", metadata: ["cart_items": 3]))
    let delivered = await bloop.close(timeout: 5)
    print(delivered ? "sent" : "not sent (is bloop running at \(bloop.options.endpoint)?)",
          "dropped:", bloop.droppedEvents)
}
