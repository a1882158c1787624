import Foundation
import HubTestSupport
import HubVocabulary
@testable import RADIUS
import Testing

/// The Swift RADIUS client against a real FreeRADIUS on loopback: Message-Authenticator
/// sent and required, failover in group order, dead-server marking, wrong secrets and
/// tampered responses dropped and counted.
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct RadiusAuthenticationClientTests {
    static let users = """
    alice\tCleartext-Password := "alice-secret"
    \tFramed-IP-Address := 10.1.2.3,
    \tCisco-AVPair += "ipsec:dns-servers=10.0.0.53",
    \tClass := "class-alice"

    """

    static func server(_ name: String, port: UInt16, secret: String, timeout: Duration = .seconds(1), retransmit: Int = 0) -> RadiusAuthenticationServer {
        RadiusAuthenticationServer(name: name, endpoint: RadiusServerEndpoint(host: "127.0.0.1", authenticationPort: port,
                                                                               secret: SecretBytes(Array(secret.utf8))),
                                   timeout: timeout, retransmit: retransmit)
    }

    static let alice: [RadiusAttribute] = [.string(RadiusAttributeType.userName, "alice"), .string(RadiusAttributeType.userPassword, "alice-secret")]

    @Test func testAccessAccept_isVerified_andRequestCarriedMessageAuthenticator() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [Self.server("r1", port: radius.authenticationPort, secret: radius.secret)]))
        let result = try await client.authenticate(Self.alice)
        #expect(result.code == .accessAccept)
        #expect(result.attributes.contains(RadiusAttribute(type: 8, value: .ipv4(IPv4Address("10.1.2.3")!))))
        #expect(result.ciscoAVPairs == ["ipsec:dns-servers=10.0.0.53"])
        #expect(result.packet.attributes.contains { $0.type == 80 })
        #expect(radius.log().contains("Message-Authenticator = 0x"))
        #expect(client.droppedResponses().isEmpty)
    }

    @Test func testAccessReject_isVerified_whenPasswordIsWrong() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        // FreeRADIUS delays an Access-Reject by 1 s (reject_delay).
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
            Self.server("r1", port: radius.authenticationPort, secret: radius.secret, timeout: .seconds(3)),
        ]))
        let result = try await client.authenticate([.string(1, "alice"), .string(2, "wrong")])
        #expect(result.code == .accessReject)
    }

    @Test func testFailover_toSecondServer_whenFirstIsDown_andDeadtimeSkipsIt() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let blackhole = try SilentUDPPort()
        let group = RadiusServerGroupConfiguration(name: "g", servers: [
            Self.server("down", port: blackhole.port, secret: radius.secret, timeout: .milliseconds(700), retransmit: 1),
            Self.server("up", port: radius.authenticationPort, secret: radius.secret),
        ], deadtime: .seconds(60))
        let client = try RadiusAuthenticationClient(group: group)
        let first = ContinuousClock.now
        let result = try await client.authenticate(Self.alice)
        let firstTook = ContinuousClock.now - first
        #expect(result.code == .accessAccept && result.server == "up")
        #expect(firstTook >= .milliseconds(1400))  // two sends to the silent server, 700 ms each
        #expect(blackhole.received() == 2)
        #expect(client.isMarkedDead(0))
        // The dead server is skipped: the silent port sees nothing more (a wall-clock bound
        // here flaked on a loaded machine; the count is what proves the skip).
        let again = try await client.authenticate(Self.alice)
        #expect(again.server == "up")
        #expect(blackhole.received() == 2)
        #expect(client.answers() == ["up": 2])
    }

    @Test func testWrongSecret_getsNoAnswer_andNoAcceptIsBelieved() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
            Self.server("r1", port: radius.authenticationPort, secret: "not-the-secret", timeout: .milliseconds(800)),
        ]))
        await #expect(throws: RadiusClientError.self) { _ = try await client.authenticate(Self.alice) }
        // FreeRADIUS drops a request whose Message-Authenticator fails under its secret.
        #expect(radius.log().contains("Message-Authenticator") )
    }

    @Test func testForgedAccept_fromAManInTheMiddle_isDroppedAndCounted() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        // The relay turns FreeRADIUS's Access-Reject into an Access-Accept (the outcome a
        // Blast-RADIUS forgery aims at); the client must not believe it.
        let relay = try TamperingRelay(to: radius.authenticationPort) { reply in
            var forged = reply
            if forged.first == RadiusCode.accessReject.rawValue { forged[0] = RadiusCode.accessAccept.rawValue }
            return forged
        }
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
            Self.server("via-mitm", port: relay.port, secret: radius.secret, timeout: .milliseconds(2500)),
        ]))
        await #expect(throws: RadiusClientError.self) { _ = try await client.authenticate([.string(1, "alice"), .string(2, "wrong")]) }
        #expect(client.droppedResponses()[.badResponseAuthenticator] == 1)
    }

    @Test func testResponseWithoutMessageAuthenticator_isDroppedAndCounted() async throws {
        let radius = try FreeRADIUSServer(users: Self.users, signReplies: true)
        let secret = Array(radius.secret.utf8)
        final class Seen: @unchecked Sendable { var authenticators: [UInt8: [UInt8]] = [:] }
        let seen = Seen()
        let lock = NSLock()
        // A relay that knows the secret strips the Message-Authenticator and re-signs the
        // Response Authenticator: what a server without Blast-RADIUS fixes would send.
        let relay = try TamperingRelay(to: radius.authenticationPort, onRequest: { request in
            lock.withLock { seen.authenticators[request[1]] = Array(request[4..<20]) }
        }) { reply in
            guard var packet = try? RadiusPacket.decode(reply),
                  let authenticator = lock.withLock({ seen.authenticators[reply[1]] }) else { return reply }
            packet.attributes.removeAll { $0.type == 80 }
            packet.authenticator = authenticator
            var bytes = try! packet.encoded()
            bytes.replaceSubrange(4..<20, with: RadiusCrypto.md5(bytes, secret))
            return bytes
        }
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
            Self.server("via-mitm", port: relay.port, secret: radius.secret, timeout: .milliseconds(800)),
        ]))
        await #expect(throws: RadiusClientError.self) { _ = try await client.authenticate(Self.alice) }
        #expect(client.droppedResponses()[.missingMessageAuthenticator] == 1)
    }

    @Test func testBadConfiguration_isATypedErrorNamingTheServer() {
        #expect(throws: RadiusClientError.invalidValue(field: "radius server x address", reason: "'radius.example' is not an IPv4 or IPv6 address")) {
            _ = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
                RadiusAuthenticationServer(name: "x", endpoint: RadiusServerEndpoint(host: "radius.example", secret: SecretBytes([1]))),
            ]))
        }
    }
}

