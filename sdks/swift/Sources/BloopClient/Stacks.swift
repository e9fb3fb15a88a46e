import Foundation

/// Stacks as the platform prints them (`Thread.callStackSymbols`, `NSException.callStackSymbols`,
/// `backtrace_symbols_fd`): one frame a line, frames first, e.g.
/// `3   MyApp    0x0000000102a4b5c4 $s5MyApp14ProfileLoaderC4loadyyKF + 180`.
/// The server strips the index, address and offset and groups on the first frame that is not a
/// system library, so the SDK's own frames on top are removed here.
enum Stacks {
    /// The calling thread's stack, without the SDK's frames on top.
    static func current() -> String {
        return join(dropLeadingSDKFrames(Thread.callStackSymbols))
    }

    /// Leading frames of this SDK (and of Foundation's stack walker on Linux) are noise: they would
    /// be the "top in-app frame" of every event. Matched on the mangled module (`11BloopClient`,
    /// which `16BloopClientTests` does not contain), the demangled `BloopClient.` prefix, or the
    /// image name of a dynamic BloopClient framework.
    static func dropLeadingSDKFrames(_ frames: [String]) -> [String] {
        var start = 0
        while start < frames.count && isSDKFrame(frames[start]) {
            start += 1
        }
        return Array(frames[start...])
    }

    static func isSDKFrame(_ frame: String) -> Bool {
        if frame.contains("11BloopClient") || frame.contains("callStackSymbols") {
            return true
        }
        let tokens = frame.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return tokens.contains { $0 == "BloopClient" || $0.hasPrefix("BloopClient.") }
    }

    /// Frames joined by newlines, whole lines only, within the stack cap.
    static func join(_ frames: [String]) -> String {
        var out = ""
        var bytes = 0
        for frame in frames {
            let size = frame.utf8.count + (out.isEmpty ? 0 : 1)
            if bytes + size > WireLimits.maxStackBytes {
                break
            }
            if !out.isEmpty {
                out += "\n"
            }
            out += frame
            bytes += size
        }
        return out
    }

    /// A stack written by the signal handler: `backtrace_symbols_fd` lines from inside the handler.
    /// The handler's own frame and the kernel's trampoline (`_sigtramp` on Apple platforms,
    /// `__restore_rt` with glibc) come first; the crash site follows them.
    static func dropSignalHandlerFrames(_ frames: [String]) -> [String] {
        let lookahead = min(frames.count, 6)
        for i in 0..<lookahead where frames[i].contains("sigtramp") || frames[i].contains("__restore_rt") {
            return Array(frames[(i + 1)...])
        }
        return frames.isEmpty ? frames : Array(frames.dropFirst())
    }
}

/// The `error_type` and `message` of a Swift `Error`.
enum ErrorDescription {
    static func of(_ error: Error) -> (type: String, message: String) {
        if type(of: error) is NSError.Type {
            // A Cocoa error: its domain says what kind of failure it is.
            let ns = error as NSError
            return (ns.domain, "\(ns.localizedDescription) (code \(ns.code))")
        }
        let typeName = stableTypeName(String(reflecting: type(of: error)))
        if let localized = error as? LocalizedError, let text = localized.errorDescription, !text.isBlank {
            return (typeName, text)
        }
        let text = String(describing: error)
        return (typeName, text.isBlank ? typeName : text)
    }

    /// `String(reflecting:)` names a type declared inside a function
    /// `MyApp.(unknown context at $1029c7a1c).LocalError`; that address changes with every build,
    /// which would split one issue per release, so it is removed.
    static func stableTypeName(_ name: String) -> String {
        var out = ""
        var rest = Substring(name)
        while let range = rest.range(of: "(unknown context at ") {
            out += rest[rest.startIndex..<range.lowerBound]
            rest = rest[range.upperBound...]
            if let close = rest.firstIndex(of: ")") {
                rest = rest[rest.index(after: close)...]
                if rest.hasPrefix(".") {
                    rest = rest.dropFirst()
                }
            }
        }
        out += rest
        return out
    }
}
