import Foundation
public import Logging
public import ZeroMQ

/// The ZAP handler (ZeroMQ RFC 27) of one context: admits a CURVE client only if
/// its public key is in the allow-list of the socket's ZAP domain. Every
/// CURVE server socket of the context with a ZAP domain consults it.
///
/// Must be created before those sockets accept connections; runs on its own
/// I/O thread. A refusal is logged once per key with the key and peer address
/// (public keys are not secrets).
public final class ZAPAuthenticator: Sendable {
    private let loop: IOLoop
    private let state: ZAPState

    /// Binds `inproc://zeromq.zap.01` in `context`.
    public init(context: ZMQContext, allowList: [String: Set<String>], logger: Logger) throws(IPCError) {
        let socket: ZMQSocket
        do {
            socket = try ZMQSocket(context: context, type: .reply)
            try socket.bind("inproc://zeromq.zap.01")
        } catch {
            throw .transport(error)
        }
        loop = try IOLoop(name: "zap")
        let loop = self.loop
        let state = ZAPState(logger: logger, allowList: Self.decode(allowList))
        self.state = state
        loop.execute {
            loop.addSocket(socket) { socket in
                while let frames = try? socket.receive() {
                    let reply = state.answer(frames)
                    try? socket.send(reply, dontWait: false)
                }
            }
        }
    }

    /// Replaces the allow-list (SIGHUP reload). Applies to handshakes from now on:
    /// a connection already admitted stays up until it reconnects.
    public func replaceAllowList(_ allowList: [String: Set<String>]) {
        let state = self.state
        let decoded = Self.decode(allowList)
        loop.execute { state.allowList = decoded }
    }

    /// Keys as 32 raw octets: ZAP hands us the binary key.
    private static func decode(_ allowList: [String: Set<String>]) -> [String: Set<[UInt8]>] {
        var raw: [String: Set<[UInt8]>] = [:]
        for (domain, keys) in allowList {
            raw[domain] = Set(keys.compactMap { CurveKeyPair.decode(z85: $0) })
        }
        return raw
    }

    deinit {
        loop.stop()
    }

    /// Stops answering (connections then fail their handshake).
    public func close() {
        loop.stop()
    }
}

/// Loop-thread state of the ZAP handler.
final class ZAPState: @unchecked Sendable {
    private let logger: Logger
    private var loggedRefusals: Set<[UInt8]> = []
    /// Admitted raw keys per domain; replaced on reload.
    var allowList: [String: Set<[UInt8]>]

    init(logger: Logger, allowList: [String: Set<[UInt8]>]) {
        self.logger = logger
        self.allowList = allowList
    }

    /// ZAP request: version, request id, domain, address, routing id, mechanism,
    /// credentials... Reply: version, request id, status code, status text, user
    /// id, metadata (RFC 27 §"Reply").
    func answer(_ frames: [[UInt8]]) -> [[UInt8]] {
        guard frames.count >= 6 else {
            return [Array("1.0".utf8), frames.count > 1 ? frames[1] : [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []]
        }
        let requestID = frames[1]
        let domain = String(decoding: frames[2], as: UTF8.self)
        let address = String(decoding: frames[3], as: UTF8.self)
        let mechanism = String(decoding: frames[5], as: UTF8.self)
        func reply(_ code: String, _ text: String, user: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), requestID, Array(code.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        guard mechanism == "CURVE", frames.count >= 7, frames[6].count == 32 else {
            logger.warning("ZAP refused a \(mechanism) client from \(address) (domain \(domain)): CURVE required")
            return reply("400", "CURVE required")
        }
        let key = frames[6]
        let z85 = CurveKeyPair.encode(z85: key) ?? "?"
        guard allowList[domain]?.contains(key) == true else {
            if loggedRefusals.count < 10_000, loggedRefusals.insert(key).inserted {
                logger.warning("ZAP refused CURVE key \(z85) from \(address): not in the allow-list of domain \(domain)")
            }
            return reply("400", "key not allowed")
        }
        logger.debug("ZAP admitted CURVE key \(z85) from \(address)")
        return reply("200", "OK", user: z85)
    }
}
