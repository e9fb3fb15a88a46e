import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(CryptoKit)
import CryptoKit
#endif

/// `X-Signature`: lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the secret's UTF-8.
enum Signer {
    static func signature(secret: String, body: [UInt8]) -> String {
        #if canImport(CryptoKit)
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return Hex.lowercase(Array(mac))
        #else
        return Hex.lowercase(PureHMAC.sha256(key: Array(secret.utf8), message: body))
        #endif
    }
}

/// What one HTTP exchange gave.
struct HTTPResult: Sendable {
    /// nil when no HTTP answer came (network error, timeout, refused connection).
    var status: Int?
    var retryAfter: String?
    var body: Data
    var failure: String?

    static func answer(_ status: Int, retryAfter: String? = nil, body: String = "") -> HTTPResult {
        return HTTPResult(status: status, retryAfter: retryAfter, body: Data(body.utf8), failure: nil)
    }

    static func networkError(_ description: String) -> HTTPResult {
        return HTTPResult(status: nil, retryAfter: nil, body: Data(), failure: description)
    }
}

/// Sends one POST; `URLSession` in an app, a scripted fake in the tests.
protocol HTTPPoster: Sendable {
    func post(url: URL, headers: [String: String], body: Data, timeout: TimeInterval,
              completion: @escaping @Sendable (HTTPResult) -> Void)
}

final class URLSessionPoster: HTTPPoster, @unchecked Sendable {
    private let session: URLSession

    init(requestTimeout: TimeInterval) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout
        configuration.timeoutIntervalForResource = requestTimeout * 2
        configuration.httpMaximumConnectionsPerHost = 2
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        #if !canImport(FoundationNetworking)
        configuration.waitsForConnectivity = false
        #endif
        session = URLSession(configuration: configuration)
    }

    init(session: URLSession) {
        self.session = session
    }

    func post(url: URL, headers: [String: String], body: Data, timeout: TimeInterval,
              completion: @escaping @Sendable (HTTPResult) -> Void) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        for (name, value) in headers {
            request.setValue(value, forHTTPHeaderField: name)
        }
        request.httpBody = body
        let task = session.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                completion(HTTPResult(status: http.statusCode,
                                      retryAfter: http.value(forHTTPHeaderField: "Retry-After"),
                                      body: data ?? Data(), failure: nil))
            } else {
                completion(.networkError(error.map { String(describing: $0) } ?? "no HTTP response"))
            }
        }
        task.resume()
    }

    func invalidate() {
        session.finishTasksAndInvalidate()
    }
}

/// What to do with a batch after one attempt (SPEC §7).
enum SendOutcome: Equatable {
    /// 2xx: delivered.
    case sent
    /// Any other 4xx (400 invalid, 401 signature or key, 413 too large, ...): the same bytes can
    /// never succeed, so the batch is dropped and the status logged once.
    case refused(status: Int)
    /// 429 or 503 (wait `Retry-After`), 5xx and network errors (back off): keep the batch.
    /// `afterMillis` nil means: by the backoff schedule.
    case retry(afterMillis: Int?)

    /// When a 429 or 503 carries no `Retry-After`: Sentry's default.
    static let defaultRetryAfterMillis = 60_000

    static func classify(_ result: HTTPResult, maxBackoffMillis: Int, now: Date = Date()) -> SendOutcome {
        guard let status = result.status else {
            return .retry(afterMillis: nil)
        }
        switch status {
        case 200..<300:
            return .sent
        case 429, 503:
            let wait = retryAfterMillis(result.retryAfter, maxMillis: maxBackoffMillis, now: now)
            return .retry(afterMillis: wait ?? min(defaultRetryAfterMillis, maxBackoffMillis))
        case 500..<600:
            return .retry(afterMillis: nil)
        default:
            return .refused(status: status)
        }
    }

    /// `Retry-After` as seconds or as an HTTP date, in milliseconds from `now`; nil when absent or
    /// unreadable.
    static func retryAfterMillis(_ header: String?, maxMillis: Int, now: Date) -> Int? {
        guard let value = header?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        let millis = RetrySchedule.retryAfterMillis(Array(value.utf8), maxMillis: maxMillis)
        if millis >= 0 {
            return millis
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else {
            return nil
        }
        let wait = date.timeIntervalSince(now) * 1000
        return Int(max(0, min(Double(maxMillis), wait)))
    }
}
