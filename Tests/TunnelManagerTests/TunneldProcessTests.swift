import Foundation
import Testing
import ESPDataPlane
import HubIPC
import HubNetworking
import HubTestSupport
import HubVocabulary

/// `ikehub-tunneld` as a real process in a network namespace, driven over its IPC endpoint.
@Suite(.enabled(if: canManageNetworkNamespaces, "needs root, /dev/net/tun and iproute2"), .serialized)
final class TunneldProcessTests {
    let harness: TunneldHarness

    init() throws {
        harness = try TunneldHarness()
    }

    func createVirtualAccess(session: UInt64, clients: [String], routes: [IPCv1IPPrefix] = []) async throws -> IPCv1CreateVirtualAccessReply {
        let reply = try await harness.client.request(.createVirtualAccessRequest(.with {
            $0.virtualTemplate = 1
            $0.clientAddresses = clients.map(Wire.address)
            $0.routes = routes
        }), session: Wire.session(session))
        guard case .createVirtualAccessReply(let body) = reply.body else { throw HarnessError("CreateVirtualAccess", "\(reply)") }
        return body
    }

    func install(_ virtualAccess: UInt32, _ sas: [IPCv1ChildSA]) async throws -> IPCv1InstallChildSAReply {
        let reply = try await harness.client.request(.installChildSaRequest(.with {
            $0.virtualAccess = virtualAccess
            $0.sas = sas
        }))
        guard case .installChildSaReply(let body) = reply.body else { throw HarnessError("InstallChildSA", "\(reply)") }
        return body
    }

    @Test func testCreateVirtualAccess_bringsUpTheTUNWithTheTemplateMTUAddressAndRoutes() async throws {
        let reply = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"], routes: [Wire.prefix("198.18.60.0", 24)])
        #expect(reply.virtualAccess == 1)
        #expect(reply.interfaceName == "va1")
        #expect(reply.ifindex > 0)

        let link = try harness.headendIP("link", "show", "va1")
        #expect(link.status == 0, "\(link.output)")
        #expect(link.output.contains("mtu \(TunneldHarness.templateMTU)"), "\(link.output)")
        #expect(link.output.contains(",UP") || link.output.contains("<UP"), "\(link.output)")
        #expect(link.output.hasPrefix("\(reply.ifindex): va1"), "\(link.output)")

        let address = try harness.headendIP("-4", "addr", "show", "dev", "va1")
        #expect(address.output.contains("inet \(TunneldHarness.loopback)/32"), "\(address.output)")

        let routes = try harness.headendIP("-4", "route", "show", "dev", "va1")
        let lines = routes.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("198.18.50.7 ") && $0.contains("src \(TunneldHarness.loopback)") }, "\(routes.output)")
        #expect(lines.contains { $0.hasPrefix("198.18.60.0/24 ") && $0.contains("src \(TunneldHarness.loopback)") }, "\(routes.output)")
    }

    @Test func testCreateVirtualAccess_repeatForTheSameSessionReturnsTheSameInterface() async throws {
        let first = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"])
        let again = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"])
        let other = try await createVirtualAccess(session: 2, clients: ["198.18.50.8"])
        #expect(again.virtualAccess == first.virtualAccess)
        #expect(again.ifindex == first.ifindex)
        #expect(other.virtualAccess == 2)
        #expect(other.interfaceName == "va2")
    }

    @Test func testDeleteVirtualAccess_removesTheInterfaceAndFreesTheNumber() async throws {
        _ = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"])
        _ = try await createVirtualAccess(session: 2, clients: ["198.18.50.8"])
        let deleted = try await harness.client.request(.deleteVirtualAccessRequest(.with { $0.virtualAccess = 1 }))
        guard case .deleteVirtualAccessReply(let body) = deleted.body else { Issue.record("\(deleted)"); return }
        #expect(body.wasPresent)
        let gone = try TunneldHarness.eventually { try harness.headendIP("link", "show", "va1").status != 0 }
        #expect(gone, "va1 is still there")
        let routes = try harness.headendIP("-4", "route", "show")
        #expect(!routes.output.contains("198.18.50.7"), "\(routes.output)")

        let again = try await harness.client.request(.deleteVirtualAccessRequest(.with { $0.virtualAccess = 1 }))
        if case .deleteVirtualAccessReply(let body) = again.body { #expect(!body.wasPresent) } else { Issue.record("\(again)") }
        // The lowest free number is taken again.
        let reused = try await createVirtualAccess(session: 3, clients: ["198.18.50.9"])
        #expect(reused.virtualAccess == 1)
    }

    @Test func testCreateVirtualAccess_unknownTemplateIsRejected() async throws {
        await #expect(throws: IPCError.self) {
            _ = try await harness.client.request(.createVirtualAccessRequest(.with { $0.virtualTemplate = 9 }),
                                                 session: Wire.session(5))
        }
        #expect(try harness.headendIP("link", "show", "va1").status != 0)
    }

    @Test func testInstallChildSA_repeatIsAlreadyInstalled() async throws {
        let va = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"]).virtualAccess
        let inbound = (0..<20).map { _ in UInt8.random(in: 0...255) }
        let outbound = (0..<20).map { _ in UInt8.random(in: 0...255) }
        let sas = [Wire.childSA(spi: 0xc100_0001, direction: .inbound, keyMaterial: inbound),
                   Wire.childSA(spi: 0xd200_0002, direction: .outbound, keyMaterial: outbound)]
        let first = try await install(va, sas)
        #expect(first.result == .installed, "\(first.reason)")
        let repeated = try await install(va, sas)
        #expect(repeated.result == .alreadyInstalled, "\(repeated.reason)")
        #expect(!harness.daemon.log().contains(Hex.encode(inbound)), "a key reached the log")
    }

    @Test func testInstallChildSA_wrongKeyLengthIsRejectedNamingTheField() async throws {
        let va = try await createVirtualAccess(session: 1, clients: ["198.18.50.7"]).virtualAccess
        do {
            _ = try await install(va, [Wire.childSA(spi: 0xc100_0003, direction: .inbound, keyMaterial: [UInt8](repeating: 1, count: 19))])
            Issue.record("a 19-octet AES-GCM-128 key was accepted")
        } catch {
            #expect("\(error)".contains("sas[0].encryption_key"), "\(error)")
        }
    }
}
