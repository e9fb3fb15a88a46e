import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A queued event: its JSON, and the crash file it came from (deleted once the event has left).
struct QueuedEvent {
    let json: [UInt8]
    let file: URL?
}

/// A FIFO with cheap removal at the front and putting a batch back in front.
struct EventDeque {
    private var storage: [QueuedEvent] = []
    private var head = 0

    var count: Int {
        return storage.count - head
    }

    var isEmpty: Bool {
        return count == 0
    }

    mutating func append(_ event: QueuedEvent) {
        storage.append(event)
    }

    mutating func popFirst() -> QueuedEvent? {
        guard head < storage.count else { return nil }
        let event = storage[head]
        head += 1
        if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return event
    }

    /// The sizes of the first `limit` events.
    func leadingSizes(_ limit: Int) -> [Int] {
        return storage[head..<min(storage.count, head + limit)].map { $0.json.count }
    }

    mutating func removeFirst(_ n: Int) -> [QueuedEvent] {
        let taken = Array(storage[head..<head + n])
        head += n
        if head >= 64 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return taken
    }

    mutating func prepend(_ events: [QueuedEvent]) {
        storage = events + storage[head...]
        head = 0
    }

    mutating func removeAll() -> [QueuedEvent] {
        let all = Array(storage[head...])
        storage = []
        head = 0
        return all
    }
}

/// The bounded queue and the sender. All state lives on one serial dispatch queue; callers never
/// wait for it (capture is `queue.async`), and only one request is in flight at a time.
///
/// Events leave the queue in order (sent, refused, dropped as the oldest, or put back in front for
/// a retry), so "everything captured before this flush has left" is `resolved >= enqueued-at-flush`.
final class EventPipeline: @unchecked Sendable {
    struct Settings {
        var batchURL: URL
        var secret: String
        var projectKey: String?
        var maxQueueSize: Int
        var maxBatchEvents: Int
        var maxBodyBytes: Int = WireLimits.maxBodyBytes
        var flushInterval: TimeInterval
        var requestTimeout: TimeInterval
        var initialBackoffMillis: Int
        var maxBackoffMillis: Int
    }

    private struct Waiter {
        let target: UInt64
        let completion: (Bool) -> Void
    }

    let queue = DispatchQueue(label: "dev.bloop.client.pipeline")
    private let queueKey = DispatchSpecificKey<Bool>()
    private let settings: Settings
    private let http: HTTPPoster
    private let log: (String) -> Void
    private let removeFile: (URL) -> Void

    private var events = EventDeque()
    private var enqueued: UInt64 = 0
    private var resolved: UInt64 = 0
    private var dropped = 0
    private var inFlight = false
    private var notBefore: DispatchTime?
    private var failures = 0
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiterId = 0
    private var closing = false
    private var closed = false
    private var loggedStatuses = Set<Int>()
    private var timer: DispatchSourceTimer?

