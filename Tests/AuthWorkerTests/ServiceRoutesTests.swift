@testable import AuthWorker
import FlexConfig
import Foundation
import HubIPC
import HubVocabulary
import Logging
import Testing

/// `ServiceRoutes`: which `auth.eap` service object a round goes to across a reload. The
/// services are the real `EAPService` over the real RADIUS plugin (no server is contacted:
/// no round is relayed here); they differ by the RADIUS port their configuration names.
@Suite struct ServiceRoutesTests {
    static func eap(port: UInt16) throws -> EAPService {
        let text = EAPRelayTests.configuration(port: port, secret: "routes-test-secret")
        let loaded = FlexConfig.load(text: text, file: "routes.cfg")
        let plugins = try ResolvedPlugins.resolve(loaded.configuration, text: text, file: "routes.cfg", logger: AuthHarness.logger)
        return EAPService(plugins: plugins)
    }

    /// The RADIUS port of the configuration behind the service a request is routed to.
    static func port(_ routes: inout ServiceRoutes, _ envelope: IPCv1Envelope, now: MonotonicTime) -> UInt16? {
        (routes.service(for: envelope, now: now) as? EAPService)?.plugins.configuration.radiusServers.first?.authenticationPort
    }

    static func round(session: UInt64) -> IPCv1Envelope {
        var envelope = IPCv1Envelope.request(EAPRelayTests.round(1, [2, 1, 0, 4]), service: "auth.eap",
                                             session: SessionID(high: 7, low: session))
        envelope.correlationID = session
        return envelope
    }

    static func verdict(_ verdict: IPCv1Verdict) -> IPCv1Envelope.OneOf_Body {
        .authenticateReply(.with { $0.verdict = verdict })
    }

    @Test func testOpenConversationStaysOnItsService_untilItsVerdict_whileNewOnesTakeTheReloadedOne() throws {
        let start = MonotonicTime(nanoseconds: 1_000_000_000)
        let old = try Self.eap(port: 1812)
        var routes = ServiceRoutes([old, EchoService(workerName: "w")])
        let open = Self.round(session: 1), finished = Self.round(session: 2)
        routes.answered(open, by: old, with: Self.verdict(.continue), now: start)
        routes.answered(finished, by: old, with: Self.verdict(.continue), now: start)
        routes.answered(finished, by: old, with: Self.verdict(.reject), now: start)
        #expect(routes.openConversations == 1)

        let sameOffer = routes.replace(with: [try Self.eap(port: 1912), EchoService(workerName: "w")])
        #expect(!sameOffer, "same offer, yet reported changed")
        #expect(Self.port(&routes, open, now: start) == 1812, "an open conversation moved to the new plugins")
        #expect(Self.port(&routes, finished, now: start) == 1912, "an ended conversation kept the old plugins")
        #expect(Self.port(&routes, Self.round(session: 3), now: start) == 1912)

        // Its accept ends it; the next conversation under that session id is a new one.
        routes.answered(open, by: old, with: Self.verdict(.accept), now: start)
        #expect(routes.openConversations == 0)
        #expect(Self.port(&routes, open, now: start) == 1912)
    }

    @Test func testIdleConversationIsForgotten_afterItsLifetime_andOfferChangeIsReported() throws {
        let start = MonotonicTime(nanoseconds: 5_000_000_000)
        let old = try Self.eap(port: 1812)
        var routes = ServiceRoutes([old], idleLifetimeMilliseconds: 120_000)
        routes.answered(Self.round(session: 1), by: old, with: Self.verdict(.continue), now: start)
        routes.expireIdle(now: start.adding(milliseconds: 119_000))
        #expect(routes.openConversations == 1)
        routes.expireIdle(now: start.adding(milliseconds: 120_001))
        #expect(routes.openConversations == 0)

        let changed = routes.replace(with: [old, EchoService(workerName: "w")])
        #expect(changed, "a new service was not reported as an offer change")
        #expect(routes.offers.map(\.name) == ["auth.eap", "echo"])
        #expect(routes.offers.first?.conversational == true)
    }
}
