import HubVocabulary

/// The configuration the headend runs when it is given none: one pre-shared key for every
/// client, addresses from a private pool, one virtual-template. A new user can connect a
/// strongSwan client at once with `strongSwanClientConfiguration`.
public enum EmbeddedConfiguration {
    /// The pool the built-in configuration hands out (RFC 6598 shared address space, which
    /// is unlikely to collide with a home or office network).
    public static let poolStart = "100.64.250.10"
    public static let poolEnd = "100.64.250.250"
    /// The headend's IKE identity (FQDN type) that clients must expect.
    public static let serverIdentity = "ikehub"

    /// The configuration text; `preSharedKey` comes from `PreSharedKeyFile.readOrCreate`.
    public static func text(preSharedKey: SecretBytes, stateDirectory: String = "/var/lib/ikehub") -> String {
        let key = String(decoding: preSharedKey.revealedBytes(), as: UTF8.self)
        return """
        ! IKEHub built-in configuration: used when no configuration file is given.
        ! Every client authenticates with the pre-shared key kept in
        ! \(PreSharedKeyFile.path(inDirectory: stateDirectory)).
        aaa new-model
        aaa authorization network embedded-local local
        !
        crypto ikev2 authorization policy embedded
         pool embedded-pool
         netmask 255.255.255.0
        !
        crypto ikev2 proposal embedded
         encryption aes-cbc-256 aes-cbc-128
         integrity sha256
         group 19 14
        !
        crypto ikev2 policy embedded
         proposal embedded
        !
        crypto ikev2 keyring embedded
         peer any-client
          address 0.0.0.0 0.0.0.0
          pre-shared-key \(key)
         !
        !
        crypto ikev2 profile embedded
         match identity remote any
         identity local fqdn \(serverIdentity)
         authentication local pre-share
         authentication remote pre-share
         keyring local embedded
         aaa authorization group psk list embedded-local embedded
         virtual-template 1
        !
        crypto ipsec transform-set embedded esp-gcm 256
        !
        crypto ipsec profile embedded
         set transform-set embedded
         set ikev2-profile embedded
        !
        interface Loopback100
         ip address 100.64.250.1 255.255.255.255
        !
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback100
         tunnel mode ipsec ipv4
         tunnel protection ipsec profile embedded
        !
        ip local pool embedded-pool \(poolStart) \(poolEnd)
        !
        ikehub
         state-directory \(stateDirectory)
         dataplane userspace
        !
        end

        """
    }

    /// The built-in configuration as a model (it has no errors; a test checks this).
    public static func load(preSharedKey: SecretBytes, stateDirectory: String = "/var/lib/ikehub") -> FlexConfig.LoadResult {
        FlexConfig.load(text: text(preSharedKey: preSharedKey, stateDirectory: stateDirectory), file: "<built-in configuration>")
    }

    /// What to tell the user: a `swanctl.conf` that connects to this headend at
    /// `serverAddress` with the built-in configuration's algorithms and key.
    public static func strongSwanClientConfiguration(serverAddress: String, preSharedKey: SecretBytes) -> String {
        let key = String(decoding: preSharedKey.revealedBytes(), as: UTF8.self)
        return """
        # strongSwan client for the IKEHub built-in configuration. Save as
        # /etc/swanctl/conf.d/ikehub.conf, then: swanctl --load-all && swanctl --initiate --child ikehub
        connections {
            ikehub {
                version = 2
                remote_addrs = \(serverAddress)
                vips = 0.0.0.0
                proposals = aes256-sha256-ecp256,aes256-sha256-modp2048
                local {
                    auth = psk
                    id = ikehub-client
                }
                remote {
                    auth = psk
                    id = \(serverIdentity)
                }
                children {
                    ikehub {
                        remote_ts = 0.0.0.0/0
                        esp_proposals = aes256gcm16
                    }
                }
            }
        }
        secrets {
            ike-ikehub {
                secret = "\(key)"
            }
        }

        """
    }
}

extension EmbeddedConfiguration {
    /// The built-in configuration for processes that never use its key (the IKE frontend,
    /// address and tunnel managers): the key is a placeholder, the real one stays in the
    /// state directory for the auth workers.
    public static func modelWithoutKey(stateDirectory: String = "/var/lib/ikehub") -> FlexConfiguration {
        load(preSharedKey: SecretBytes(Array("placeholder-key-held-by-the-auth-workers".utf8)),
             stateDirectory: stateDirectory).configuration
    }
}
