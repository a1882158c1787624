/// The version of the IPC schema this build speaks (`Protocols/ikehub/ipc/v1`).
///
/// `major` changes only with a new `v2/` directory; `minor` grows with every
/// add-only change (Protocols/README.md, rule 4).
public enum IPCSchema {
    /// The major version: the `v1` in `ikehub.ipc.v1`.
    public static let major: UInt32 = 1
    /// The minor version: 0 is the first release of v1.
    public static let minor: UInt32 = 1
    /// Every major this build can read.
    public static let supportedMajors: [UInt32] = [major]
}
