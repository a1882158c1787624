import FlexConfig
import HubVocabulary

/// Why the address manager cannot start from a configuration file.
public struct AddressConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

extension AddressPool {
    /// The pools of a FlexVPN configuration (`ip local pool`, `ipv6 local pool`), in file order.
    public static func pools(of configuration: FlexConfiguration) throws(AddressConfigurationError) -> [AddressPool] {
        var pools: [AddressPool] = []
        do {
            for pool in configuration.ipv4Pools {
                let ranges = try pool.ranges.map { range throws(AddressPoolError) in
                    try IPv4Range(first: range.start, last: range.end)
                }
                pools.append(try AddressPool(name: pool.name, group: pool.ranges.first?.group, ipv4Ranges: ranges))
            }
            for pool in configuration.ipv6Pools {
                pools.append(try AddressPool(name: pool.name, ipv6Prefix: pool.prefix, prefixLength: pool.prefixLength,
                                             assignedLength: pool.assignedLength))
            }
        } catch {
            throw AddressConfigurationError(description: "\(error)")
        }
        return pools
    }

    /// The pools of the configuration file at `path`; errors name file:line:column.
    public static func pools(inFile path: String) throws(AddressConfigurationError) -> [AddressPool] {
        let loaded = FlexConfig.load(path: path)
        if loaded.hasErrors {
            throw AddressConfigurationError(description: loaded.errors.map { "\($0)" }.joined(separator: "\n"))
        }
        return try pools(of: loaded.configuration)
    }
}
