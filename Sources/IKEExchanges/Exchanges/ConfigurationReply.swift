import HubVocabulary
import IKEWire

/// The CFG_REPLY of IKE_AUTH (RFC 7296 §3.15): the assigned address, then what the pool
/// and the authorization policy push (DNS, domain, split include, banner …).
enum ConfigurationReply {
    static func build(request: ConfigurationPayload, assignment: AddressAssignment?,
                      authorization: SessionAuthorization?) -> ConfigurationPayload {
        var attributes: [ConfigurationAttribute] = []
        let asked = Set(request.attributes.map(\.type))
        if let assignment {
            if let address = assignment.ipv4Address, asked.contains(.internalIP4Address) {
                attributes.append(.ipv4(.internalIP4Address, address))
                if let netmask = assignment.ipv4Netmask { attributes.append(.ipv4(.internalIP4Netmask, netmask)) }
            }
            if let address = assignment.ipv6Address, asked.contains(.internalIP6Address) {
                attributes.append(.ipv6Prefix(.internalIP6Address, address, prefixLength: assignment.ipv6PrefixLength))
            }
            attributes += assignment.attributes
        }
        let addressTypes: Set<ConfigurationAttributeType> = [.internalIP4Address, .internalIP4Netmask, .internalIP6Address]
        for attribute in authorization?.pushedAttributes ?? [] where !addressTypes.contains(attribute.type) {
            if !attributes.contains(attribute) { attributes.append(attribute) }
        }
        return ConfigurationPayload(configurationType: .reply, attributes: attributes)
    }
}
