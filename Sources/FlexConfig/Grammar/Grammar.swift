/// Every command IKEHub understands, by mode, in the IOS documentation's notation.
/// Sources: the FlexVPN server configuration guide and articles in `shared/seeds/`;
/// Linux additions are documented in `LINUX-ADDITIONS.md`.
enum Grammar {
    // MARK: - Shared fragments

    static let aaaMethods = "{ group <group:word> | local | local-case | none | if-authenticated }..."
    static let key = "[{ 0 | 6 | 7 }] <key:secret>"
    static let idType = "{ address <address:ip> | fqdn [domain] <fqdn:word> | email [domain] <email:word> | key-id <keyid:word> }"
    static let dnField = "{ common-name | country | domain | locality | organization | organization-unit | state }"
    static let transform = "{ esp-aes [{ 128 | 192 | 256 }] | esp-gcm [{ 128 | 192 | 256 }] | esp-gmac [{ 128 | 192 | 256 }] | esp-3des | esp-des | esp-null | esp-sha-hmac | esp-sha256-hmac | esp-sha384-hmac | esp-sha512-hmac | esp-md5-hmac }"
    static let standardRule = "{ permit | deny } { any | host <address:ipv4> | <address:ipv4> [<wildcard:ipv4>] } [log]"
    static func ports(_ name: String) -> String {
        "[{ eq <\(name):int(0-65535)> | lt <\(name):int(0-65535)> | gt <\(name):int(0-65535)> | neq <\(name):int(0-65535)> | range <\(name):int(0-65535)> <\(name)-end:int(0-65535)> }]"
    }
    static let extendedRule = "{ permit | deny } { ip | tcp | udp | icmp | esp | ahp | gre | <protocol:int(0-255)> } { any | host <source:ipv4> | <source:ipv4> <source-wildcard:ipv4> } \(ports("source-port")) { any | host <destination:ipv4> | <destination:ipv4> <destination-wildcard:ipv4> } \(ports("destination-port")) [established] [log]"
    static let ipv6Rule = "{ permit | deny } { ipv6 | tcp | udp | icmp | esp | <protocol:int(0-255)> } { any | host <source:ipv6> | <source:ipv6prefix> } \(ports("source-port")) { any | host <destination:ipv6> | <destination:ipv6prefix> } \(ports("destination-port")) [log]"

    static let qos = "platform QoS is not implemented by the Linux data plane"
    static let vrf = "VRFs are not implemented; every session uses the main routing table"

    // MARK: - Commands by mode

