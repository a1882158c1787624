// Fuzz target for the ESP data plane's untrusted-input path. Top-level code on purpose:
// SwiftPM links executables with --defsym main=<Module>_main, and -parse-as-library breaks that.
//
// Each input is used three ways: (1) classified as a port-4500 datagram; (2) opened as an
// ESP packet as it is (the pre-authentication path: lengths, SPI, replay window, ICV);
// (3) sealed as the payload of an authentic packet with a next header chosen by the first
// octet, then opened, so the post-authentication parsers (trailer, inner IPv4/IPv6 header,
// traffic selectors) see arbitrary bytes. Nothing may trap.
import CFuzzerDriver
import ESPDataPlane
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

let installed = WallTime(secondsSinceEpoch: 1_800_000_000)
let selectors = [TrafficSelector(ipProtocol: 6, startPort: 1000, endPort: 2000,
                                 startAddress: IPAddress("10.0.0.0")!, endAddress: IPAddress("10.255.255.255")!),
                 TrafficSelector.allIPv6]
let pairs: [(ESPOutboundSA, ESPInboundSA)] = [
    try! ESPCipherSuite(encryption: .aesGCM(.bits128, icv: .octets16)),
    try! ESPCipherSuite(encryption: .aesCBC(.bits128), integrity: .hmacSHA2_256_128),
    try! ESPCipherSuite(encryption: .chaCha20Poly1305),
].map { suite in
    let keys = try! ESPKeyMaterial(directionKeyMaterial: SecretBytes([UInt8](repeating: 0x3c, count: suite.keyMaterialLength)), for: suite)
    return (try! ESPOutboundSA(spi: 0x0102_0304, suite: suite, keys: keys, extendedSequenceNumbers: true, installedAt: installed),
            try! ESPInboundSA(spi: 0x0102_0304, suite: suite, keys: keys, extendedSequenceNumbers: true, installedAt: installed,
                              remoteSelectors: selectors, localSelectors: selectors))
}
// One reused buffer: libFuzzer calls fuzzOne from one thread.
nonisolated(unsafe) var buffer = [UInt8](repeating: 0, count: 70_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    _ = UDPEncapsulation.classify(input)
    guard size <= 65_000 else { return 0 }
    for (outbound, inbound) in pairs {
        buffer.withUnsafeMutableBytes { raw in
            if let data { raw.baseAddress!.copyMemory(from: data, byteCount: size) }
            _ = try? inbound.open(UnsafeMutableRawBufferPointer(rebasing: raw[0..<size]))
            let nextHeader: UInt8 = switch size > 0 ? input[0] % 4 : 0 {
            case 0: 4
            case 1: 41
            case 2: 59
            default: size > 1 ? input[1] : 0
            }
            if let sealed = try? outbound.seal(input, nextHeader: nextHeader, into: raw) {
                _ = try? inbound.open(UnsafeMutableRawBufferPointer(rebasing: raw[0..<sealed.length]))
            }
        }
    }
    return 0
}

#if IKEHUB_FUZZING
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, { fuzzOne($0, $1) }))
#else
print("built without -DIKEHUB_FUZZING")
#endif
