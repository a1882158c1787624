import Foundation
public import ESPDataPlane
public import HubIPC
public import HubNetworking
public import HubVocabulary

/// One `ChildSA` of an install or rekey request, checked and turned into a data-plane SA.
/// The keys go from the message straight into `SecretBytes`; nothing here prints them.
public enum ConvertedChildSA: Sendable {
    /// Traffic from the peer, keyed by the SPI this headend chose.
    case inbound(ESPInboundSA)
    /// Traffic to the peer, under the SPI the peer chose.
    case outbound(ESPOutboundSA)

    /// The SPI in network order, as the request named it.
    public var spi: UInt32 {
        switch self {
        case .inbound(let sa): sa.identifier.spi
        case .outbound(let sa): sa.identifier.spi
        }
    }
}

/// The addresses a ChildSA binds the session to: where ESP-in-UDP goes (RFC 3948 §2.1), or
/// port 0 on both for plain ESP.
public struct ChildSAEndpoints: Equatable, Sendable {
    /// The peer's address and UDP encapsulation port.
    public let remote: SocketAddress
    /// This headend's address and UDP encapsulation port.
    public let local: SocketAddress
}

extension IPCv1ChildSA {
    /// RFC 7296 §3.3.1 protocol ID of ESP, the only one the userspace plane carries.
    static let espProtocolID: UInt32 = 3

    /// The remote and local UDP endpoints; `field` names the SA in errors (`sas[0]`).
    public func endpoints(field: String) throws(TunnelManagerError) -> ChildSAEndpoints {
        guard let remoteAddress = IPAddress(bytes: remoteAddress.octets) else {
            throw .invalidChildSA(field: "\(field).remote_address", reason: "\(remoteAddress.octets.count) octets, need 4 or 16")
        }
        guard let localAddress = IPAddress(bytes: localAddress.octets) else {
            throw .invalidChildSA(field: "\(field).local_address", reason: "\(localAddress.octets.count) octets, need 4 or 16")
        }
        // Both ports 0: plain ESP (IP protocol 50); both set: ESP-in-UDP (RFC 3948).
        guard (encapsulationRemotePort == 0) == (encapsulationLocalPort == 0) else {
            throw .invalidChildSA(field: "\(field).encapsulation_*_port",
                                  reason: "either both ports (ESP-in-UDP) or neither (plain ESP)")
        }
        guard let remotePort = UInt16(exactly: encapsulationRemotePort), let localPort = UInt16(exactly: encapsulationLocalPort) else {
            throw .invalidChildSA(field: "\(field).encapsulation_*_port", reason: "above 65535")
        }
        return ChildSAEndpoints(remote: SocketAddress(address: remoteAddress, port: remotePort),
                                local: SocketAddress(address: localAddress, port: localPort))
    }

    /// The data-plane SA this message describes, installed at `now`.
    /// `restoredSequence` (after a restart): the outbound SA's last sequence number or the
    /// inbound SA's replay window top, as checkpointed. Outbound SAs skip `restartMargin`
    /// numbers beyond it, for the packets sent after the last checkpoint.
    public func converted(field: String, now: WallTime, restoredSequence: UInt64? = nil) throws(TunnelManagerError) -> ConvertedChildSA {
        guard spi != 0 else { throw .invalidChildSA(field: "\(field).spi", reason: "SPI 0 is reserved (RFC 4303 §2.1)") }
        guard self.protocol == Self.espProtocolID else {
            throw .unsupportedChildSA(field: "\(field).protocol", reason: "protocol \(self.protocol), only ESP (3) is supported")
        }
        let suite = try cipherSuite(field: field)
        let keys = try keyMaterial(for: suite, field: field)
        let limits = SALifetimeLimits(
            softBytes: softLifetimeBytes == 0 ? nil : softLifetimeBytes,
            hardBytes: hardLifetimeBytes == 0 ? nil : hardLifetimeBytes,
            softSeconds: softLifetimeSeconds == 0 ? nil : Int64(softLifetimeSeconds),
            hardSeconds: hardLifetimeSeconds == 0 ? nil : Int64(hardLifetimeSeconds))
        let inbound: Bool
        switch direction {
        case .inbound: inbound = true
        case .outbound: inbound = false
        case .unspecified, .UNRECOGNIZED:
            throw .invalidChildSA(field: "\(field).direction", reason: "must be INBOUND or OUTBOUND")
        }
        let remote = try Self.selectors(remoteSelectors, field: "\(field).remote_selectors")
        let local = try Self.selectors(localSelectors, field: "\(field).local_selectors")
        do throws(ESPSetupError) {
            if inbound {
                return .inbound(try ESPInboundSA(
                    spi: spi, suite: suite, keys: keys, extendedSequenceNumbers: extendedSequenceNumbers,
                    replayWindowSize: replayWindowSize, lifetime: limits, installedAt: now,
                    remoteSelectors: remote, localSelectors: local, replayWindowTop: restoredSequence ?? 0))
            }
            var last: UInt64 = 0
            if let restoredSequence {
                let limit = extendedSequenceNumbers ? UInt64.max : UInt64(UInt32.max)
                last = restoredSequence > limit - Self.restartMargin ? limit : restoredSequence + Self.restartMargin
            }
            return .outbound(try ESPOutboundSA(spi: spi, suite: suite, keys: keys, extendedSequenceNumbers: extendedSequenceNumbers,
                                               lifetime: limits, installedAt: now, lastSequenceNumber: last))
        } catch {
            throw .unsupportedChildSA(field: field, reason: error.description)
        }
    }