    static func commands(of mode: ConfigMode) -> [CommandSpec] {
        switch mode {
        case .global: global
        case .aaaServerGroup: [
            .init(.serverGroupServerName, "server name <server:word>"),
            .init(.serverGroupServerAddress, "server <address:ip> [auth-port <auth-port:int(0-65535)>] [acct-port <acct-port:int(0-65535)>]"),
            .init(.serverGroupDeadtime, "deadtime <minutes:int(1-1440)>"),
            .init(.serverGroupSourceInterface, "ip radius source-interface <interface:interface>",
                  linux: .ignored("the kernel routing table chooses the source address")),
        ]
        case .radiusServer: [
            .init(.radiusAddress, "address { ipv4 <address:ipv4> | ipv6 <address:ipv6> } [auth-port <auth-port:int(0-65535)>] [acct-port <acct-port:int(0-65535)>]"),
            .init(.radiusKey, "key \(key)"),
            .init(.radiusTimeout, "timeout <seconds:int(1-1000)>"),
            .init(.radiusRetransmit, "retransmit <count:int(0-100)>"),
            .init(.radiusAutomateTester, "automate-tester username <user:word> [probe-on]",
                  linux: .ignored("dead-server detection uses the request time-outs only")),
        ]
        case .dynamicAuthor: [
            .init(.dynamicAuthorClient, "client <client:host> [vrf <vrf:word>] [server-key \(key)]"),
            .init(.dynamicAuthorServerKey, "server-key \(key)"),
            .init(.dynamicAuthorPort, "port <port:int(1-65535)>"),
            .init(.dynamicAuthorAuthType, "auth-type { any | all | session-key }"),
            .init(.dynamicAuthorIgnore, "ignore { session-key | server-key }"),
        ]
        case .attributeList: [
            .init(.attribute, "attribute type <attribute:word> <value:word> [service <service:word>] [protocol <protocol:word>] [mandatory] [tag]"),
        ]
        case .ikev2Profile: ikev2Profile
        case .ikev2Keyring: [
            .init(.keyringPeer, "peer <peer:word>", enters: .ikev2KeyringPeer),
        ]
        case .ikev2KeyringPeer: [
            .init(.peerDescription, "description <text:text>"),
            .init(.peerAddress, "address { <address:ipv4> [<mask:netmask>] | <prefix:ipv6prefix> }"),
            .init(.peerHostname, "hostname <hostname:word>"),
            .init(.peerIdentity, "identity \(idType)"),
            .init(.peerPreSharedKey, "pre-shared-key [{ local | remote }] \(key)"),
        ]
        case .ikev2NameMangler: [
            .init(.manglerDN, "dn \(dnField)"),
            .init(.manglerEAP, "eap { all | dn \(dnField) | prefix delimiter { . | @ | \\ } | suffix delimiter { . | @ | \\ } }"),
            .init(.manglerEmail, "email { all | domain | username }"),
            .init(.manglerFQDN, "fqdn { all | domain | hostname }"),
        ]
        case .ikev2AuthorizationPolicy: authorizationPolicy
        case .ikev2Proposal: [
            .init(.proposalEncryption, "encryption { aes-cbc-128 | aes-cbc-192 | aes-cbc-256 | aes-gcm-128 | aes-gcm-256 | 3des | des }..."),
            .init(.proposalIntegrity, "integrity { sha1 | sha256 | sha384 | sha512 | md5 }..."),
            .init(.proposalPRF, "prf { sha1 | sha256 | sha384 | sha512 | md5 }..."),
            .init(.proposalGroup, "group { 1 | 2 | 5 | 14 | 15 | 16 | 19 | 20 | 21 | 24 | 31 }..."),
        ]
        case .ikev2Policy: [
            .init(.policyProposal, "proposal <proposal:word>"),
            .init(.policyMatchAddress, "match address local <address:ip>"),
            .init(.policyMatchFVRF, "match fvrf { any | <vrf:word> }"),
        ]
        case .pkiTrustpoint: [
            .init(.trustpointEnrollment, "enrollment { url <url:word> | terminal [pem] | selfsigned | profile <profile:word> }",
                  linux: .ignored("certificate enrollment is not implemented; give the files with certificate-file and private-key-file")),
            .init(.trustpointRevocationCheck, "revocation-check { crl | ocsp | none }..."),
            .init(.trustpointSubjectName, "subject-name <name:text>", linux: .ignored("it is used only for enrollment")),
            .init(.trustpointSubjectAltName, "subject-alt-name <name:word>", linux: .ignored("it is used only for enrollment")),
            .init(.trustpointRSAKeypair, "rsakeypair <name:word> [<modulus:int(512-4096)>]",
                  linux: .ignored("keys are read from private-key-file")),
            .init(.trustpointSerialNumber, "serial-number [none]", linux: .ignored("it is used only for enrollment")),
            .init(.trustpointIPAddress, "ip-address none", linux: .ignored("it is used only for enrollment")),
            .init(.trustpointCertificateFile, "certificate-file <path:path>"),
            .init(.trustpointPrivateKeyFile, "private-key-file <path:path>"),
            .init(.trustpointCACertificateFile, "ca-certificate-file <path:path>"),
            .init(.trustpointCRLFile, "crl-file <path:path>"),
        ]
        case .pkiCertificateMap: [
            .init(.certificateMapRule, "{ subject-name | issuer-name | alt-subject-name | serial-number | expires-on } { eq | ne | co | nc | lt | le | gt | ge } <value:text>"),
        ]
        case .ipsecTransformSet: [
            .init(.transformSetMode, "mode { tunnel | transport }"),
        ]
        case .ipsecProfile: [
            .init(.ipsecProfileTransformSet, "set transform-set <transform-set:word>..."),
            .init(.ipsecProfileIKEv2Profile, "set ikev2-profile <profile:word>"),
            .init(.ipsecProfilePFS, "set pfs [{ group1 | group2 | group5 | group14 | group15 | group16 | group19 | group20 | group21 | group24 }]"),
            .init(.ipsecProfileLifetime, "set security-association lifetime { seconds <seconds:int(120-2592000)> | kilobytes { <kilobytes:int(2560-4294967295)> | disable } }"),
            .init(.ipsecProfileReplay, "set security-association replay { disable | window-size <size:int(64-1024)> }"),
            .init(.ipsecProfileIdleTime, "set security-association idle-time <seconds:int(60-86400)>"),
            .init(.ipsecProfileResponderOnly, "responder-only"),
            .init(.ipsecProfileDescription, "description <text:text>"),
        ]
        case .interface: interface
        case .standardAccessList: [
            .init(.standardRule, "[<sequence:int(1-2147483647)>] \(standardRule)"),
            .init(.accessListRemark, "remark <text:text>"),
        ]
        case .extendedAccessList: [
            .init(.extendedRule, "[<sequence:int(1-2147483647)>] \(extendedRule)"),
            .init(.accessListRemark, "remark <text:text>"),
        ]
        case .ipv6AccessList: [
            .init(.ipv6Rule, "[sequence <sequence:int(1-4294967295)>] \(ipv6Rule)"),
            .init(.accessListRemark, "remark <text:text>"),
        ]
        case .ikehub: [
            .init(.ikehubListen, "listen address <address:ip> [port <port:int(1-65535)>] [nat-t-port <nat-t-port:int(1-65535)>]"),
            .init(.ikehubStateDirectory, "state-directory <path:path>"),
            .init(.ikehubDataplane, "dataplane { userspace | xfrm }"),
            .init(.ikehubIPCEndpoint, "ipc endpoint { ike | authd | addrd | tunneld | acctd | control } <endpoint:endpoint>"),
            .init(.ikehubIPCWorkerKey, "ipc worker-key <worker:word> <key:curvekey>"),
            .init(.ikehubIPCKeyFile, "ipc curve-key-file <path:path>"),
        ]
        case .ignoredBlock: []
        }
    }

