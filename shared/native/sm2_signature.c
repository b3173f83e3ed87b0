/*
 * sm2_signature: GB/T 32918.2 signing and verification (see sm2_signature.h).
 *
 * The checks are OpenSSL 3.0's (crypto/sm2/sm2_sign.c), so that both accept and refuse the same
 * signatures: a signature must be exactly the DER OpenSSL would write for its (r, s), with no
 * trailing bytes; r and s must lie in [1, n - 1]; t = r + s mod n must not be 0; and s·G + t·P must
 * not be the point at infinity.
 */
#include "sm2_signature.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

#define DEFAULT_ID "1234567812345678"
#define DEFAULT_ID_BYTES 16

/* A nonce is out of range with probability about 2^-32, and the standard's retry conditions are
   rarer still: so many draws in a row mean the random generator is broken, not unlucky. */
#define MAX_NONCE_DRAWS 64

/* a ‖ b ‖ xG ‖ yG of the recommended curve, as Z hashes them (GB/T 32918.2 §5.5). */
static const unsigned char CURVE_FOR_Z[128] = {
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

/* Fetched once: an EVP_MD is immutable and may be shared by every thread. */
static EVP_MD *sm3 = NULL;
static pthread_once_t initialised = PTHREAD_ONCE_INIT;

static void init_once(void) {
  sm2_curve_init();
  sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
}

bool sm2_signature_init(void) {
  pthread_once(&initialised, init_once);
  return sm3 != NULL;
}

/* out = SM3(parts[0] ‖ parts[1] ‖ ...). */
static bool digest(unsigned char out[32], const unsigned char *parts[], const size_t lengths[], int count) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  bool ok = ctx != NULL && EVP_DigestInit_ex2(ctx, sm3, NULL) == 1;
  for (int i = 0; ok && i < count; i++) ok = EVP_DigestUpdate(ctx, parts[i], lengths[i]) == 1;
  unsigned int length = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out, &length) == 1 && length == 32;
  EVP_MD_CTX_free(ctx);
  return ok;
}

/* Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA); ENTL is the ID's length in bits, two bytes. */
static bool compute_z(unsigned char z[32], const unsigned char point[64], const unsigned char *id, size_t id_length) {
  unsigned char entl[2] = {(unsigned char)((id_length * 8) >> 8), (unsigned char)(id_length * 8)};
  const unsigned char *parts[] = {entl, id, CURVE_FOR_Z, point};
  const size_t lengths[] = {sizeof entl, id_length, sizeof CURVE_FOR_Z, 64};
  return digest(z, parts, lengths, 4);
}

/* e = SM3(Z ‖ M), with the key's cached Z when the ID is the default one. */
static bool compute_e(unsigned char e[32], const sm2_prepared_key *key, const unsigned char *message, size_t message_length,
                      const unsigned char *id, size_t id_length) {
  unsigned char z[32];
  const unsigned char *za = key->default_z;
  if (id_length != DEFAULT_ID_BYTES || memcmp(id, DEFAULT_ID, DEFAULT_ID_BYTES) != 0) {
    if (!compute_z(z, key->point, id, id_length)) return false;
    za = z;
  }
  const unsigned char *parts[] = {za, message};
  const size_t lengths[] = {32, message_length};
  return digest(e, parts, lengths, 2);
}

static bool read_coordinate(EVP_PKEY *pkey, const char *name, unsigned char out[32]) {
  BIGNUM *value = NULL;
  bool ok = EVP_PKEY_get_bn_param(pkey, name, &value) == 1 && BN_bn2binpad(value, out, 32) == 32;
  BN_clear_free(value);
  return ok;
}

