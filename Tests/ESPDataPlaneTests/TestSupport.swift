import HubVocabulary
@testable import ESPDataPlane

/// Hex from a published vector (white space allowed); traps only on a typo in the test itself.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { preconditionFailure("bad hex in test vector: \(text)") }
    return bytes
}

let testInstant = WallTime(secondsSinceEpoch: 1_800_000_000)

/// Runs `body` over a mutable copy of `bytes` and returns the copy afterwards as well.
func withMutableCopy<Result>(of bytes: [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws -> Result) rethrows -> (Result, [UInt8]) {
    var copy = bytes
    let result = try copy.withUnsafeMutableBytes { try body($0) }
    return (result, copy)
}

/// Opens `packet` with `sa`, returning the inner packet bytes or the typed error.
func open(_ packet: [UInt8], with sa: ESPInboundSA) -> Result<[UInt8], ESPError> {
    var copy = packet
    return copy.withUnsafeMutableBytes { buffer in
        do throws(ESPError) {
            let opened = try sa.open(buffer)
            return .success(Array(buffer[opened.innerPacket]))
        } catch {
            return .failure(error)
        }
    }
}

/// Seals `packet` with `sa` into a fresh buffer and returns the ESP packet.
func seal(_ packet: [UInt8], with sa: ESPOutboundSA, nextHeader: UInt8 = 4) throws -> [UInt8] {
    try sealResult(packet, with: sa, nextHeader: nextHeader).get()
}

/// Seals `packet` with `sa`, returning the ESP packet or the typed error.
func sealResult(_ packet: [UInt8], with sa: ESPOutboundSA, nextHeader: UInt8 = 4, bufferSize: Int? = nil) -> Result<[UInt8], ESPError> {
    var buffer = [UInt8](repeating: 0, count: bufferSize ?? packet.count + sa.suite.maximumOverhead)
    return buffer.withUnsafeMutableBytes { raw in
        packet.withUnsafeBytes { source in
            do throws(ESPError) {
                let sealed = try sa.seal(source, nextHeader: nextHeader, into: raw)
                return .success(Array(raw[0..<sealed.length]))
            } catch {
                return .failure(error)
            }
        }
    }
}

/// A minimal IPv4 ICMP echo request of `payloadLength` data octets from `source` to `destination`
/// (checksums left zero: the ESP layer does not look at them).
func ipv4Packet(source: UInt32 = 0xc633_6405, destination: UInt32 = 0xc000_0205, protocol ipProtocol: UInt8 = 1,
                payloadLength: Int = 56, ports: (UInt16, UInt16)? = nil) -> [UInt8] {
    let total = 20 + 8 + payloadLength
    var packet = [UInt8](repeating: 0, count: total)
    packet[0] = 0x45
    packet[2] = UInt8(total >> 8)
    packet[3] = UInt8(total & 0xff)
    packet[8] = 64
    packet[9] = ipProtocol
    for index in 0..<4 {
        packet[12 + index] = UInt8(truncatingIfNeeded: source >> (24 - 8 * index))
        packet[16 + index] = UInt8(truncatingIfNeeded: destination >> (24 - 8 * index))
    }
    if let ports {
        packet[20] = UInt8(ports.0 >> 8); packet[21] = UInt8(ports.0 & 0xff)
        packet[22] = UInt8(ports.1 >> 8); packet[23] = UInt8(ports.1 & 0xff)
    } else {
        packet[20] = 8
    }
    for index in 28..<total { packet[index] = UInt8(truncatingIfNeeded: index) }
    return packet
}

import Synchronization

/// Collects values handed over from data-plane threads.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}

/// A clock the test moves by hand (the data plane reads it from its own threads).
final class ManualClock: WallClock, Sendable {
    private let time: Mutex<WallTime>
    init(_ start: WallTime) { time = Mutex(start) }
    func set(_ instant: WallTime) { time.withLock { $0 = instant } }
    func now() -> WallTime { time.withLock { $0 } }
}