    static let global: [CommandSpec] = [
        .init(.aaaNewModel, "aaa new-model"),
        .init(.aaaGroupServer, "aaa group server radius <group:word>", enters: .aaaServerGroup),
        .init(.aaaAuthentication, "aaa authentication { login | eap } <list:word> \(aaaMethods)"),
        .init(.aaaAuthorization, "aaa authorization network <list:word> \(aaaMethods)"),
        .init(.aaaAccounting, "aaa accounting network <list:word> [action-type] { start-stop | stop-only } [broadcast] { group <group:word> }..."),
        .init(.aaaAttributeList, "aaa attribute list <list:word>", enters: .attributeList),
        .init(.aaaDynamicAuthor, "aaa server radius dynamic-author", enters: .dynamicAuthor),
        .init(.radiusServer, "radius server <server:word>", enters: .radiusServer),
        .init(.radiusServerHost, "radius-server host <address:ip> [auth-port <auth-port:int(0-65535)>] [acct-port <acct-port:int(0-65535)>] [timeout <seconds:int(1-1000)>] [retransmit <count:int(0-100)>] [key \(key)]"),
        .init(.ikev2Profile, "crypto ikev2 profile <profile:word>", enters: .ikev2Profile),
        .init(.ikev2Keyring, "crypto ikev2 keyring <keyring:word>", enters: .ikev2Keyring),
        .init(.ikev2NameMangler, "crypto ikev2 name-mangler <mangler:word>", enters: .ikev2NameMangler),
        .init(.ikev2AuthorizationPolicy, "crypto ikev2 authorization policy <policy:word>", enters: .ikev2AuthorizationPolicy),
        .init(.ikev2Proposal, "crypto ikev2 proposal <proposal:word>", enters: .ikev2Proposal),
        .init(.ikev2Policy, "crypto ikev2 policy <policy:word>", enters: .ikev2Policy),
        .init(.ikev2DPD, "crypto ikev2 dpd <interval:int(10-3600)> <retry:int(2-60)> { on-demand | periodic }"),
        .init(.ikev2CookieChallenge, "crypto ikev2 cookie-challenge <threshold:int(1-1000)>"),
        .init(.ikev2Limit, "crypto ikev2 limit { max-in-negotiation-sa <count:int(1-100000)> [{ incoming | outgoing }] | max-sa <count:int(1-1000000)> | queue sa-init <count:int(1-100000)> }"),
        .init(.ikev2Fragmentation, "crypto ikev2 fragmentation [mtu <mtu:int(68-1500)>]"),
        .init(.ikev2NATKeepalive, "crypto ikev2 nat keepalive <seconds:int(5-3600)>"),
        .init(.ikev2RedirectGateway, "crypto ikev2 redirect gateway { auth | init }",
              linux: .ignored("the redirect target comes from crypto ikev2 cluster load balancing, which is not implemented")),
        .init(.ikev2RedirectClient, "crypto ikev2 redirect client [max-redirects <count:int(1-255)>]", linux: .initiatorOnly),
        .init(.ikev2Client, "crypto ikev2 client flexvpn <client:word>", enters: .ignoredBlock, linux: .initiatorOnly),
        .init(.ikev2HTTPURLCert, "crypto ikev2 http-url cert"),
        .init(.pkiTrustpoint, "crypto pki trustpoint <trustpoint:word>", enters: .pkiTrustpoint),
        .init(.pkiCertificateMap, "crypto pki certificate map <map:word> <sequence:int(1-65535)>", enters: .pkiCertificateMap),
        .init(.pkiCertificateChain, "crypto pki certificate chain <trustpoint:word>", enters: .ignoredBlock,
              linux: .ignored("certificates in IOS hex form are not read; give the files with certificate-file")),
        .init(.ipsecTransformSet, "crypto ipsec transform-set <transform-set:word> \(transform)...", enters: .ipsecTransformSet),
        .init(.ipsecProfile, "crypto ipsec profile <profile:word>", enters: .ipsecProfile),
        .init(.ipsecLifetime, "crypto ipsec security-association lifetime { seconds <seconds:int(120-2592000)> | kilobytes <kilobytes:int(2560-4294967295)> }"),
        .init(.anyconnectProfile, "crypto vpn anyconnect profile <name:word> <path:path>"),
        .init(.sslPolicy, "crypto ssl policy <policy:word>", enters: .ignoredBlock,
              linux: .ignored("SSL VPN is not implemented; IKEHub serves IKEv2 only")),
        .init(.sslProfile, "crypto ssl profile <profile:word>", enters: .ignoredBlock,
              linux: .ignored("SSL VPN is not implemented; IKEHub serves IKEv2 only")),
        .init(.ipLocalPool, "ip local pool <pool:word> <start:ipv4> [<end:ipv4>] [group <group:word>] [cache-size <size:int(1-100000)>]"),
        .init(.ipv6LocalPool, "ipv6 local pool <pool:word> <prefix:ipv6prefix> <length:int(1-128)> [shared] [cache-size <size:int(1-100000)>]"),
        .init(.ipAccessListStandard, "ip access-list standard <acl:word>", enters: .standardAccessList),
        .init(.ipAccessListExtended, "ip access-list extended <acl:word>", enters: .extendedAccessList),
        .init(.ipv6AccessList, "ipv6 access-list <acl:word>", enters: .ipv6AccessList),
        .init(.numberedStandard, "access-list <acl:int(1-99)> \(standardRule)"),
        .init(.numberedStandard, "access-list <acl:int(1300-1999)> \(standardRule)"),
        .init(.numberedExtended, "access-list <acl:int(100-199)> \(extendedRule)"),
        .init(.numberedExtended, "access-list <acl:int(2000-2699)> \(extendedRule)"),
        .init(.numberedRemark, "access-list <acl:int(1-199)> remark <text:text>"),
        .init(.numberedRemark, "access-list <acl:int(1300-2699)> remark <text:text>"),
        .init(.interface, "interface <interface:interface> [type tunnel]", enters: .interface),
        .init(.username, "username <user:word> [privilege <level:int(0-15)>] { password [{ 0 | 7 }] <password:secret> | secret [{ 0 | 5 | 8 | 9 }] <secret:secret> }"),
        .init(.hostname, "hostname <hostname:host>"),
        .init(.ipHTTPServer, "ip http { server | secure-server }", linux: .ignored("IKEHub runs no HTTP server")),
        .init(.policyMap, "policy-map [type <type:word>] <policy-map:word>", enters: .ignoredBlock, linux: .ignored(qos)),
        .init(.classMap, "class-map [{ match-all | match-any }] <class-map:word>", enters: .ignoredBlock, linux: .ignored(qos)),
        .init(.vrfDefinition, "vrf definition <vrf:word>", enters: .ignoredBlock, linux: .ignored(vrf)),
        .init(.ipVRF, "ip vrf <vrf:word>", enters: .ignoredBlock, linux: .ignored(vrf)),
        .init(.ikehub, "ikehub", enters: .ikehub),
    ]

