import HubVocabulary
import IKEWire

/// INFORMATIONAL with Delete payloads (RFC 7296 §1.4.1), both directions:
///
/// ```
/// HDR, SK {D(IKE)}                -->   <--  HDR, SK {}           the session ends
/// HDR, SK {D(ESP, SPI_peer…)}     -->   <--  HDR, SK {D(ESP, SPI_ours…)}
/// HDR, SK {}                      -->   <--  HDR, SK {}           liveness (LivenessCheck)
/// ```
enum DeleteExchange {
    static func receive(_ payloads: [Payload], message: IKEMessage, datagram: InboundDatagram, sa: inout IKESA,
                        env: ExchangeEnvironment, out: inout Outcome) throws(IKEProtocolError) {
        let messageID = message.header.messageID
        let place = sa.place(.informational, messageID)
        do {
            try MessageRules.verify(message, innerPayloads: payloads, against: MessageRules.informationalRequest)
        } catch {
            throw .malformed(error, place: place)
        }
        guard let acceptor = sa.phase.informationalAcceptor else {
            throw .unexpected("INFORMATIONAL request in state \(sa.phase.name)", place: place)
        }
        let deletes = payloads.compactMap { if case .delete(let d) = $0 { d } else { nil } }
        if deletes.contains(where: { $0.protocolID == .ike }) {
            try sa.sendResponse(exchange: .informational, messageID: messageID, payloads: [], remote: datagram.remote,
                                local: datagram.local, env: env, out: &out)
            if acceptor.ownsSession {
                sa.tearDown(reason: .peerDeleted, out: &out)
            } else if case .deleting(let state) = sa.phase {
                sa.finish(reason: state.reason, out: &out)   // both sides deleted at once (RFC 7296 §1.4.1)
            } else {
                out.actions.append(.remove(sa.localSPI))     // a rekeyed SA: its session lives on its successor
            }
            return
        }
        var answer: [UInt32] = []
        if case .established(var state) = sa.phase {
            for delete in deletes where delete.protocolID == .esp || delete.protocolID == .ah {
                for spi in delete.childSPIs {
                    // The SPIs are the peer's inbound ones: our outbound (RFC 7296 §1.4.1).
                    guard let index = state.children.firstIndex(where: { $0.outboundSPI == spi }) else { continue }
                    let child = state.children.remove(at: index)
                    answer.append(child.inboundSPI)
                    sa.timers[.childSARekey(inboundSPI: child.inboundSPI)] = nil
                    sa.timers[.childSAExpiry(inboundSPI: child.inboundSPI)] = nil
                    out.effects.append(.deleteChildSA(ChildSARemoval(session: sa.sessionID, inboundSPI: child.inboundSPI,
                                                                     outboundSPI: child.outboundSPI)))
                }
            }
            sa.phase = .established(state)
        }
        let response: [Payload] = answer.isEmpty ? [] : [.delete(.childSAs(protocolID: .esp, spis: answer))]
        try sa.sendResponse(exchange: .informational, messageID: messageID, payloads: response, remote: datagram.remote,
                            local: datagram.local, env: env, out: &out)
    }

    /// Our Delete of CHILD_SAs by their inbound SPIs; removes them from tunneld at once
    /// (RFC 7296 §1.4.1: the sender stops using them before the answer).
    static func deleteChildren(_ inboundSPIs: [UInt32], sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(var state) = sa.phase else { return }
        var deleted: [UInt32] = []
        for spi in inboundSPIs {
            guard let index = state.children.firstIndex(where: { $0.inboundSPI == spi }) else { continue }
            let child = state.children.remove(at: index)
            deleted.append(spi)
            sa.timers[.childSARekey(inboundSPI: spi)] = nil
            sa.timers[.childSAExpiry(inboundSPI: spi)] = nil
            out.effects.append(.deleteChildSA(ChildSARemoval(session: sa.sessionID, inboundSPI: child.inboundSPI,
                                                             outboundSPI: child.outboundSPI)))
        }
        sa.phase = .established(state)
        guard !deleted.isEmpty else { return }
        do {
            try sa.sendRequest(exchange: .informational, payloads: [.delete(.childSAs(protocolID: .esp, spis: deleted))],
                               purpose: .deleteChildSAs(deleted), env: env, out: &out)
        } catch {
            out.effects.append(.protocolError(error))
        }
    }

    /// The answer to one of our Deletes.
    static func handleResponse(purpose: OwnRequestPurpose, sa: inout IKESA, out: inout Outcome) {
        switch purpose {
        case .deleteIKESA:
            if case .deleting(let state) = sa.phase { sa.finish(reason: state.reason, out: &out) }
            else { out.actions.append(.remove(sa.localSPI)) }
        default:
            break   // CHILD_SAs were removed when the Delete was sent
        }
    }
}
