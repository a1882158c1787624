import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the responders are configured with, equally on both sides.
struct ResponderSettings {
    /// IKE key exchange: "x25519" or "modp2048".
    var group: String
    /// DPD interval in seconds (0 = none).
    var dpdSeconds = 0
    /// Half-open SAs above which COOKIEs are demanded (both sides; high = none in practice).
    var cookieThreshold = 1000
    /// The gateway signs its AUTH with this certificate's key and sends the certificate
    /// (clients still authenticate with the PSK); nil = the gateway uses the PSK too.
    var gatewayCertificate: GatewayCertificate?

    var iosGroup: Int { group == "modp2048" ? 14 : 31 }
    var strongSwanGroup: String { group == "modp2048" ? "modp2048" : "curve25519" }
}

/// A responder under test in the hub namespace.
protocol BenchResponder: AnyObject {
    var name: String { get }
    func start() throws
    /// Every process of the responder (for CPU and memory).
    func processes() -> [Int32]
    func stop()
}

// MARK: - IKEHub

/// IKEHub, all processes under `ikehub launch`, configured from a FlexVPN file: PSK
/// keyring for any peer, a local pool, ESP AES-GCM-128, userspace data plane.
final class IKEHubResponder: BenchResponder {
    let name = "IKEHub"
    private let lab: BenchLab
    private let settings: ResponderSettings
    private var launcher: Process?
    private let directory: String

    init(lab: BenchLab, settings: ResponderSettings) {
        self.lab = lab
        self.settings = settings
        directory = lab.state + "/ikehub"
    }

    var configuration: String {
        var text = """
        ! ikehub-bench: PSK remote access, the same as the strongSwan responder's swanctl.conf.
        aaa new-model
        aaa authorization network bench-authz local
        !

        """
        if let gateway = settings.gatewayCertificate {
            text += """
            crypto pki trustpoint bench-tp
             certificate-file \(gateway.certificateFile)
             private-key-file \(gateway.keyFile)
             ca-certificate-file \(gateway.caFile)
             revocation-check none
            !

            """
        }
        text += """
        crypto ikev2 proposal bench-proposal
         encryption aes-cbc-128
         integrity sha256
         group \(settings.iosGroup)
        !
        crypto ikev2 policy bench-policy
         proposal bench-proposal
        !
        crypto ikev2 keyring bench-keyring
         peer any
          address 0.0.0.0 0.0.0.0
          pre-shared-key \(BenchLab.psk)
         !
        !
        crypto ikev2 cookie-challenge \(settings.cookieThreshold)
        crypto ikev2 limit max-in-negotiation-sa 100000
        crypto ikev2 limit max-sa 1000000
        !
        crypto ikev2 authorization policy bench-authz
         pool bench-pool
        !
        crypto ikev2 profile bench-profile
         match identity remote any
         identity local fqdn hub.lab
         authentication local \(settings.gatewayCertificate.map { $0.keyType.flexAuthentication } ?? "pre-share")
         authentication remote pre-share
         keyring local bench-keyring

        """
        if settings.gatewayCertificate != nil { text += " pki trustpoint bench-tp sign\n" }
        text += """
         aaa authorization group psk list bench-authz bench-authz
         virtual-template 1

        """
        if settings.dpdSeconds > 0 { text += " dpd \(settings.dpdSeconds) 2 periodic\n" }
        text += """
        !
        crypto ipsec transform-set bench-ts esp-gcm 128
        !
        crypto ipsec profile bench-ipsec
         set transform-set bench-ts
         set ikev2-profile bench-profile
        !
        interface Loopback0
         ip address \(BenchLab.protectedAddress) 255.255.255.255
        !
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback0
         tunnel mode ipsec ipv4
         tunnel protection ipsec profile bench-ipsec
        !
        ip local pool bench-pool \(BenchLab.poolFirst) \(BenchLab.poolLast)
        !
        ikehub
         listen address \(BenchLab.hubAddress)
         dataplane userspace
        !
        end

        """
        return text
    }

    func start() throws {
        try lab.waitForFreeIKEPorts()
        try? FileManager.default.removeItem(atPath: directory)
        for sub in ["run", "state", "logs"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        let config = directory + "/hub.cfg"
        try configuration.write(toFile: config, atomically: true, encoding: .utf8)
        launcher = try lab.start(in: BenchLab.hubNamespace, [
            lab.binaries + "/ikehub", "launch", "--config", config, "--runtime-dir", directory + "/run",
            "--state-dir", directory + "/state", "--log-dir", directory + "/logs", "--auth-workers", "1",
        ], log: directory + "/launcher.log")
        let ikeLog = directory + "/logs/ikehub-ike.log"
        let up = BenchLab.wait(seconds: 30) {
            ((try? String(contentsOfFile: ikeLog, encoding: .utf8)) ?? "").contains("IKE listening")
        }
        guard up else {
            let tail = ((try? String(contentsOfFile: directory + "/launcher.log", encoding: .utf8)) ?? "").suffix(1500)
            stop()
            throw LabError("IKEHub did not start listening within 30 s: \(tail)")
        }
        // The other processes announce themselves too; give them a moment to register.
        _ = BenchLab.wait(seconds: 5) { processes().count >= 6 }
        usleep(500_000)
    }

    func processes() -> [Int32] { launcher.map { ProcessSampler.tree($0.processIdentifier) } ?? [] }

    func stop() {
        if let launcher { lab.stop(launcher) }
        launcher = nil
    }
}

// MARK: - strongSwan

/// strongSwan's charon (charon-systemd, kernel-libipsec) as responder, configured as
/// IKEHub is: PSK for any peer (the gateway's own AUTH by PSK or with its certificate,
/// sent always), a pool, ESP AES-GCM-128, IKE SA table 4096 buckets (lab/bench/bench.sh
/// "tuned"), logging off.
final class StrongSwanResponder: BenchResponder {
    let name = "strongSwan"
    private let lab: BenchLab
    private let settings: ResponderSettings
    private var charon: Process?
    private let directory: String