    static let ikev2Profile: [CommandSpec] = [
        .init(.profileDescription, "description <text:text>"),
        .init(.profileMatchIdentity, "match identity remote { address { <address:ipv4> [<mask:netmask>] | <prefix:ipv6prefix> } | fqdn [domain] <fqdn:word> | email [domain] <email:word> | key-id <keyid:word> | any }"),
        .init(.profileMatchCertificate, "match certificate <map:word>"),
        .init(.profileMatchFVRF, "match fvrf { any | <vrf:word> }"),
        .init(.profileMatchAddressLocal, "match address local { <address:ip> | interface <interface:interface> }"),
        .init(.profileIdentityLocal, "identity local { address <address:ip> | fqdn <fqdn:word> | email <email:word> | key-id <keyid:word> | dn }"),
        .init(.profileAuthenticationLocal, "authentication local { rsa-sig | ecdsa-sig | pre-share [key \(key)] }"),
        .init(.profileAuthenticationLocalEAP, "authentication local eap [{ gtc | md5 | ms-chapv2 }] [username <user:word>] [password [{ 0 | 6 }] <password:secret>]",
              linux: .initiatorOnly),
        .init(.profileAuthenticationRemote, "authentication remote { rsa-sig | ecdsa-sig | pre-share [key \(key)] | eap [query-identity] [timeout <timeout:int(1-3600)>] | anyconnect-eap aggregate [cert-request] }"),
        .init(.profileKeyring, "keyring { local <keyring:word> | aaa <list:word> [name-mangler <mangler:word>] [password [{ 0 | 6 }] <password:secret>] }"),
        .init(.profileTrustpoint, "pki trustpoint <trustpoint:word> [{ sign | verify }]"),
        .init(.profileAAAAuthentication, "aaa authentication { eap | anyconnect-eap } <list:word>"),
        .init(.profileAAAAuthorization, "aaa authorization { user | group [override] } { psk | eap | cert | anyconnect-eap } { cached | list <list:word> [{ name-mangler <mangler:word> | <username:word> }] }"),
        .init(.profileAAAAccounting, "aaa accounting [{ psk | eap | cert | anyconnect-eap }] <list:word>"),
        .init(.profileVirtualTemplate, "virtual-template <template:int(1-4095)> [mode auto]"),
        .init(.profileDPD, "dpd <interval:int(10-3600)> <retry:int(2-60)> { on-demand | periodic }"),
        .init(.profileNATKeepalive, "nat keepalive <seconds:int(5-3600)>"),
        .init(.profileLifetime, "lifetime <seconds:int(120-86400)>"),
        .init(.profileReconnect, "reconnect [timeout <seconds:int(10-86400)>]"),
        .init(.profileConfigExchange, "config-exchange { request | set { accept | send } }"),
        .init(.profileIVRF, "ivrf <vrf:word>", linux: .ignored(vrf)),
        .init(.profileAnyconnectProfile, "anyconnect profile <name:word>"),
        .init(.profileRedirect, "redirect gateway auth",
              linux: .ignored("the redirect target comes from crypto ikev2 cluster load balancing, which is not implemented")),
        .init(.profileShutdown, "shutdown"),
    ]

