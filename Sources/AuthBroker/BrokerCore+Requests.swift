import Foundation
import HubIPC
import Logging
import ZeroMQ

extension BrokerCore {
    // MARK: - Requests from the frontend

    func readFrontend(_ socket: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = try? socket.receive() else { return }
            guard frames.count >= 2, let bytes = frames.last else { continue }
            handleRequest(client: frames[0], bytes: bytes)
        }
    }

    private func handleRequest(client: [UInt8], bytes: [UInt8]) {
        let envelope: IPCv1Envelope
        do {
            switch try EnvelopeCodec.decode(bytes) {
            case .unsupportedMajor(let major, let minor):
                refusals.refused(side: "requester", major: major, minor: minor)
                sendToClient(client, EnvelopeCodec.encode(.unsupportedMajorReply(peerMajor: major, peerMinor: minor)))
                return
            case .unknownBody(let unknown, let field):
                // Workers may know it: a newer worker can serve a newer request.
                // Only requests for the broker itself are answered Unsupported here.
                guard !unknown.service.isEmpty else {
                    sendToClient(client, EnvelopeCodec.encode(unknown.unsupportedReply(fieldNumber: field)))
                    return
                }
                envelope = unknown
            case .envelope(let known):
                envelope = known
            }
        } catch {
            logger.warning("request dropped: \(error)")
            return
        }
        if answerSigningRequest(client: client, envelope: envelope) { return }
        if envelope.service.isEmpty {
            sendToClient(client, EnvelopeCodec.encode(answerLocally(envelope)))
            return
        }
        if let reply = answerFinalEAPRound(envelope) {
            sendToClient(client, reply)
            return
        }
        let requester = RequesterKey(client: client, correlationID: envelope.correlationID)
        if tokenByRequester[requester] != nil { return }  // a retry of a request still held
        let key = [UInt8](envelope.idempotencyKey)
        if !key.isEmpty {
            switch replies.entry(for: key) {
            case .completed(let reply):
                metrics.cachedAnswers.increment()
                sendToClient(client, reply)
                return
            case .inProgress:
                replies.redirect(key, to: client)
                if let token = tokenForKey(key) { requests[token]?.client = client }
                return
            case nil:
                replies.begin(key, peer: client)
            }
        }
        let now = MonotonicTime.now()
        let token = nextToken
        nextToken &+= 1
        requests[token] = BrokerRequest(
            client: client, correlationID: envelope.correlationID, service: envelope.service,
            session: [UInt8](envelope.sessionID), idempotencyKey: key, bytes: bytes,
            deadline: envelope.deadlineMs > 0 ? now.adding(milliseconds: UInt64(envelope.deadlineMs)) : nil)
        tokenByRequester[requester] = token
        if !dispatch(token) {
            waiting[envelope.service, default: []].append(token)
            if let deadline = requests[token]?.deadline {
                loop.schedule(at: deadline) { [unowned self] in expireWaiting(.now()) }
            }
        }
    }

    private func tokenForKey(_ key: [UInt8]) -> UInt64? {
        requests.first { $0.value.idempotencyKey == key }?.key
    }

    // MARK: - Dispatch

    /// Sends request `token` to a worker; false if none can take it now.
    @discardableResult
    func dispatch(_ token: UInt64) -> Bool {
        guard var request = requests[token] else { return true }
        let pinKey = PinKey(service: request.service, session: request.session)
        var chosen: [UInt8]?
        var pinned = false
        if !request.session.isEmpty, let pin = pins[pinKey] {
            guard let worker = workers[pin.worker], worker.hasRoom else {
                // The pinned worker exists but is full: wait for it.
                if workers[pin.worker] != nil { return false }
                pins[pinKey] = nil
                return dispatch(token)
            }
            chosen = worker.id
            pinned = true
        } else {
            chosen = leastLoadedWorker(for: request.service)
        }
        guard let id = chosen else { return false }
        request.worker = id
        request.pinned = pinned
        request.dispatches += 1
        requests[token] = request
        workers[id]?.outstanding.insert(token)
        if workers[id]?.conversational.contains(request.service) == true, !request.session.isEmpty {
            pins[pinKey] = (id, .now())
        }
        metrics.dispatched.increment()
        if request.dispatches > 1 { metrics.redispatched.increment() }
        var tokenBytes = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { tokenBytes[index] = UInt8(truncatingIfNeeded: token >> (8 * index)) }
        if !sendToWorker(id, [tokenBytes, request.bytes]) {
            // The worker vanished while sending; `workerDied` re-queued the token.
            return true
        }
        return true
    }

    /// Least outstanding requests among live workers with room; round robin
    /// breaks ties so equal workers share the load.
    private func leastLoadedWorker(for service: String) -> [UInt8]? {
        guard let members = ring[service], !members.isEmpty else { return nil }
        let start = cursor[service, default: 0] % members.count
        var best: [UInt8]?
        var bestLoad = Int.max
        for offset in 0..<members.count {
            let id = members[(start + offset) % members.count]
            guard let worker = workers[id], worker.hasRoom else { continue }
            if worker.outstanding.count < bestLoad {
                best = id
                bestLoad = worker.outstanding.count
            }
        }
        cursor[service] = start + 1
        return best
    }

    /// Dispatches waiting requests of `services` while workers have room.
    func drainWaiting(_ services: some Sequence<String>) {
        for service in services {
            guard var queue = waiting[service], !queue.isEmpty else { continue }
            var index = 0
            while index < queue.count {
                if requests[queue[index]] == nil || dispatch(queue[index]) {
                    index += 1
                } else {
                    break
                }
            }
            queue.removeFirst(index)
            waiting[service] = queue.isEmpty ? nil : queue
        }
    }

    /// Answers waiting requests whose deadline passed.
    func expireWaiting(_ now: MonotonicTime) {
        for (service, queue) in waiting {
            var kept: [UInt64] = []
            for token in queue {
                guard let request = requests[token] else { continue }
                if let deadline = request.deadline, deadline <= now {
                    metrics.expired.increment()
                    let code: IPCv1ErrorReply.Code = ring[service]?.isEmpty == false ? .deadlineExceeded : .noSuchService
                    let reason = code == .noSuchService ? "no worker offers \(service)" : "no worker for \(service) before the deadline"
                    answer(token, with: errorReply(for: request, code, reason))
                } else {
                    kept.append(token)
                }
            }
            waiting[service] = kept.isEmpty ? nil : kept
        }
    }

    // MARK: - Answers

    /// Completes request `token` with `bytes` (a reply envelope) to its requester.
    func answer(_ token: UInt64, with bytes: [UInt8]) {
        guard let request = requests.removeValue(forKey: token) else { return }
        tokenByRequester[RequesterKey(client: request.client, correlationID: request.correlationID)] = nil
        if let worker = request.worker { workers[worker]?.outstanding.remove(token) }
        var destination = request.client
        if !request.idempotencyKey.isEmpty, let latest = replies.complete(request.idempotencyKey, reply: bytes) {
            destination = latest
        }
        metrics.answered.increment()
        metrics.latency.recordNanoseconds(Int64(clamping: MonotonicTime.now().nanoseconds &- request.received.nanoseconds))
        sendToClient(destination, bytes)
    }

    func errorReply(for request: BrokerRequest, _ code: IPCv1ErrorReply.Code, _ reason: String) -> [UInt8] {
        var reply = IPCv1Envelope()
        reply.correlationID = request.correlationID
        reply.sessionID = Data(request.session)
        reply.service = request.service
        reply.body = .error(.with { $0.code = code; $0.reason = reason })
        return EnvelopeCodec.encode(reply)
    }

    /// Requests without a service are for the broker itself: health and show.
    private func answerLocally(_ envelope: IPCv1Envelope) -> IPCv1Envelope {
        switch envelope.body {
        case .healthRequest:
            return envelope.reply(.healthReply(.with {
                $0.process = "ikehub-authd"
                $0.uptimeMs = (MonotonicTime.now().nanoseconds &- started.nanoseconds) / 1_000_000
                $0.requestsInFlight = UInt32(clamping: requests.count)
            }))
        case .showRequest(let show) where show.topic == .authWorkers:
            return envelope.reply(.showReply(.with { reply in
                reply.columns = ["worker", "pid", "services", "outstanding", "answered", "state"]
                reply.rows = snapshot().map { worker in
                    .with { $0.cells = [worker.name, String(worker.pid), worker.services.joined(separator: ","),
                                        String(worker.outstanding), String(worker.answered),
                                        worker.leaving ? "leaving" : "up"] }
                }
            }))
        case .showRequest(let show):
            return envelope.errorReply(.rejected, "ikehub-authd does not own show topic \(show.topic)")
        default:
            return envelope.errorReply(.rejected, "ikehub-authd answers \(envelope.bodyName) only with a service name")
        }
    }
}
