import Foundation
import HubIPC

/// Which service object answers a request, across configuration reloads (loop thread
/// only). New requests go to the services of the latest configuration. A conversation
/// (`auth.eap`: several rounds under one session id) stays with the service object its
/// first round went to, so a reload in the middle of an EAP exchange neither moves it
/// to plugins that never saw its State nor cuts it off; the old plugins live on until
/// their last open conversation ends (a verdict other than CONTINUE) or goes idle.
struct ServiceRoutes {
    /// The latest configuration's services by name.
    private(set) var current: [String: any WorkerService]
    /// Conversations between rounds, with the service that holds their state.
    private var open: [ConversationKey: OpenConversation] = [:]
    /// Longer than the broker's pin (60 s idle by default): the broker gives up on an
    /// idle conversation first, so a late round never finds its route gone.
    let idleLifetimeMilliseconds: UInt64

    struct ConversationKey: Hashable {
        let service: String
        let session: [UInt8]
    }

    struct OpenConversation {
        let service: any WorkerService
        var lastUsed: MonotonicTime
    }

    init(_ services: [any WorkerService], idleLifetimeMilliseconds: UInt64 = 120_000) {
        current = Self.byName(services)
        self.idleLifetimeMilliseconds = idleLifetimeMilliseconds
    }

    /// What the worker registers with the broker, sorted by name.
    var offers: [IPCv1ServiceOffer] {
        current.values.map(\.offer).sorted { $0.name < $1.name }
    }

    /// Number of conversations waiting for their next round.
    var openConversations: Int { open.count }

    /// The service for a request: the one holding its conversation, else the current one.
    mutating func service(for envelope: IPCv1Envelope, now: MonotonicTime = .now()) -> (any WorkerService)? {
        if !envelope.sessionID.isEmpty {
            let key = ConversationKey(service: envelope.service, session: [UInt8](envelope.sessionID))
            if let conversation = open[key] {
                open[key]?.lastUsed = now
                return conversation.service
            }
        }
        return current[envelope.service]
    }

    /// Records how a round of a conversational service ended: CONTINUE keeps the
    /// conversation with `service`, anything else ends it.
    mutating func answered(_ envelope: IPCv1Envelope, by service: any WorkerService, with body: IPCv1Envelope.OneOf_Body,
                           now: MonotonicTime = .now()) {
        guard service.offer.conversational, !envelope.sessionID.isEmpty else { return }
        let key = ConversationKey(service: envelope.service, session: [UInt8](envelope.sessionID))
        if case .authenticateReply(let reply) = body, reply.verdict == .continue {
            open[key] = OpenConversation(service: service, lastUsed: now)
        } else {
            open[key] = nil
        }
    }

    /// Makes `services` the current ones; open conversations keep theirs. True when
    /// the offer (names or conversational flags) changed, so the broker must be told.
    mutating func replace(with services: [any WorkerService]) -> Bool {
        let before = offers
        current = Self.byName(services)
        return offers != before
    }

    /// Forgets conversations idle for longer than the lifetime (the peer gave up).
    mutating func expireIdle(now: MonotonicTime = .now()) {
        let limit = idleLifetimeMilliseconds * 1_000_000
        open = open.filter { now.nanoseconds &- $0.value.lastUsed.nanoseconds < limit }
    }

    private static func byName(_ services: [any WorkerService]) -> [String: any WorkerService] {
        var byName: [String: any WorkerService] = [:]
        for service in services { byName[service.offer.name] = service }
        return byName
    }
}
