import HubVocabulary
import IKECrypto
import IKEWire

/// Our rekey of the IKE SA at its soft lifetime (RFC 7296 §1.3.2, §2.18). We become the
/// original initiator of the new IKE SA:
///
/// ```
/// HDR, SK {SA(IKE, our new SPI), Ni, KEi}  -->
///                            <--  HDR, SK {SA(IKE, SPIr'), Nr, KEr}
/// HDR, SK {D(IKE)}  -->  (on the old SA)
/// ```
struct IKERekeyInitiator: Sendable {
    var newSPI: IKESPI
    var nonce: [UInt8]
    var keyExchange: KeyExchange
    var transforms: NegotiatedIKETransforms

    static func start(sa: inout IKESA, env: ExchangeEnvironment, out: inout Outcome) {
        guard case .established(let state) = sa.phase else { return }
        guard sa.canSendRequest, state.pendingResponse == nil, state.pendingOwnInstall == nil else {
            sa.schedule(.ikeSARekey, at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds),
                        out: &out)
            return
        }
        let transforms = sa.keys.transforms
        do {
            let newSPI = try env.random.ikeSPI()
            let nonce = try env.random.nonce()
            let keyExchange = try KeyExchange(group: transforms.group)
            let proposal = SelectedIKEProposal(number: 1, transforms: transforms, configurationName: sa.proposalName, peerSPI: [])
            let payloads: [Payload] = [
                .securityAssociation(SecurityAssociationPayload(proposals: [proposal.responseProposal(spi: newSPI.bytes)])),
                .nonce(NoncePayload(data: nonce)),
                .keyExchange(KeyExchangePayload(group: transforms.group.transformID, keyExchangeData: keyExchange.publicValue)),
            ]
            let initiator = IKERekeyInitiator(newSPI: newSPI, nonce: nonce, keyExchange: keyExchange, transforms: transforms)
            try sa.sendRequest(exchange: .createChildSA, payloads: payloads, purpose: .ikeRekey(initiator), env: env, out: &out)
        } catch let error as IKECryptoError {
            out.effects.append(.protocolError(.crypto(error, place: sa.place(.createChildSA, nil))))
        } catch {
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: sa.place(.createChildSA, nil),
                                                               reason: "\(error)")))
        }
    }

    func handleResponse(_ payloads: [Payload], messageID: MessageID, sa: inout IKESA, env: ExchangeEnvironment,
                        out: inout Outcome) {
        let place = sa.place(.createChildSA, messageID)
        guard case .established(let state) = sa.phase else { return }
        var peerProposal: Proposal?, peerNonce: [UInt8]?, peerKE: KeyExchangePayload?, error: NotifyType?
        for payload in payloads {
            switch payload {
            case .securityAssociation(let sa): peerProposal = sa.proposals.first
            case .nonce(let nonce): peerNonce = nonce.data
            case .keyExchange(let ke): peerKE = ke
            case .notify(let notify) where notify.notifyType.isError: error = error ?? notify.notifyType
            default: break
            }
        }
        guard error == nil, let peerProposal, let peerNonce, let peerKE, let peerSPI = IKESPI(bytes: peerProposal.spi),
              !peerSPI.isZero, peerKE.group == transforms.group.transformID else {
            out.effects.append(.protocolError(IKEProtocolError(.noProposalChosen, notify: nil, place: place,
                                                               reason: "peer refused our IKE SA rekey: \(error.map { "\($0)" } ?? "bad answer")")))
            sa.schedule(.ikeSARekey, at: env.now.adding(milliseconds: env.configuration.retransmission.initialTimeoutMilliseconds * 4),
                        out: &out)
            return
        }
        do {
            let shared = try keyExchange.sharedSecret(peer: peerKE.keyExchangeData)
            let spis = IKESAIdentifier(initiatorSPI: newSPI, responderSPI: peerSPI)
            let keys = try IKESAKeys.derive(transforms: transforms, sharedSecret: shared, initiatorNonce: nonce,
                                            responderNonce: peerNonce, spis: spis, role: .originalInitiator, rekeying: sa.keys)
            let successor = sa.successor(localSPI: newSPI, identifier: spis, role: .originalInitiator, keys: keys,
                                         proposalName: sa.proposalName, state: state, env: env)
            sa.moveSession(to: successor, out: &out)
            // The initiator of the rekey deletes the old IKE SA (RFC 7296 §2.18).
            try sa.sendRequest(exchange: .informational, payloads: [.delete(.ikeSA)], purpose: .deleteIKESA, env: env, out: &out)
        } catch let error as IKECryptoError {
            out.effects.append(.protocolError(.crypto(error, place: place)))
        } catch {
            out.effects.append(.protocolError(IKEProtocolError(.cryptoFailure, notify: nil, place: place, reason: "\(error)")))
        }
    }
}