    static let authorizationPolicy: [CommandSpec] = [
        .init(.policyPool, "pool <pool:word>"),
        .init(.policyIPv6Pool, "ipv6 pool <pool:word>"),
        .init(.policyDNS, "dns <primary:ipv4> [<secondary:ipv4>]"),
        .init(.policyIPv6DNS, "ipv6 dns <primary:ipv6> [<secondary:ipv6>]"),
        .init(.policyWINS, "wins <primary:ipv4> [<secondary:ipv4>]"),
        .init(.policyNetmask, "netmask <mask:netmask>"),
        .init(.policyBanner, "banner <text:delimited>"),
        .init(.policyDefDomain, "def-domain <domain:word>"),
        .init(.policySplitDNS, "split-dns <domain:word>"),
        .init(.policyBackupGateway, "backup-gateway <gateway:word>"),
        .init(.policyPFS, "pfs"),
        .init(.policyIncludeLocalLAN, "include-local-lan"),
        .init(.policySmartcardRemoval, "smartcard-removal-disconnect"),
        .init(.policyConfigurationURL, "configuration url <url:word>"),
        .init(.policyConfigurationVersion, "configuration version <version:word>"),
        .init(.policyRouteSetInterface, "route set interface [<interface:interface>]"),
        .init(.policyRouteSetAccessList, "route set access-list { ipv6 <acl:word> | <acl:word> }"),
        .init(.policySubnetACL, "subnet-acl <acl:word>"),
        .init(.policyIPv6SubnetACL, "ipv6 subnet-acl <acl:word>"),
        .init(.policyRouteSetRemote, "route set remote { ipv4 <address:ipv4> <mask:netmask> | ipv6 <prefix:ipv6prefix> }"),
        .init(.policyRouteAccept, "route accept any [tag <tag:int(1-497777)>] [distance <distance:int(1-255)>]"),
        .init(.policyRouteRedistribute, "route redistribute { connected | static } [route-map <map:word>]",
              linux: .ignored("redistribution into IKEv2 routes is not implemented; use route set")),
        .init(.policyFlowLimit, "ipsec flow-limit <limit:int(0-50000)>"),
        .init(.policySessionLifetime, "session-lifetime <seconds:int(120-25920000)>"),
        .init(.policyAttributeList, "aaa attribute list <list:word>"),
        .init(.policyDHCP, "dhcp { giaddr <giaddr:ipv4> | server <server:host> | timeout <seconds:int(1-60)> }"),
        .init(.policyAnyconnectProfile, "anyconnect profile <name:word>"),
    ]

