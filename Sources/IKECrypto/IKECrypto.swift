/// IKECrypto: PRFs, prf+, the IKE key schedule, SK payload ciphers, key exchange
/// groups and AUTH computation, on OpenSSL 3 libcrypto. No OpenSSL type is public.
internal import COpenSSL
public enum IKECrypto {}