    init(settings: Settings, http: HTTPPoster, log: @escaping (String) -> Void,
         removeFile: @escaping (URL) -> Void) {
        self.settings = settings
        self.http = http
        self.log = log
        self.removeFile = removeFile
        queue.setSpecific(key: queueKey, value: true)
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = DispatchTimeInterval.milliseconds(Int(settings.flushInterval * 1000))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(100))
        timer.setEventHandler { [weak self] in
            self?.pump()
        }
        timer.resume()
        self.timer = timer
    }

    deinit {
        timer?.cancel()
    }

    var isOnPipelineQueue: Bool {
        return DispatchQueue.getSpecific(key: queueKey) == true
    }

    // MARK: - Called from any thread

    /// Queues an event's JSON; when the queue is full the oldest event is dropped and counted.
    func enqueue(_ json: [UInt8], file: URL? = nil) {
        queue.async {
            self.enqueueOnQueue(json, file: file)
        }
    }

    /// Runs `work` on the pipeline's queue, then queues what it returns (nil: nothing).
    func enqueue(after work: @escaping () -> [UInt8]?) {
        queue.async {
            if let json = work() {
                self.enqueueOnQueue(json, file: nil)
            }
        }
    }

    /// Calls `completion(true)` once every event queued before this call has left the queue (sent,
    /// refused or dropped), or `completion(false)` after `timeout`.
    func flush(timeout: TimeInterval, completion: @escaping (Bool) -> Void) {
        queue.async {
            self.flushOnQueue(timeout: timeout, completion: completion)
        }
    }

    /// Flushes within `timeout`, then stops: later events are dropped (counted), what could not be
    /// sent is given up (crash files stay on disk for the next start). Idempotent.
    func close(timeout: TimeInterval, completion: @escaping (Bool) -> Void) {
        queue.async {
            if self.closing {
                self.flushOnQueue(timeout: timeout, completion: completion)
                return
            }
            self.closing = true
            self.flushOnQueue(timeout: timeout) { drained in
                // Already on the queue: flush completions run there.
                self.timer?.cancel()
                self.timer = nil
                self.closed = true
                let lost = self.events.removeAll()
                if !lost.isEmpty {
                    self.dropped += lost.count
                    self.resolved += UInt64(lost.count)
                    self.log("\(lost.count) events not sent within the shutdown timeout")
                }
                self.settleWaiters()
                completion(drained)
            }
        }
    }

    var droppedCount: Int {
        return isOnPipelineQueue ? dropped : queue.sync { dropped }
    }

    var pendingCount: Int {
        return isOnPipelineQueue ? events.count : queue.sync { events.count }
    }

    /// Counts an event that never reached the queue (client closed, too big, dropped by beforeSend
    /// is not counted).
    func countDropped() {
        queue.async {
            self.dropped += 1
        }
    }

    // MARK: - On the queue

    private func enqueueOnQueue(_ json: [UInt8], file: URL?) {
        if closing {
            dropped += 1
            return
        }
        events.append(QueuedEvent(json: json, file: file))
        enqueued += 1
        while events.count > settings.maxQueueSize {
            dropOldest()
        }
        if events.count >= settings.maxBatchEvents {
            pump()
        }
    }

    private func dropOldest() {
        guard let oldest = events.popFirst() else { return }
        dropped += 1
        resolved += 1
        if let file = oldest.file {
            removeFile(file)
        }
        settleWaiters()
    }

    private func flushOnQueue(timeout: TimeInterval, completion: @escaping (Bool) -> Void) {
        let target = enqueued
        if resolved >= target {
            completion(true)
            return
        }
        let id = nextWaiterId
        nextWaiterId += 1
        waiters[id] = Waiter(target: target, completion: completion)
        queue.asyncAfter(deadline: .now() + timeout) {
            if let waiter = self.waiters.removeValue(forKey: id) {
                waiter.completion(false)
            }
        }
        pump()
    }

    private func settleWaiters() {
        // Iterates a copy; a completion may settle waiters itself, so only the one that removes a
        // waiter calls it.
        for (id, waiter) in waiters where resolved >= waiter.target {
            if let settled = waiters.removeValue(forKey: id) {
                settled.completion(true)
            }
        }
    }

    /// Sends the next batch if nothing is in flight and no retry wait is running.
    private func pump() {
        if inFlight || closed || events.isEmpty {
            return
        }
        if let notBefore = notBefore, DispatchTime.now() < notBefore {
            return
        }
        let count = Batching.nextBatchCount(events.leadingSizes(settings.maxBatchEvents), from: 0,
                                            maxEvents: settings.maxBatchEvents, maxBodyBytes: settings.maxBodyBytes)
        let batch = events.removeFirst(count)
        let body = Batching.envelope(batch.map { $0.json })
        var headers = [
            "Content-Type": "application/json",
            "X-Signature": Signer.signature(secret: settings.secret, body: body),
        ]
        if let projectKey = settings.projectKey {
            headers["X-Project-Key"] = projectKey
        }
        inFlight = true
        http.post(url: settings.batchURL, headers: headers, body: Data(body), timeout: settings.requestTimeout) { result in
            self.queue.async {
                self.finish(batch, result)
            }
        }
    }

    private func finish(_ batch: [QueuedEvent], _ result: HTTPResult) {
        inFlight = false
        let outcome = SendOutcome.classify(result, maxBackoffMillis: settings.maxBackoffMillis)
        switch outcome {
        case .sent:
            failures = 0
            notBefore = nil
            logRefusedItems(result.body)
            resolve(batch)
        case .refused(let status):
            failures = 0
            notBefore = nil
            if loggedStatuses.insert(status).inserted {
                let answer = String(decoding: result.body.prefix(300), as: UTF8.self)
                log("bloop refused a batch of \(batch.count) events with HTTP \(status), not retried: \(answer)")
            }
            resolve(batch)
        case .retry(let afterMillis):
            if closed {
                // close() gave up on these already; their crash files stay for the next start.
                return
            }
            failures += 1
            events.prepend(batch)
            while events.count > settings.maxQueueSize {
                dropOldest()
            }
            let wait = afterMillis ?? jittered(RetrySchedule.backoffMillis(
                failures: failures, initialMillis: settings.initialBackoffMillis, maxMillis: settings.maxBackoffMillis))
            let deadline = DispatchTime.now() + .milliseconds(wait)
            notBefore = deadline
            if failures == 1 {
                log("bloop unreachable or busy (\(result.status.map { "HTTP \($0)" } ?? result.failure ?? "no answer")), retrying in \(wait) ms")
            }
            queue.asyncAfter(deadline: deadline) {
                self.pump()
            }
            return
        }
        if !events.isEmpty && (events.count >= settings.maxBatchEvents || !waiters.isEmpty || closing) {
            pump()
        }
    }

    private func resolve(_ batch: [QueuedEvent]) {
        resolved += UInt64(batch.count)
        for event in batch {
            if let file = event.file {
                removeFile(file)
            }
        }
        settleWaiters()
    }

    /// A 200 can still refuse single events (`errors: [{index, error, field}]`): say so once each.
    private func logRefusedItems(_ body: Data) {
        guard !body.isEmpty,
              let answer = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let errors = answer["errors"] as? [[String: Any]], !errors.isEmpty else {
            return
        }
        for error in errors.prefix(5) {
            log("bloop refused an event: \(error["error"] ?? "?") (field \(error["field"] ?? "?"))")
        }
    }

    /// Between half and all of `millis`, so that many devices do not retry in step.
    private func jittered(_ millis: Int) -> Int {
        return millis / 2 + Int.random(in: 0...(max(0, millis / 2)))
    }
}