    static let interface: [CommandSpec] = [
        .init(.interfaceDescription, "description <text:text>"),
        .init(.interfaceIPAddress, "ip address <address:ipv4> <mask:netmask> [secondary]"),
        .init(.interfaceIPUnnumbered, "ip unnumbered <interface:interface>"),
        .init(.interfaceIPv6Unnumbered, "ipv6 unnumbered <interface:interface>"),
        .init(.interfaceIPv6Address, "ipv6 address <prefix:ipv6prefix>"),
        .init(.interfaceIPv6Enable, "ipv6 enable"),
        .init(.interfaceIPMTU, "ip mtu <mtu:int(68-65535)>"),
        .init(.interfaceIPv6MTU, "ipv6 mtu <mtu:int(1280-65535)>"),
        .init(.interfaceAdjustMSS, "ip tcp adjust-mss <mss:int(500-1460)>"),
        .init(.interfaceTunnelMode, "tunnel mode { ipsec { ipv4 | ipv6 } | gre { ip | ipv6 } }"),
        .init(.interfaceTunnelSource, "tunnel source { <interface:interface> | <address:ip> }"),
        .init(.interfaceTunnelDestination, "tunnel destination <address:host>",
              linux: .ignored("a virtual-access takes the peer's address as its destination")),
        .init(.interfaceTunnelProtection, "tunnel protection ipsec profile <profile:word> [shared]"),
        .init(.interfaceTunnelKey, "tunnel key <key:int(0-4294967295)>", linux: .ignored("GRE keys have no meaning for IPsec tunnels")),
        .init(.interfaceAccessGroup, "ip access-group <acl:word> { in | out }"),
        .init(.interfaceTrafficFilter, "ipv6 traffic-filter <acl:word> { in | out }"),
        .init(.interfaceServicePolicy, "service-policy { input | output } <policy-map:word>", linux: .ignored(qos)),
        .init(.interfaceIPVRF, "ip vrf forwarding <vrf:word>", linux: .ignored(vrf)),
        .init(.interfaceVRF, "vrf forwarding <vrf:word>", linux: .ignored(vrf)),
        .init(.interfaceShutdown, "shutdown"),
    ]
}

