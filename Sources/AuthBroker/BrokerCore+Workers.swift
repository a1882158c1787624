import Foundation
import HubIPC
import Logging
import ZeroMQ

extension BrokerCore {
    // MARK: - Messages from workers

    func readBackend(_ socket: ZMQSocket) {
        for _ in 0..<1024 {
            guard let frames = try? socket.receive() else { return }
            guard frames.count >= 2 else { continue }
            let id = frames[0]
            workers[id]?.lastHeard = .now()
            if frames.count == 3 {
                workerReplied(id, token: frames[1], bytes: frames[2])
            } else {
                workerControl(id, bytes: frames[1])
            }
        }
    }

    /// `[token, envelope]`: the answer to a dispatched request.
    private func workerReplied(_ id: [UInt8], token tokenBytes: [UInt8], bytes: [UInt8]) {
        guard tokenBytes.count == 8 else { return }
        var token: UInt64 = 0
        for index in 0..<8 { token |= UInt64(tokenBytes[index]) << (8 * index) }
        guard let request = requests[token], request.worker == id else {
            // Already answered by another worker after a re-dispatch, or expired.
            metrics.lateReplies.increment()
            return
        }
        let worker = workers[id]
        workers[id]?.answered += 1
        var reply = bytes
        if worker?.conversational.contains(request.service) == true {
            reply = conversationReply(request, bytes)
        }
        answer(token, with: reply)
        guard let worker else { return }
        // Only services with requests waiting need a look (usually none).
        if !waiting.isEmpty { drainWaiting(worker.services) }
        if worker.leaving, workers[id]?.outstanding.isEmpty == true { removeWorker(id) }
    }

    /// A conversational reply: the pin ends with the conversation (any verdict
    /// but CONTINUE), and an MSK is kept out of the reply the frontend sees.
    private func conversationReply(_ request: BrokerRequest, _ bytes: [UInt8]) -> [UInt8] {
        guard case .envelope(var envelope) = try? EnvelopeCodec.decode(bytes) else { return bytes }
        let pinKey = PinKey(service: request.service, session: request.session)
        if case .authenticateReply(var reply) = envelope.body {
            if reply.verdict != .continue { pins[pinKey] = nil } else { pins[pinKey]?.lastUsed = .now() }
            if reply.hasMsk {
                // The MSK stays in the broker: the frontend never holds it (DESIGN.md
                // §1). The final EAP round is answered from it (BrokerCore+EAP.swift).
                if reply.verdict == .accept { holdMSK(reply.msk, session: request.session) }
                reply.clearMsk()
                reply.mskAvailable = reply.verdict == .accept
                envelope.body = .authenticateReply(reply)
                return EnvelopeCodec.encodeVerbatim(envelope)
            }
        } else {
            pins[pinKey] = nil
        }
        return bytes
    }

    /// `[envelope]`: register, heartbeat or leave.
    private func workerControl(_ id: [UInt8], bytes: [UInt8]) {
        let envelope: IPCv1Envelope
        switch try? EnvelopeCodec.decode(bytes) {
        case .envelope(let known):
            envelope = known
        case .unsupportedMajor(let major, let minor):
            refusals.refused(side: "worker", major: major, minor: minor)
            sendToWorker(id, [EnvelopeCodec.encode(.unsupportedMajorReply(peerMajor: major, peerMinor: minor))])
            return
        default:
            return
        }
        switch envelope.body {
        case .workerRegister(let register):
            registerWorker(id, register)
        case .workerHeartbeat:
            if workers[id] == nil {
                // We restarted, or declared it dead: it must register again.
                var refusal = IPCv1Envelope()
                refusal.body = .error(.with { $0.code = .notRegistered; $0.reason = "register first" })
                sendToWorker(id, [EnvelopeCodec.encode(refusal)])
            }
        case .workerLeave(let leave):
            guard workers[id] != nil else { return }
            workers[id]?.leaving = true
            logger.info("worker \(workers[id]?.name ?? "?") leaving: \(leave.reason)")
            if workers[id]?.outstanding.isEmpty == true { removeWorker(id) }
        default:
            logger.debug("worker sent \(envelope.bodyName) on the control path: ignored")
        }
    }

    private func registerWorker(_ id: [UInt8], _ register: IPCv1WorkerRegister) {
        if workers[id] != nil {
            // The same connection registers again (it thought we restarted):
            // keep what it holds, refresh the offer.
            removeWorker(id, requeue: true)
        }
        let services = Set(register.services.map(\.name).filter { !$0.isEmpty })
        let conversational = Set(register.services.filter(\.conversational).map(\.name))
        let capacity = register.capacity > 0 ? Int(register.capacity) : configuration.defaultWorkerCapacity
        workers[id] = WorkerRecord(id: id, name: register.workerName.isEmpty ? "worker" : register.workerName,
                                   pid: register.pid, services: services, conversational: conversational,
                                   capacity: capacity, lastHeard: .now())
        for service in services { ring[service, default: []].append(id) }
        metrics.workersRegistered.record(workers.count)
        let welcome = IPCv1Envelope.request(.workerRegistered(.with {
            $0.heartbeatIntervalMs = UInt32(clamping: heartbeatMilliseconds)
            $0.heartbeatLiveness = UInt32(clamping: configuration.heartbeatLiveness)
        }))
        sendToWorker(id, [EnvelopeCodec.encode(welcome)])
        logger.info("worker \(register.workerName) (pid \(register.pid)) registered: \(services.sorted().joined(separator: ","))")
        drainWaiting(services)
    }

    /// A worker stopped answering: forget it and re-dispatch what it held. A
    /// later round of a pinned conversation cannot move (its state died with the
    /// worker): it is answered CONVERSATION_LOST so the frontend starts over.
    func workerDied(_ id: [UInt8], reason: String) {
        guard let worker = workers[id] else { return }
        metrics.workerDeaths.increment()
        logger.warning("worker \(worker.name) (pid \(worker.pid)) dead: \(reason); re-dispatching \(worker.outstanding.count) requests")
        removeWorker(id, requeue: true)
    }

    func removeWorker(_ id: [UInt8], requeue: Bool = false) {
        guard let worker = workers.removeValue(forKey: id) else { return }
        for service in worker.services {
            ring[service]?.removeAll { $0 == id }
            if ring[service]?.isEmpty == true { ring[service] = nil }
        }
        pins = pins.filter { $0.value.worker != id }
        metrics.workersRegistered.record(workers.count)
        guard requeue else { return }
        for token in worker.outstanding.sorted() {
            guard var request = requests[token] else { continue }
            if request.pinned {
                answer(token, with: errorReply(for: request, .conversationLost,
                                               "the worker holding this conversation went away; start over"))
                continue
            }
            request.worker = nil
            requests[token] = request
            if !dispatch(token) { waiting[request.service, default: []].insert(token, at: 0) }
        }
    }
}