bool sm2_prepare_key(sm2_prepared_key *key, EVP_PKEY *pkey, bool has_private) {
  memset(key, 0, sizeof *key);
  key->has_private = has_private;
  bool ok = read_coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_X, key->point) &&
            read_coordinate(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, key->point + 32) &&
            sm2_curve_public_load(&key->public_key, key->point) &&
            compute_z(key->default_z, key->point, (const unsigned char *)DEFAULT_ID, DEFAULT_ID_BYTES);
  if (ok && has_private) {
    unsigned char d[32];
    ok = read_coordinate(pkey, OSSL_PKEY_PARAM_PRIV_KEY, d) && sm2_curve_private_load(&key->private_key, d);
    OPENSSL_cleanse(d, sizeof d);
  }
  if (!ok) sm2_prepared_key_wipe(key);
  return ok;
}

void sm2_prepared_key_wipe(sm2_prepared_key *key) { OPENSSL_cleanse(key, sizeof *key); }

/* DER SEQUENCE { r INTEGER, s INTEGER }, written by OpenSSL. */
static bool encode_signature(const unsigned char r[32], const unsigned char s[32], unsigned char *out, size_t *length) {
  ECDSA_SIG *sig = ECDSA_SIG_new();
  BIGNUM *br = BN_bin2bn(r, 32, NULL), *bs = BN_bin2bn(s, 32, NULL);
  if (sig == NULL || br == NULL || bs == NULL || ECDSA_SIG_set0(sig, br, bs) != 1) {
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(sig);
    return false;
  }
  int needed = i2d_ECDSA_SIG(sig, NULL);
  bool ok = needed > 0 && (size_t)needed <= SM2_MAX_SIGNATURE_BYTES;
  if (ok) {
    unsigned char *cursor = out;
    ok = i2d_ECDSA_SIG(sig, &cursor) == needed;
    *length = (size_t)needed;
  }
  ECDSA_SIG_free(sig);
  return ok;
}

/* r and s of a DER signature, as OpenSSL reads it: only the exact DER it would write for them. */
static bool decode_signature(const unsigned char *der, size_t length, unsigned char r[32], unsigned char s[32]) {
  if (length == 0 || length > SM2_MAX_SIGNATURE_BYTES) return false;
  const unsigned char *cursor = der;
  ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &cursor, (long)length);
  if (sig == NULL) return false;
  unsigned char *again = NULL;
  int again_length = i2d_ECDSA_SIG(sig, &again);
  const BIGNUM *br = NULL, *bs = NULL;
  ECDSA_SIG_get0(sig, &br, &bs);
  /* A negative or over-long number is outside [1, n - 1]: sm2_curve_verify would refuse it anyway. */
  bool ok = again_length > 0 && (size_t)again_length == length && memcmp(again, der, length) == 0 &&
            !BN_is_negative(br) && !BN_is_negative(bs) && BN_bn2binpad(br, r, 32) == 32 && BN_bn2binpad(bs, s, 32) == 32;
  OPENSSL_free(again);
  ECDSA_SIG_free(sig);
  return ok;
}

bool sm2_signature_sign(const sm2_prepared_key *key, const unsigned char *message, size_t message_length,
                        const unsigned char *id, size_t id_length, unsigned char *signature, size_t *signature_length) {
  unsigned char e[32], k[32], r[32], s[32];
  if (!key->has_private || !compute_e(e, key, message, message_length, id, id_length)) return false;
  bool signed_ok = false;
  for (int draw = 0; draw < MAX_NONCE_DRAWS && !signed_ok; draw++) {
    if (RAND_priv_bytes(k, sizeof k) != 1) break;
    signed_ok = sm2_curve_sign(&key->private_key, e, k, r, s);
  }
  OPENSSL_cleanse(k, sizeof k);
  return signed_ok && encode_signature(r, s, signature, signature_length);
}

bool sm2_signature_verify(const sm2_prepared_key *key, const unsigned char *message, size_t message_length,
                          const unsigned char *signature, size_t signature_length, const unsigned char *id, size_t id_length) {
  unsigned char e[32], r[32], s[32];
  return decode_signature(signature, signature_length, r, s) && compute_e(e, key, message, message_length, id, id_length) &&
         sm2_curve_verify(&key->public_key, e, r, s);
}
