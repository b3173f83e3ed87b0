/*
 * sm2_signature: GB/T 32918.2 signatures over SM3(Z ‖ M), DER-encoded as OpenSSL 3 writes and reads
 * them, on the dedicated curve arithmetic of sm2_curve.c. OpenSSL still does what it does well:
 * SM3, the nonce generator (RAND_priv_bytes), DER, and reading keys.
 */
#ifndef CITYTRUST_SM2_SIGNATURE_H
#define CITYTRUST_SM2_SIGNATURE_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "sm2_curve.h"

/* The longest DER signature: SEQUENCE { INTEGER (33 bytes), INTEGER (33 bytes) } is 72 bytes. */
#define SM2_MAX_SIGNATURE_BYTES 80

/*
 * What signing and verifying need from one key, worked out once when the key is loaded: the public
 * point in the arithmetic's form and as bytes for Z, Z itself for the default user ID, and for a
 * private key d and (1 + d)^-1 mod n. Plain data: it can be copied into a job for another thread.
 * Holds the private scalar: wipe it with sm2_prepared_key_wipe before releasing it.
 */
typedef struct {
  sm2_curve_public public_key;
  unsigned char point[64];
  unsigned char default_z[32];
  bool has_private;
  sm2_curve_private private_key;
} sm2_prepared_key;

/* Builds the curve's table and fetches SM3, once per process. False when SM3 is unavailable. */
bool sm2_signature_init(void);

/* Prepares `pkey` (an SM2 key, already checked sound) for signing (has_private) or verifying. */
bool sm2_prepare_key(sm2_prepared_key *key, EVP_PKEY *pkey, bool has_private);

void sm2_prepared_key_wipe(sm2_prepared_key *key);

/* DER signature of `message` with user ID `id` into `signature` (SM2_MAX_SIGNATURE_BYTES). */
bool sm2_signature_sign(const sm2_prepared_key *key, const unsigned char *message, size_t message_length,
                        const unsigned char *id, size_t id_length, unsigned char *signature, size_t *signature_length);

/* Whether `signature` is a valid DER signature of `message` with user ID `id`; false for anything malformed. */
bool sm2_signature_verify(const sm2_prepared_key *key, const unsigned char *message, size_t message_length,
                          const unsigned char *signature, size_t signature_length, const unsigned char *id, size_t id_length);

#endif
