import Foundation

/// The gateway's certificate for the certificate rows of `setup`: a CA of the same key
/// type and the hub's certificate for hub.lab (subjectAltName dNSName, EKU serverAuth),
/// made with strongSwan's `pki` at run time in the lab's state directory; no key
/// material is kept anywhere else.
struct GatewayCertificate {
    /// The gateway key types the benchmark measures.
    enum KeyType: String, CaseIterable {
        case ecdsaP256 = "ecdsa"
        case rsa2048 = "rsa"

        /// The row label: "ECDSA-P256", "RSA-2048".
        var label: String { self == .ecdsaP256 ? "ECDSA-P256" : "RSA-2048" }
        /// `pki --type` and `--size`.
        var pkiType: String { self == .ecdsaP256 ? "ecdsa" : "rsa" }
        var pkiSize: String { self == .ecdsaP256 ? "256" : "2048" }
        /// IKEHub's `authentication local` method.
        var flexAuthentication: String { self == .ecdsaP256 ? "ecdsa-sig" : "rsa-sig" }
        /// swanctl's directory for the private key (swanctl.conf(5): ecdsa/, rsa/).
        var swanctlKeyDirectory: String { pkiType }
    }

    let keyType: KeyType
    let caFile: String
    let certificateFile: String
    let keyFile: String

    /// Makes the CA and the hub's certificate under `directory` (30 days).
    static func make(_ keyType: KeyType, in directory: String) throws -> GatewayCertificate {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = GatewayCertificate(keyType: keyType, caFile: directory + "/ca.crt",
                                             certificateFile: directory + "/hub.crt", keyFile: directory + "/hub.key")
        // One shell line per step so that stdout (the PEM) goes to its file and pki's
        // stderr notes do not.
        let script = """
        set -e
        cd "$1"
        pki --gen --type "$2" --size "$3" --outform pem > ca.key
        pki --self --ca --lifetime 30 --in ca.key --type "$2" --dn "C=CH, O=IKEHub Bench, CN=Bench CA" --outform pem > ca.crt
        pki --gen --type "$2" --size "$3" --outform pem > hub.key
        pki --pub --in hub.key --type "$2" | pki --issue --cacert ca.crt --cakey ca.key --lifetime 30 \\
            --dn "C=CH, O=IKEHub Bench, CN=hub.lab" --san hub.lab --flag serverAuth --outform pem > hub.crt
        chmod 600 ca.key hub.key
        """
        try BenchLab.run("/bin/sh", ["-c", script, "sh", directory, keyType.pkiType, keyType.pkiSize])
        for file in [certificate.caFile, certificate.certificateFile, certificate.keyFile] {
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            guard size > 0 else { throw LabError("pki made no \(file)") }
        }
        return certificate
    }
}
