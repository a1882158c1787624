public import FlexConfig
public import HubVocabulary

/// What a virtual-access interface takes from its `interface Virtual-Template N type tunnel`
/// and the session's `interface-config` lines: the MTU and the unnumbered addresses.
public struct TemplateSettings: Equatable, Sendable {
    /// IOS's tunnel default when the template has no `ip mtu`.
    public static let defaultMTU: UInt32 = 1400

    /// `ip mtu`.
    public var mtu: UInt32
    /// The IPv4 address of the interface named by `ip unnumbered` (given to the TUN as a /32).
    public var unnumberedIPv4: IPv4Address?
    /// The first IPv6 address of the interface named by `ipv6 unnumbered` (as a /128).
    public var unnumberedIPv6: IPv6Address?

    public init(mtu: UInt32 = TemplateSettings.defaultMTU, unnumberedIPv4: IPv4Address? = nil, unnumberedIPv6: IPv6Address? = nil) {
        self.mtu = mtu
        self.unnumberedIPv4 = unnumberedIPv4
        self.unnumberedIPv6 = unnumberedIPv6
    }

    /// The settings of `Virtual-Template<number>` in `configuration`, then the per-session
    /// `interface-config` lines (Cisco AV-pair `ip:interface-config`) that override them.
    /// Lines other than `ip mtu N`, `ip unnumbered IF` and `ipv6 unnumbered IF` are returned
    /// in `ignored` for the log.
    public static func resolve(template number: UInt32, in configuration: FlexConfiguration,
                               interfaceConfig: [String]) throws(TunnelManagerError) -> (settings: TemplateSettings, ignored: [String]) {
        guard let template = configuration.interfaces.first(where: { $0.virtualTemplateNumber == Int(number) }) else {
            throw .unknownVirtualTemplate(number)
        }
        var mtu = template.mtu
        var unnumbered = template.ipUnnumbered
        var unnumbered6 = template.ipv6Unnumbered
        var ignored: [String] = []
        for line in interfaceConfig {
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            switch (words.first, words.dropFirst().first, words.count) {
            case ("ip", "mtu", 3):
                guard let value = Int(words[2]), (68...65535).contains(value) else { ignored.append(line); continue }
                mtu = value
            case ("ip", "unnumbered", 3): unnumbered = words[2]
            case ("ipv6", "unnumbered", 3): unnumbered6 = words[2]
            default: ignored.append(line)
            }
        }
        var settings = TemplateSettings()
        if let mtu, mtu > 0 { settings.mtu = UInt32(mtu) }
        settings.unnumberedIPv4 = unnumbered.flatMap { Self.interface(named: $0, in: configuration)?.ipv4Address }
        settings.unnumberedIPv6 = unnumbered6.flatMap { Self.interface(named: $0, in: configuration)?.ipv6Addresses.first?.address }
        return (settings, ignored)
    }

    /// IOS interface names are case-insensitive (`loopback0` is `Loopback0`).
    private static func interface(named name: String, in configuration: FlexConfiguration) -> Interface? {
        configuration.interface(named: name)
            ?? configuration.interfaces.first { $0.name.lowercased() == name.lowercased() }
    }
}
