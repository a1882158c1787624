internal import CLinux
import HubVocabulary
#if canImport(Glibc)
import Glibc
#endif

/// The slots of one `recvmmsg`/`sendmmsg` call: `capacity` buffers of `slotSize` bytes, each
/// with its peer address and length. All memory is allocated once here and reused for every
/// batch, so the packet path allocates nothing per datagram.
///
/// Not thread-safe: one thread owns a batch (the ESP data plane has one per direction).
public final class DatagramBatch {
    /// How many datagrams one call can move.
    public let capacity: Int
    /// Bytes per slot; a received datagram longer than this is truncated and flagged.
    public let slotSize: Int
    /// Slots in use: after `UDPSocket.receive(into:)` the datagrams received; before
    /// `UDPSocket.send(_:)` the datagrams to send (slots `0..<count`).
    public var count: Int = 0

    private let storage: UnsafeMutableRawBufferPointer
    private let headers: UnsafeMutablePointer<shim_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private let lengths: UnsafeMutablePointer<Int>

    /// `capacity` slots of `slotSize` bytes (both at least 1; a programming error otherwise).
    public init(capacity: Int, slotSize: Int) {
        precondition(capacity > 0 && slotSize > 0, "DatagramBatch needs at least one slot of one byte")
        self.capacity = capacity
        self.slotSize = slotSize
        storage = .allocate(byteCount: capacity * slotSize, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        headers = .allocate(capacity: capacity)
        headers.initialize(repeating: shim_mmsghdr(), count: capacity)
        vectors = .allocate(capacity: capacity)
        vectors.initialize(repeating: iovec(), count: capacity)
        addresses = .allocate(capacity: capacity)
        addresses.initialize(repeating: sockaddr_storage(), count: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        for index in 0..<capacity {
            vectors[index].iov_base = storage.baseAddress! + index * slotSize
            vectors[index].iov_len = slotSize
            headers[index].msg_hdr.msg_iov = vectors + index
            headers[index].msg_hdr.msg_iovlen = 1
            headers[index].msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + index)
        }
    }

    deinit {
        storage.deallocate()
        headers.deallocate()
        vectors.deallocate()
        addresses.deallocate()
        lengths.deallocate()
    }

    /// The whole slot `index` (`slotSize` bytes), to fill before sending.
    public func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        precondition(index >= 0 && index < capacity, "slot index out of range")
        return UnsafeMutableRawBufferPointer(start: storage.baseAddress! + index * slotSize, count: slotSize)
    }

    /// The datagram in slot `index`: its first `length(at:)` bytes.
    public func datagram(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: slot(index)[0..<lengths[index]])
    }

    /// The datagram length in slot `index`.
    public func length(at index: Int) -> Int { lengths[index] }

    /// Sets how many bytes of slot `index` are sent (at most `slotSize`).
    public func setLength(_ length: Int, at index: Int) {
        precondition(length >= 0 && length <= slotSize, "datagram longer than its slot")
        lengths[index] = length
    }

    /// Whether the kernel cut the datagram in slot `index` to fit (`MSG_TRUNC`).
    public func wasTruncated(at index: Int) -> Bool {
        headers[index].msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
    }

    /// The source of a received datagram (or the destination set for sending).
    public func address(at index: Int) -> SocketAddress? {
        SocketAddress(storage: addresses[index])
    }

    /// Whether slot `index`'s address is `address`, without building a `SocketAddress`.
    public func address(at index: Int, equals address: SocketAddress) -> Bool {
        let family = Int32(addresses[index].ss_family)
        switch address.address {
        case .v4(let v4):
            guard family == AF_INET else { return false }
            return UnsafeRawPointer(addresses + index).withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                UInt32(bigEndian: $0.pointee.sin_addr.s_addr) == v4.rawValue && UInt16(bigEndian: $0.pointee.sin_port) == address.port
            }
        case .v6(let v6):
            guard family == AF_INET6 else { return false }
            return UnsafeRawPointer(addresses + index).withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                guard UInt16(bigEndian: pointer.pointee.sin6_port) == address.port else { return false }
                return withUnsafeBytes(of: pointer.pointee.sin6_addr) { raw in
                    var high: UInt64 = 0
                    var low: UInt64 = 0
                    for offset in 0..<8 { high = high << 8 | UInt64(raw[offset]) }
                    for offset in 8..<16 { low = low << 8 | UInt64(raw[offset]) }
                    return high == v6.high && low == v6.low
                }
            }
        }
    }

    /// Sets where slot `index` is sent.
    public func setAddress(_ address: SocketAddress, at index: Int) {
        address.withSockAddr { source, length in
            UnsafeMutableRawPointer(addresses + index).copyMemory(from: source, byteCount: Int(length))
            headers[index].msg_hdr.msg_namelen = length
        }
    }

    /// Prepares every slot for `recvmmsg`: full-size buffers and address space.
    fileprivate func prepareForReceive() {
        for index in 0..<capacity {
            vectors[index].iov_len = slotSize
            headers[index].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            headers[index].msg_hdr.msg_flags = 0
            headers[index].msg_len = 0
        }
    }

    /// Records the lengths `recvmmsg` filled in for the first `received` slots.
    fileprivate func finishReceive(_ received: Int) {
        for index in 0..<received { lengths[index] = Int(headers[index].msg_len) }
        count = received
    }

    /// Prepares slots `0..<count` for `sendmmsg` with their set lengths.
    fileprivate func prepareForSend() {
        for index in 0..<count {
            vectors[index].iov_len = lengths[index]
            headers[index].msg_hdr.msg_flags = 0
        }
    }

    fileprivate var headerBase: UnsafeMutablePointer<shim_mmsghdr> { headers }
}

