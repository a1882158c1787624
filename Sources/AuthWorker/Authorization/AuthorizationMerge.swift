import HubVocabulary

/// The FlexVPN attribute merge (seed "Merging and Overriding Attributes"), pure:
///
/// - user attributes take precedence over cached (implicit) ones;
/// - the merged user attributes take precedence over group ones, unless the profile says
///   `aaa authorization group override`, which reverses that;
/// - an attribute present in a higher source replaces all its values from lower sources
///   (a multi-valued one like `ipsec:split-dns` is replaced as a whole);
/// - `ip:interface-config` is applied from every source in turn, lowest precedence first
///   (seed "Interface-Config Precedence Order": group, implicit, user; with override:
///   implicit, user, group), so that the commands of the winning source come last;
/// - `Framed-IP-Address` counts from user authorization only (explicit or cached): the
///   seed derives INTERNAL_IP4_ADDRESS from "the Framed-IP-Address attribute received in
///   AAA user authorization", so a group's is ignored.
public enum AuthorizationMerge {
    /// The merged set: attributes in canonical order (`AuthorizationAttribute.allCases`),
    /// values in source order.
    public static func merge(user: [SessionAttribute], cached: [SessionAttribute], group: [SessionAttribute],
                             groupOverride: Bool) -> [SessionAttribute] {
        // Lowest precedence first.
        let groupLayer = group.filter { $0.attribute != .framedIPAddress }
        let layers = groupOverride ? [cached, user, groupLayer] : [groupLayer, cached, user]
        var merged: [SessionAttribute] = []
        for attribute in AuthorizationAttribute.allCases {
            let perLayer = layers.map { layer in layer.filter { $0.attribute == attribute } }
            if attribute.accumulatesAcrossSources {
                merged += perLayer.flatMap { $0 }
            } else if let winner = perLayer.last(where: { !$0.isEmpty }) {
                merged += attribute.isMultiValued ? winner : [winner[winner.count - 1]]
            }
        }
        return merged
    }
}