/// Names every command of the grammar; the model builder switches over it.
enum CommandID: String, Sendable {
    // global
    case aaaNewModel, aaaGroupServer, aaaAuthentication, aaaAuthorization, aaaAccounting, aaaAttributeList
    case aaaDynamicAuthor, radiusServer, radiusServerHost
    case ikev2Profile, ikev2Keyring, ikev2NameMangler, ikev2AuthorizationPolicy, ikev2Proposal, ikev2Policy
    case ikev2DPD, ikev2CookieChallenge, ikev2Limit, ikev2Fragmentation, ikev2NATKeepalive
    case ikev2RedirectGateway, ikev2RedirectClient, ikev2Client, ikev2HTTPURLCert
    case pkiTrustpoint, pkiCertificateMap, pkiCertificateChain
    case ipsecTransformSet, ipsecProfile, ipsecLifetime, anyconnectProfile, sslPolicy, sslProfile
    case ipLocalPool, ipv6LocalPool, ipAccessListStandard, ipAccessListExtended, ipv6AccessList
    case numberedStandard, numberedExtended, numberedRemark
    case interface, username, hostname, ipHTTPServer, policyMap, classMap, vrfDefinition, ipVRF, ikehub
    // aaa server group, radius server, dynamic-author, attribute list
    case serverGroupServerName, serverGroupServerAddress, serverGroupDeadtime, serverGroupSourceInterface
    case radiusAddress, radiusKey, radiusTimeout, radiusRetransmit, radiusAutomateTester
    case dynamicAuthorClient, dynamicAuthorServerKey, dynamicAuthorPort, dynamicAuthorAuthType, dynamicAuthorIgnore
    case attribute
    // ikev2 profile
    case profileDescription, profileMatchIdentity, profileMatchCertificate, profileMatchFVRF, profileMatchAddressLocal
    case profileIdentityLocal, profileAuthenticationLocal, profileAuthenticationLocalEAP, profileAuthenticationRemote, profileKeyring, profileTrustpoint
    case profileAAAAuthentication, profileAAAAuthorization, profileAAAAccounting, profileVirtualTemplate, profileDPD
    case profileNATKeepalive, profileLifetime, profileReconnect, profileConfigExchange, profileIVRF
    case profileAnyconnectProfile, profileRedirect, profileShutdown
    // keyring
    case keyringPeer, peerDescription, peerAddress, peerHostname, peerIdentity, peerPreSharedKey
    // name mangler
    case manglerDN, manglerEAP, manglerEmail, manglerFQDN
    // authorization policy
    case policyPool, policyIPv6Pool, policyDNS, policyIPv6DNS, policyWINS, policyNetmask, policyBanner, policyDefDomain
    case policySplitDNS, policyBackupGateway, policyPFS, policyIncludeLocalLAN, policySmartcardRemoval
    case policyConfigurationURL, policyConfigurationVersion, policyRouteSetInterface, policyRouteSetAccessList
    case policySubnetACL, policyIPv6SubnetACL, policyRouteSetRemote, policyRouteAccept, policyRouteRedistribute
    case policyFlowLimit, policySessionLifetime, policyAttributeList, policyDHCP, policyAnyconnectProfile
    // proposal, policy
    case proposalEncryption, proposalIntegrity, proposalPRF, proposalGroup
    case policyProposal, policyMatchAddress, policyMatchFVRF
    // pki
    case trustpointEnrollment, trustpointRevocationCheck, trustpointSubjectName, trustpointSubjectAltName
    case trustpointRSAKeypair, trustpointSerialNumber, trustpointIPAddress
    case trustpointCertificateFile, trustpointPrivateKeyFile, trustpointCACertificateFile, trustpointCRLFile
    case certificateMapRule
    // ipsec
    case transformSetMode
    case ipsecProfileTransformSet, ipsecProfileIKEv2Profile, ipsecProfilePFS, ipsecProfileLifetime
    case ipsecProfileReplay, ipsecProfileIdleTime, ipsecProfileResponderOnly, ipsecProfileDescription
    // interface
    case interfaceDescription, interfaceIPAddress, interfaceIPUnnumbered, interfaceIPv6Unnumbered, interfaceIPv6Address
    case interfaceIPv6Enable, interfaceIPMTU, interfaceIPv6MTU, interfaceAdjustMSS, interfaceTunnelMode
    case interfaceTunnelSource, interfaceTunnelDestination, interfaceTunnelProtection, interfaceTunnelKey
    case interfaceAccessGroup, interfaceTrafficFilter, interfaceServicePolicy, interfaceIPVRF, interfaceVRF
    case interfaceShutdown
    // access lists
    case standardRule, extendedRule, ipv6Rule, accessListRemark
    // ikehub (Linux additions)
    case ikehubListen, ikehubStateDirectory, ikehubDataplane, ikehubIPCEndpoint, ikehubIPCWorkerKey, ikehubIPCKeyFile
}
