internal import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

// One wrapper class per OpenSSL object, freed in `deinit` (DESIGN.md §7). Callers keep
// the wrapper alive across every C call that uses `pointer` (`withExtendedLifetime`),
// because Swift may release a wrapper right after its last Swift-visible use.

/// Owns an `X509`. Immutable once parsed, so it may be shared between threads.
final class X509Object: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    /// A second reference to an `X509` owned elsewhere (`X509_up_ref`).
    init(sharing pointer: OpaquePointer) {
        X509_up_ref(pointer)
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }
}

/// Owns an `X509_CRL`. Immutable once parsed.
final class CRLObject: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) { self.pointer = pointer }

    deinit { X509_CRL_free(pointer) }
}

/// Owns an `X509_STORE`; built per verification, not shared.
final class StoreObject {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let store = X509_STORE_new() else { throw openSSLFailure("X509_STORE_new") }
        pointer = store
    }

    deinit { X509_STORE_free(pointer) }
}

/// Owns an `X509_STORE_CTX`.
final class StoreContextObject {
    let pointer: OpaquePointer

    init() throws(PKIError) {
        guard let context = X509_STORE_CTX_new() else { throw openSSLFailure("X509_STORE_CTX_new") }
        pointer = context
    }

    deinit { X509_STORE_CTX_free(pointer) }
}

/// Owns a `STACK_OF(X509)` holding references (freed with `X509_free` each).
final class CertificateStackObject {
    let pointer: OpaquePointer

    init(_ certificates: [X509Object]) throws(PKIError) {
        guard let stack = shim_sk_X509_new_null() else { throw openSSLFailure("sk_X509_new_null") }
        pointer = stack
        for certificate in certificates {
            X509_up_ref(certificate.pointer)
            guard shim_sk_X509_push(stack, certificate.pointer) > 0 else {
                X509_free(certificate.pointer)
                throw openSSLFailure("sk_X509_push")
            }
        }
    }

    deinit { shim_sk_X509_pop_free(pointer) }
}

/// A memory `BIO` reading from its own copy of the octets.
final class ReadBIO {
    let pointer: OpaquePointer
    private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) throws(PKIError) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.copyBytes(from: bytes)
        guard let bio = BIO_new_mem_buf(storage.baseAddress, Int32(bytes.count)) else {
            storage.deallocate()
            throw openSSLFailure("BIO_new_mem_buf")
        }
        pointer = bio
    }

    deinit {
        BIO_free(pointer)
        storage.deallocate()
    }
}

/// The error OpenSSL queued for `function`, with the queue drained.
func openSSLFailure(_ function: String) -> PKIError {
    .crypto("\(function): \(drainOpenSSLErrors())")
}

/// OpenSSL's queued error text ("no error queued" when empty); empties the queue.
func drainOpenSSLErrors() -> String {
    let code = ERR_get_error()
    var text = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &text, text.count)
    while ERR_get_error() != 0 {}
    return code == 0 ? "no error queued" : text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

// MARK: - ASN.1 helpers

/// The octets of an `ASN1_STRING` (IA5String, OCTET STRING, …).
func asn1Bytes(_ string: UnsafePointer<ASN1_STRING>?) -> [UInt8] {
    guard let string, let data = ASN1_STRING_get0_data(string) else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
}

/// An `ASN1_STRING` of any string type as UTF-8 text (`ASN1_STRING_to_UTF8`).
func asn1UTF8(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> String? {
    guard let string else { return nil }
    var output: UnsafeMutablePointer<UInt8>?
    let length = ASN1_STRING_to_UTF8(&output, string)
    guard length >= 0, let output else { return nil }
    defer { shim_OPENSSL_free(output) }
    return String(decoding: UnsafeBufferPointer(start: output, count: Int(length)), as: UTF8.self)
}

/// The dotted-decimal text of an OID.
func objectIdentifierText(_ object: OpaquePointer?) -> String {
    guard let object else { return "" }
    var buffer = [CChar](repeating: 0, count: 128)
    let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
    guard length > 0 else { return "" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

/// An `ASN1_TIME` as seconds since the Unix epoch (UTC).
func asn1TimeSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
    guard let time else { return nil }
    var broken = tm()
    guard ASN1_TIME_to_tm(time, &broken) == 1 else { return nil }
    return Int64(timegm(&broken))
}

/// A DER encoding produced by an `i2d_*` function.
func derEncoding(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32) -> [UInt8]? {
    var output: UnsafeMutablePointer<UInt8>?
    let length = encode(&output)
    guard length > 0, let output else { return nil }
    defer { shim_OPENSSL_free(output) }
    return Array(UnsafeBufferPointer(start: output, count: Int(length)))
}

/// Elements of an OpenSSL stack (`OPENSSL_sk_*`; the typed `sk_*_value` are macros).
func stackElements(_ stack: OpaquePointer?) -> [UnsafeMutableRawPointer] {
    guard let stack else { return [] }
    let count = OPENSSL_sk_num(stack)
    guard count > 0 else { return [] }
    return (0..<count).compactMap { OPENSSL_sk_value(stack, $0) }
}
