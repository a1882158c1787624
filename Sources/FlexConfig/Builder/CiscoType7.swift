/// The IOS "type 7" password encoding: reversible obfuscation, not encryption. Two decimal
/// digits give a start offset into a fixed key string; each following hex pair is one
/// character XORed with the next key character. IOS writes RADIUS keys and `username …
/// password` this way under `service password-encryption`, so a pasted configuration can
/// hold them; IKEHub needs the clear text to use them.
enum CiscoType7 {
    /// The publicly documented key string of the encoding.
    private static let key = Array("dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87".utf8)

    /// The clear bytes, or `nil` when `text` is not a type 7 encoding.
    static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count >= 4, digits.count % 2 == 0,
              let offset = Int(String(decoding: digits[0..<2], as: UTF8.self)), offset < key.count,
              let encoded = Hex.decodeStrict(digits[2...]) else { return nil }
        return encoded.enumerated().map { index, byte in byte ^ key[(offset + index) % key.count] }
    }
}

import HubVocabulary

extension Hex {
    /// Hex digits only (no blanks or colons), an even number of them.
    static func decodeStrict(_ digits: ArraySlice<UInt8>) -> [UInt8]? {
        guard digits.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 70) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        return Hex.decode(String(decoding: digits, as: UTF8.self))
    }
}