    init(lab: BenchLab, settings: ResponderSettings, instance: String = "charon-hub") {
        self.lab = lab
        self.settings = settings
        directory = lab.state + "/" + instance
    }

    static func strongSwanConf(directory: String, extra: String = "") -> String {
        """
        charon-systemd {
          journal {
            default = -1
          }
        }
        charon {
          load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey curve25519 gmp aes sha1 sha2 hmac kdf drbg gcm chapoly kernel-libipsec kernel-netlink socket-default vici updown counters attr
          filelog {
            bench {
              path = \(directory)/charon.log
              default = 0
              flush_line = yes
            }
          }
          install_routes = yes
          \(extra)
          plugins {
            vici {
              socket = unix://\(directory)/run/charon.vici
            }
          }
        }
        swanctl {
          socket = unix://\(directory)/run/charon.vici
        }

        """
    }

    var swanctlConf: String {
        """
        connections {
          bench {
            version = 2
            local_addrs = \(BenchLab.hubAddress)
            proposals = aes128-sha256-\(settings.strongSwanGroup)
            pools = bench
            unique = never
            mobike = no
            send_certreq = no
            dpd_delay = \(settings.dpdSeconds)s
            send_cert = always
            local {
              \(settings.gatewayCertificate == nil ? "auth = psk" : "auth = pubkey\n          certs = hub.crt")
              id = hub.lab
            }
            remote {
              auth = psk
            }
            children {
              bench {
                local_ts = \(BenchLab.protectedNetwork)
                esp_proposals = aes128gcm16
              }
            }
          }
        }
        pools {
          bench {
            addrs = \(BenchLab.poolCIDR)
          }
        }
        secrets {
          ike-bench {
            secret = "\(BenchLab.psk)"
          }
        }

        """
    }

    func start() throws {
        try lab.waitForFreeIKEPorts()
        let extra = """
        dos_protection = \(settings.cookieThreshold >= 1000 ? "no" : "yes")
          cookie_threshold = \(settings.cookieThreshold)
          ikesa_table_size = 4096
          ikesa_table_segments = 16
          half_open_timeout = 60
          block_threshold = 1000
          init_limit_half_open = 0
        """
        var files: [String: String] = [:]
        if let gateway = settings.gatewayCertificate {
            files = ["x509/hub.crt": gateway.certificateFile, "x509ca/ca.crt": gateway.caFile,
                     "\(gateway.keyType.swanctlKeyDirectory)/hub.key": gateway.keyFile]
        }
        try Self.launch(lab: lab, directory: directory, strongSwanConf: Self.strongSwanConf(directory: directory, extra: extra),
                        swanctlConf: swanctlConf, credentials: files, namespace: BenchLab.hubNamespace) { charon = $0 }
    }

    /// Starts a private charon in `namespace` with its own /run (bind mount) and loads
    /// its swanctl.conf and `credentials` (path under swanctl/ → file to copy there).
    static func launch(lab: BenchLab, directory: String, strongSwanConf: String, swanctlConf: String,
                       credentials: [String: String] = [:], namespace: String, started: (Process) -> Void) throws {
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/swanctl/conf.d", withIntermediateDirectories: true)
        try strongSwanConf.write(toFile: directory + "/strongswan.conf", atomically: true, encoding: .utf8)
        try swanctlConf.write(toFile: directory + "/swanctl/swanctl.conf", atomically: true, encoding: .utf8)
        for (destination, source) in credentials {
            let target = URL(fileURLWithPath: directory + "/swanctl/" + destination)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: target.path)
        }
        let process = try lab.start(in: namespace, [
            "unshare", "-m", "--propagation", "private", "sh", "-c",
            "mount --bind \"$1/run\" /run && exec env STRONGSWAN_CONF=\"$1/strongswan.conf\" /usr/sbin/charon-systemd",
            "sh", directory,
        ], log: directory + "/charon.stdout")
        started(process)
        let vici = directory + "/run/charon.vici"
        guard BenchLab.wait(seconds: 15, { FileManager.default.fileExists(atPath: vici) }) else {
            throw LabError("charon in \(namespace) has no vici socket after 15 s")
        }
        try swanctl(directory, ["--load-all", "--noprompt"])
    }

    @discardableResult
    static func swanctl(_ directory: String, _ arguments: [String]) throws -> String {
        try BenchLab.run("/usr/sbin/swanctl", arguments + ["--uri", "unix://\(directory)/run/charon.vici"],
                         environment: ["STRONGSWAN_CONF": directory + "/strongswan.conf", "SWANCTL_DIR": directory + "/swanctl"])
    }

    func processes() -> [Int32] { charon.map { ProcessSampler.tree($0.processIdentifier) } ?? [] }

    func stop() {
        if let charon { lab.stop(charon) }
        charon = nil
    }
}
