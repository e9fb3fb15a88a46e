import Foundation

/// A JSON value, for an event's `metadata`. Literals work: `["tier": "pro", "items": 3]`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Converts what `JSONSerialization` and plain Swift code produce (String, Bool, integers,
    /// floating point, NSNumber, arrays, dictionaries with String keys, NSNull, nil); anything
    /// else becomes its description.
    public init(any value: Any?) {
        guard let value = value else {
            self = .null
            return
        }
        // Swift's own scalars by their exact type first: on Apple platforms an Int also casts to
        // Bool (through NSNumber) and a Bool to Int.
        switch ObjectIdentifier(type(of: value)) {
        case ObjectIdentifier(Bool.self):
            self = .bool(value as! Bool)
            return
        case ObjectIdentifier(Int.self):
            self = .int(Int64(value as! Int))
            return
        case ObjectIdentifier(Int64.self):
            self = .int(value as! Int64)
            return
        case ObjectIdentifier(Int32.self):
            self = .int(Int64(value as! Int32))
            return
        case ObjectIdentifier(UInt32.self):
            self = .int(Int64(value as! UInt32))
            return
        case ObjectIdentifier(Double.self):
            self = .double(value as! Double)
            return
        case ObjectIdentifier(Float.self):
            self = .double(Double(value as! Float))
            return
        default:
            break
        }
        switch value {
        case let v as JSONValue:
            self = v
        case let v as String:
            self = .string(v)
        case let v as NSNumber:
            self = JSONValue(number: v)
        case let v as [Any]:
            self = .array(v.map { JSONValue(any: $0) })
        case let v as [String: Any]:
            self = .object(v.mapValues { JSONValue(any: $0) })
        case is NSNull:
            self = .null
        default:
            self = .string(String(describing: value))
        }
    }

    private init(number: NSNumber) {
        #if canImport(ObjectiveC)
        if CFGetTypeID(number) == CFBooleanGetTypeID() {
            self = .bool(number.boolValue)
            return
        }
        #else
        // swift-corelibs-foundation keeps JSON booleans as its own Boolean subclass of NSNumber.
        if String(describing: type(of: number)).contains("Boolean") {
            self = .bool(number.boolValue)
            return
        }
        #endif
        let kind = String(cString: number.objCType)
        switch kind {
        case "B":
            self = .bool(number.boolValue)
        case "f", "d":
            self = .double(number.doubleValue)
        default:
            self = .int(number.int64Value)
        }
    }

    /// Compact JSON; object keys sorted so the same value always gives the same bytes.
    func encoded() -> [UInt8] {
        switch self {
        case .null:
            return Array("null".utf8)
        case .bool(let v):
            return Array((v ? "true" : "false").utf8)
        case .int(let v):
            return JSONText.integer(v)
        case .double(let v):
            guard v.isFinite else { return Array("null".utf8) }
            if v == v.rounded(), abs(v) < 1e15 {
                return JSONText.integer(Int64(v))
            }
            return Array("\(v)".utf8)
        case .string(let v):
            return JSONText.string(v)
        case .array(let values):
            return JSONText.array(values.map { $0.encoded() })
        case .object(let members):
            let keys = members.keys.sorted()
            return JSONText.object(keys: keys, values: keys.map { members[$0]!.encoded() })
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) {
        self = .null
    }

    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    public init(integerLiteral value: Int64) {
        self = .int(value)
    }

    public init(floatLiteral value: Double) {
        self = .double(value)
    }

    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [String: JSONValue] = [:]
        for (key, value) in elements {
            members[key] = value
        }
        self = .object(members)
    }
}

/// One error event, as the server takes it (SPEC §2). Fields left nil are not sent; `timestamp`,
/// `source`, `environment`, `release`, `appVersion` and `buildNumber` left nil take the client's.
public struct BloopEvent: Sendable, Equatable {
    public var errorType: String
    public var message: String
    /// Epoch milliseconds.
    public var timestamp: Int64?
    public var source: String?
    public var environment: String?
    public var release: String?
    public var appVersion: String?
    public var buildNumber: String?
    public var routeOrProcedure: String?
    public var screen: String?
    /// Frames first, as the platform prints them (`Thread.callStackSymbols`).
    public var stack: String?
    /// 100...599; other values are not sent.
    public var httpStatus: Int?
    public var requestId: String?
    public var userIdHash: String?
    public var deviceIdHash: String?
    /// Your own grouping key (at most 256 characters); replaces the server's.
    public var fingerprint: String?
    public var metadata: [String: JSONValue]?

    public init(errorType: String, message: String, timestamp: Int64? = nil, source: String? = nil,
                environment: String? = nil, release: String? = nil, appVersion: String? = nil,
                buildNumber: String? = nil, routeOrProcedure: String? = nil, screen: String? = nil,
                stack: String? = nil, httpStatus: Int? = nil, requestId: String? = nil,
                userIdHash: String? = nil, deviceIdHash: String? = nil, fingerprint: String? = nil,
                metadata: [String: JSONValue]? = nil) {
        self.errorType = errorType
        self.message = message
        self.timestamp = timestamp
        self.source = source
        self.environment = environment
        self.release = release
        self.appVersion = appVersion
        self.buildNumber = buildNumber
        self.routeOrProcedure = routeOrProcedure
        self.screen = screen
        self.stack = stack
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.userIdHash = userIdHash
        self.deviceIdHash = deviceIdHash
        self.fingerprint = fingerprint
        self.metadata = metadata
    }
}