/// A bound UDP port that never answers: counts what it receives.
final class SilentUDPPort: @unchecked Sendable {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        descriptor = fd
    }

    /// Datagrams waiting (read and counted now).
    private var count = 0
    func received() -> Int {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT)) >= 0 { count += 1 }
        return count
    }

    deinit { close(descriptor) }
}

/// A man in the middle on loopback: forwards requests to `to`, passes each reply through
/// `tamper` on its way back.
final class TamperingRelay: @unchecked Sendable {
    final class Flag: @unchecked Sendable { var running = true }
    let port: UInt16
    private let frontSocket: Int32
    private let backSocket: Int32
    private let flag = Flag()
    private let silent: SilentUDPPort

    init(to serverPort: UInt16, onRequest: @escaping @Sendable ([UInt8]) -> Void = { _ in },
         tamper: @escaping @Sendable ([UInt8]) -> [UInt8]) throws {
        silent = try SilentUDPPort()
        let front = silent.descriptor
        port = silent.port
        let back = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var server = sockaddr_in()
        server.sin_family = sa_family_t(AF_INET)
        server.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        server.sin_port = serverPort.bigEndian
        _ = withUnsafePointer(to: &server) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(back, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        frontSocket = front
        backSocket = back
        let flag = self.flag
        Thread {
            var client = sockaddr_storage()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while flag.running {
                var fds = [pollfd(fd: front, events: Int16(POLLIN), revents: 0), pollfd(fd: back, events: Int16(POLLIN), revents: 0)]
                guard poll(&fds, 2, 100) > 0 else { continue }
                if fds[0].revents != 0 {
                    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let count = withUnsafeMutablePointer(to: &client) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(front, &buffer, buffer.count, 0, $0, &length) }
                    }
                    if count > 0 {
                        onRequest(Array(buffer[0..<count]))
                        _ = send(back, buffer, count, 0)
                    }
                }
                if fds[1].revents != 0 {
                    let count = recv(back, &buffer, buffer.count, 0)
                    if count > 0 {
                        let forged = tamper(Array(buffer[0..<count]))
                        _ = withUnsafePointer(to: &client) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(front, forged, forged.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                            }
                        }
                    }
                }
            }
        }.start()
    }

    deinit {
        flag.running = false
        Thread.sleep(forTimeInterval: 0.15)
        close(backSocket)
        _ = frontSocket  // closed with `silent`
    }
}

/// What the installed FreeRADIUS does without `signReplies`: 3.2.1 sends PAP replies
/// without a Message-Authenticator, which this client refuses (and counts).
@Suite(.serialized, .enabled(if: FreeRADIUSServer.isInstalled, "FreeRADIUS is not installed (apt-get install freeradius)"))
struct RadiusUnsignedReplyTests {
    @Test func testUnsignedAccept_fromAnUnpatchedServer_isDropped() async throws {
        let radius = try FreeRADIUSServer(users: RadiusAuthenticationClientTests.users)
        let client = try RadiusAuthenticationClient(group: .init(name: "g", servers: [
            RadiusAuthenticationClientTests.server("r1", port: radius.authenticationPort, secret: radius.secret, timeout: .milliseconds(800)),
        ]))
        await #expect(throws: RadiusClientError.self) { _ = try await client.authenticate(RadiusAuthenticationClientTests.alice) }
        #expect(client.droppedResponses()[.missingMessageAuthenticator] == 1)
        #expect(radius.log().contains("Sent Access-Accept"))
    }
}