/// What one `UDPSocket.send(_:)` achieved: datagrams the kernel took and those it refused.
public struct DatagramBatchSendOutcome: Equatable, Sendable {
    /// Datagrams handed to the kernel.
    public var sent: Int
    /// Datagrams refused (e.g. `ENETUNREACH`) and skipped.
    public var failed: Int
    /// `errno` of the last refusal (0 if none).
    public var lastErrorNumber: Int32
}

extension UDPSocket {
    /// Waits up to `timeoutMilliseconds` (−1 = forever) for datagrams, then takes as many as
    /// are queued (at most `batch.capacity`) with one `recvmmsg`. Returns `batch.count`; 0 on
    /// timeout.
    public func receive(into batch: DatagramBatch, timeoutMilliseconds: Int32) throws(SocketError) -> Int {
        batch.count = 0
        // A zero timeout needs no poll: recvmmsg with MSG_DONTWAIT answers EAGAIN itself.
        if timeoutMilliseconds != 0 {
            var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&poll, 1, timeoutMilliseconds)
            if ready == 0 { return 0 }
            guard ready > 0 else {
                if errno == EINTR { return 0 }
                throw SocketError(operation: "poll", address: localAddress, errorNumber: errno)
            }
        }
        batch.prepareForReceive()
        let received = shim_recvmmsg(descriptor, batch.headerBase, UInt32(batch.capacity), Int32(MSG_DONTWAIT), nil)
        guard received >= 0 else {
            if errno == EAGAIN || errno == EINTR { return 0 }
            throw SocketError(operation: "recvmmsg", address: localAddress, errorNumber: errno)
        }
        batch.finishReceive(Int(received))
        return Int(received)
    }

    /// Sends slots `0..<batch.count` with as few `sendmmsg` calls as the kernel allows. A
    /// datagram the kernel refuses is skipped and counted, so one unreachable peer does not
    /// stall the others in the batch.
    @discardableResult
    public func send(_ batch: DatagramBatch) -> DatagramBatchSendOutcome {
        var outcome = DatagramBatchSendOutcome(sent: 0, failed: 0, lastErrorNumber: 0)
        batch.prepareForSend()
        var next = 0
        while next < batch.count {
            let result = shim_sendmmsg(descriptor, batch.headerBase + next, UInt32(batch.count - next), 0)
            if result > 0 {
                outcome.sent += Int(result)
                next += Int(result)
            } else if result < 0 && errno == EINTR {
                continue
            } else {
                outcome.failed += 1
                outcome.lastErrorNumber = result < 0 ? errno : EIO
                next += 1
            }
        }
        return outcome
    }
}