    /// Sequence numbers an outbound SA skips after a restart: more than the plane sends in
    /// the half second between checkpoints (~400 k packets/s per SA measured here).
    public static let restartMargin: UInt64 = 1 << 20

    /// 0 asks for the plane's largest window; other sizes are kept within 32…1024 packets.
    private var replayWindowSize: Int {
        replayWindow == 0 ? ReplayWindow.maximumSize : min(max(Int(replayWindow), 32), ReplayWindow.maximumSize)
    }

    private func cipherSuite(field: String) throws(TunnelManagerError) -> ESPCipherSuite {
        guard let encryption = UInt16(exactly: encryptionTransformID), let integrity = UInt16(exactly: integrityTransformID),
              let bits = UInt16(exactly: encryptionKeyBits) else {
            throw .invalidChildSA(field: "\(field).encryption_transform_id", reason: "transform ID or key length above 65535")
        }
        do {
            return try ESPCipherSuite(encryptionTransformID: encryption, keyLengthBits: bits == 0 ? nil : bits,
                                      integrityTransformID: integrity == 0 ? nil : integrity)
        } catch {
            throw .unsupportedChildSA(field: "\(field).encryption_transform_id", reason: error.description)
        }
    }

    private func keyMaterial(for suite: ESPCipherSuite, field: String) throws(TunnelManagerError) -> ESPKeyMaterial {
        let encryptionLength = suite.encryption.keyMaterialLength
        guard encryptionKey.octets.count == encryptionLength else {
            throw .invalidChildSA(field: "\(field).encryption_key",
                                  reason: "\(encryptionKey.octets.count) octets, \(suite) needs \(encryptionLength)")
        }
        let encryption = SecretBytes(encryptionKey.octets)
        guard let integrity = suite.integrity else {
            guard integrityKey.octets.isEmpty else {
                throw .invalidChildSA(field: "\(field).integrity_key", reason: "an AEAD suite takes no integrity key")
            }
            return ESPKeyMaterial(encryptionKey: encryption)
        }
        guard integrityKey.octets.count == integrity.keyLength else {
            throw .invalidChildSA(field: "\(field).integrity_key",
                                  reason: "\(integrityKey.octets.count) octets, \(integrity) needs \(integrity.keyLength)")
        }
        return ESPKeyMaterial(encryptionKey: encryption, integrityKey: SecretBytes(integrityKey.octets))
    }

    /// RFC 7296 §3.13.1 selectors; both ends of a range of one family.
    static func selectors(_ selectors: [IPCv1TrafficSelector], field: String) throws(TunnelManagerError) -> [TrafficSelector] {
        var result: [TrafficSelector] = []
        for (index, selector) in selectors.enumerated() {
            guard let start = IPAddress(bytes: selector.startAddress.octets), let end = IPAddress(bytes: selector.endAddress.octets),
                  start.bytes.count == end.bytes.count else {
                throw .invalidChildSA(field: "\(field)[\(index)]", reason: "start and end must be addresses of one family")
            }
            guard let proto = UInt8(exactly: selector.ipProtocol), let low = UInt16(exactly: selector.startPort),
                  let high = UInt16(exactly: selector.endPort) else {
                throw .invalidChildSA(field: "\(field)[\(index)]", reason: "protocol above 255 or port above 65535")
            }
            result.append(TrafficSelector(ipProtocol: proto, startPort: low, endPort: high, startAddress: start, endAddress: end))
        }
        return result
    }
}
