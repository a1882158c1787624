/// IKEWire: pure parse and serialise of IKEv2 messages (RFC 7296, RFC 7383, RFC 7427,
/// CP attributes incl. Cisco Unity). No I/O; every error names the payload and offset.
public enum IKEWire {}