/// What the caller knows about where an error happened; every field is optional.
public struct EventContext: Sendable {
    public var route: String?
    public var screen: String?
    public var httpStatus: Int?
    public var requestId: String?
    public var userIdHash: String?
    public var deviceIdHash: String?
    public var fingerprint: String?
    public var metadata: [String: JSONValue]?

    public init(route: String? = nil, screen: String? = nil, httpStatus: Int? = nil, requestId: String? = nil,
                userIdHash: String? = nil, deviceIdHash: String? = nil, fingerprint: String? = nil,
                metadata: [String: JSONValue]? = nil) {
        self.route = route
        self.screen = screen
        self.httpStatus = httpStatus
        self.requestId = requestId
        self.userIdHash = userIdHash
        self.deviceIdHash = deviceIdHash
        self.fingerprint = fingerprint
        self.metadata = metadata
    }
}

extension BloopEvent {
    /// Context fields copied onto the event (the event's own values win).
    func merging(_ context: EventContext) -> BloopEvent {
        var e = self
        e.routeOrProcedure = e.routeOrProcedure ?? context.route
        e.screen = e.screen ?? context.screen
        e.httpStatus = e.httpStatus ?? context.httpStatus
        e.requestId = e.requestId ?? context.requestId
        e.userIdHash = e.userIdHash ?? context.userIdHash
        e.deviceIdHash = e.deviceIdHash ?? context.deviceIdHash
        e.fingerprint = e.fingerprint ?? context.fingerprint
        if let extra = context.metadata {
            e.metadata = (e.metadata ?? [:]).merging(extra) { own, _ in own }
        }
        return e
    }

    /// Defaults filled in from the client's options.
    func filled(from options: BloopOptions, now: Int64) -> BloopEvent {
        var e = self
        e.timestamp = e.timestamp ?? now
        if let source = e.source, BloopOptions.isSourceToken(source) {
            e.source = source
        } else {
            e.source = options.source
        }
        e.environment = e.environment.flatMap { $0.isBlank ? nil : $0 } ?? options.environment
        e.release = e.release.flatMap { $0.isBlank ? nil : $0 } ?? options.release
        e.appVersion = e.appVersion ?? options.appVersion
        e.buildNumber = e.buildNumber ?? options.buildNumber
        return e
    }

    /// Within the server's caps (UTF-8 bytes, never splitting a character), so it is never
    /// refused for its size; required text that is empty gets a placeholder.
    func cappedForWire() -> BloopEvent {
        var e = self
        let other = WireLimits.maxOtherFieldBytes
        e.errorType = UTF8Cap.truncate(errorType, maxBytes: other)
        if e.errorType.isBlank {
            e.errorType = "Error"
        }
        e.message = UTF8Cap.truncate(message, maxBytes: WireLimits.maxMessageBytes)
        if e.message.isBlank {
            e.message = "(no message)"
        }
        e.stack = stack.map { UTF8Cap.truncate($0, maxBytes: WireLimits.maxStackBytes) }.flatMap { $0.isEmpty ? nil : $0 }
        e.environment = environment.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.release = release.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.appVersion = appVersion.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.buildNumber = buildNumber.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.routeOrProcedure = routeOrProcedure.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.screen = screen.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.requestId = requestId.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.userIdHash = userIdHash.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.deviceIdHash = deviceIdHash.map { UTF8Cap.truncate($0, maxBytes: other) }
        e.fingerprint = fingerprint.map { BloopEvent.prefix($0, utf16Units: WireLimits.maxFingerprintChars) }
        if let status = httpStatus, !(100...599).contains(status) {
            e.httpStatus = nil
        }
        return e
    }

    /// The longest prefix of whole characters (Unicode scalars) within `utf16Units` UTF-16 units,
    /// which is how the server (Java) counts a fingerprint's length.
    static func prefix(_ text: String, utf16Units: Int) -> String {
        if text.utf16.count <= utf16Units {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var units = 0
        for scalar in text.unicodeScalars {
            let width = scalar.value > 0xFFFF ? 2 : 1
            if units + width > utf16Units {
                break
            }
            scalars.append(scalar)
            units += width
        }
        return String(scalars)
    }

    /// The event's JSON, fields in ``EventFields/order``, nil fields left out, metadata over its cap
    /// replaced. Call on a filled and capped event.
    func wireJSON() -> [UInt8] {
        var keys: [String] = []
        var values: [[UInt8]] = []
        func add(_ key: String, _ value: [UInt8]?) {
            if let value = value {
                keys.append(key)
                values.append(value)
            }
        }
        add("timestamp", JSONText.integer(timestamp ?? 0))
        add("source", source.map { JSONText.string($0) })
        add("environment", environment.map { JSONText.string($0) })
        add("release", release.map { JSONText.string($0) })
        add("error_type", JSONText.string(errorType))
        add("message", JSONText.string(message))
        add("app_version", appVersion.map { JSONText.string($0) })
        add("build_number", buildNumber.map { JSONText.string($0) })
        add("route_or_procedure", routeOrProcedure.map { JSONText.string($0) })
        add("screen", screen.map { JSONText.string($0) })
        add("stack", stack.map { JSONText.string($0) })
        add("http_status", httpStatus.map { JSONText.integer(Int64($0)) })
        add("request_id", requestId.map { JSONText.string($0) })
        add("user_id_hash", userIdHash.map { JSONText.string($0) })
        add("device_id_hash", deviceIdHash.map { JSONText.string($0) })
        add("fingerprint", fingerprint.map { JSONText.string($0) })
        add("metadata", metadata.map {
            MetadataCap.capped(JSONValue.object($0).encoded(), maxBytes: WireLimits.maxMetadataBytes)
        })
        return JSONText.object(keys: keys, values: values)
    }
}
