/* COpenSSL: the OpenSSL 3 libcrypto headers IKECrypto uses.
 *
 * Why the wrappers below exist: Swift's clang importer does not import
 * function-like macros or variadic C functions, so each one IKECrypto needs
 * is wrapped here as a static inline function (the importer compiles these;
 * no separate C target is needed). Deprecated 1.x APIs are hidden so that a
 * use of DH_*, RSA_* etc. fails to compile instead of warning. */
#ifndef IKEHUB_COPENSSL_SHIM_H
#define IKEHUB_COPENSSL_SHIM_H
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED 1
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/dh.h>
#include <openssl/bio.h>

/* OPENSSL_free is a macro over CRYPTO_free(ptr, __FILE__, __LINE__). */
static inline void shim_OPENSSL_free(void *p) { OPENSSL_free(p); }
/* BN_num_bytes is a macro. */
static inline int shim_BN_num_bytes(const BIGNUM *bn) { return BN_num_bytes(bn); }
/* EVP_EC_gen / EVP_RSA_gen are macros over the variadic EVP_PKEY_Q_keygen. */
static inline EVP_PKEY *shim_EVP_EC_gen(const char *curve) { return EVP_EC_gen(curve); }
static inline EVP_PKEY *shim_EVP_RSA_gen(unsigned int bits) { return EVP_RSA_gen(bits); }
/* The STACK_OF(X509) helpers are generated macros. */
static inline STACK_OF(X509) *shim_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int shim_sk_X509_push(STACK_OF(X509) *sk, X509 *x) { return sk_X509_push(sk, x); }
static inline int shim_sk_X509_num(const STACK_OF(X509) *sk) { return sk_X509_num(sk); }
static inline X509 *shim_sk_X509_value(const STACK_OF(X509) *sk, int i) { return sk_X509_value(sk, i); }
static inline void shim_sk_X509_free(STACK_OF(X509) *sk) { sk_X509_free(sk); }
static inline void shim_sk_X509_pop_free(STACK_OF(X509) *sk) { sk_X509_pop_free(sk, X509_free); }
/* BIO_get_mem_data is a macro over BIO_ctrl. */
static inline long shim_BIO_get_mem_data(BIO *b, char **pp) { return BIO_get_mem_data(b, pp); }
/* EVP_PKEY_CTX_set_rsa_padding etc. are functions in 3.0, no shim needed. */
/* The EVP_PKEY_fromdata selections are macros built from nested macros with
 * `|`; spelled out once here so Swift sees plain constants. */
static const int SHIM_EVP_PKEY_KEY_PARAMETERS = EVP_PKEY_KEY_PARAMETERS;
static const int SHIM_EVP_PKEY_PUBLIC_KEY = EVP_PKEY_PUBLIC_KEY;
static const int SHIM_EVP_PKEY_KEYPAIR = EVP_PKEY_KEYPAIR;
#endif
