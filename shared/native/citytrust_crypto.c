/*
 * citytrust_crypto: SM2 (GB/T 32918) through the OpenSSL that Node itself contains.
 *
 * Node's crypto module can hold an SM2 key but cannot give OpenSSL the distinguishing identifier
 * that GB/T 32918 signatures hash into Z, so its SM2 signatures do not interoperate. This addon
 * reads keys, encrypts and decrypts through OpenSSL's EVP API; it signs and verifies with
 * sm2_signature.c, whose dedicated curve arithmetic is several times faster than the generic EC
 * code OpenSSL 3.0 uses for the SM2 curve (OpenSSL still hashes, draws nonces and encodes DER).
 * It links no libcrypto of its own: Node exports OpenSSL's symbols and the dynamic linker binds
 * this module to them.
 *
 * Rules kept throughout:
 *  - A key is parsed once into a handle (a JS object wrapping an EVP_PKEY, type-tagged so no other
 *    wrapped object can be mistaken for one); signing and verifying never re-parse it.
 *  - Nothing here aborts the process: every failure becomes a JS exception with a `code`.
 *  - OpenSSL's error queue is shared with Node's own crypto, so each call brackets its work with
 *    ERR_set_mark()/ERR_pop_to_mark() and leaves the queue as it found it.
 *
 * The TypeScript layer (src/crypto/native.ts) is the only caller; it validates and converts
 * arguments, and these checks are a second line of defence.
 */
#include <node_api.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sm2_curve.h"
#include "sm2_signature.h"

/* GB/T 32918 hashes the identifier's length in bits into two bytes. */
#define MAX_ID_BYTES 8190 /* OpenSSL refuses ids of UINT16_MAX / 8 bytes or more: ENTL is 16 bits of *bits* */
#define COORDINATE_BYTES 32
#define MAX_SIGNATURE_BYTES SM2_MAX_SIGNATURE_BYTES

typedef struct {
  EVP_PKEY *pkey;
  bool has_private;
  /* What signing and verifying need, worked out once at import (holds the private scalar). */
  sm2_prepared_key prepared;
} sm2_key;

static const napi_type_tag SM2_KEY_TAG = {0x43697479547275ffULL, 0x534d324b65793031ULL};
static const unsigned char EMPTY[1] = {0};

/* ---- errors ------------------------------------------------------------------------------ */

/* Throws `what`, followed by OpenSSL's most recent reason when there is one. */
static void throw_openssl(napi_env env, const char *code, const char *what) {
  char detail[256] = "";
  unsigned long err = ERR_peek_last_error();
  if (err != 0) ERR_error_string_n(err, detail, sizeof detail);
  char message[512];
  if (detail[0] != '\0') {
    snprintf(message, sizeof message, "%s (OpenSSL: %s)", what, detail);
  } else {
    snprintf(message, sizeof message, "%s", what);
  }
  napi_throw_error(env, code, message);
}

/* A failed napi_* call has usually set a pending exception; make sure one is pending. */
static napi_value throw_napi_failure(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending) {
    napi_throw_error(env, "ERR_CITYTRUST_NAPI", "citytrust_crypto: a Node-API call failed");
  }
  return NULL;
}

/* ---- arguments --------------------------------------------------------------------------- */

static bool get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *argv) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    throw_napi_failure(env);
    return false;
  }
  if (argc < expected) {
    napi_throw_type_error(env, "ERR_CITYTRUST_ARGUMENT", "citytrust_crypto: too few arguments");
    return false;
  }
  return true;
}

static bool get_bytes(napi_env env, napi_value value, const char *name, const unsigned char **data, size_t *length) {
  bool is_buffer = false;
  void *raw = NULL;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer ||
      napi_get_buffer_info(env, value, &raw, length) != napi_ok) {
    char message[128];
    snprintf(message, sizeof message, "citytrust_crypto: %s must be a Buffer", name);
    napi_throw_type_error(env, "ERR_CITYTRUST_ARGUMENT", message);
    return false;
  }
  *data = raw != NULL ? raw : EMPTY;
  return true;
}

static bool get_id(napi_env env, napi_value value, const unsigned char **id, size_t *length) {
  if (!get_bytes(env, value, "the user id", id, length)) return false;
  if (*length > MAX_ID_BYTES) {
    napi_throw_range_error(env, "ERR_CITYTRUST_ARGUMENT", "citytrust_crypto: an SM2 user id has at most 8190 bytes");
    return false;
  }
  return true;
}

static sm2_key *get_key(napi_env env, napi_value value, bool need_private) {
  napi_valuetype type;
  bool tagged = false;
  sm2_key *key = NULL;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_object ||
      napi_check_object_type_tag(env, value, &SM2_KEY_TAG, &tagged) != napi_ok || !tagged ||
      napi_unwrap(env, value, (void **)&key) != napi_ok || key == NULL) {
    napi_throw_type_error(env, "ERR_CITYTRUST_ARGUMENT", "citytrust_crypto: expected an SM2 key handle");
    return NULL;
  }
  if (need_private && !key->has_private) {
    napi_throw_error(env, "ERR_CITYTRUST_NEEDS_PRIVATE_KEY", "this operation needs an SM2 private key, and a public key was given");
    return NULL;
  }
  return key;
}

/* ---- results ----------------------------------------------------------------------------- */

static napi_value new_buffer(napi_env env, const unsigned char *data, size_t length) {
  napi_value result;
  if (napi_create_buffer_copy(env, length, length > 0 ? data : EMPTY, NULL, &result) != napi_ok) {
    return throw_napi_failure(env);
  }
  return result;
}

/* Roughly what OpenSSL holds for one parsed SM2 key. Telling V8 about it lets the garbage
   collector see the pressure of many short-lived handles, which it would otherwise ignore. */
#define KEY_EXTERNAL_BYTES 1536

static void free_key(sm2_key *key) {
  EVP_PKEY_free(key->pkey);
  sm2_prepared_key_wipe(&key->prepared);
  free(key);
}

static void finalize_key(napi_env env, void *data, void *hint) {
  int64_t ignored;
  free_key(data);
  napi_adjust_external_memory(env, -KEY_EXTERNAL_BYTES, &ignored);
}

/* Wraps `pkey` in a new handle, taking ownership of it whether or not wrapping succeeds. */
static napi_value new_key_handle(napi_env env, EVP_PKEY *pkey, bool has_private) {
  napi_value handle;
  sm2_key *key = malloc(sizeof *key);
  if (key == NULL) {
    EVP_PKEY_free(pkey);
    napi_throw_error(env, "ERR_CITYTRUST_MEMORY", "citytrust_crypto: out of memory");
    return NULL;
  }
  key->pkey = pkey;
  key->has_private = has_private;
  if (!sm2_prepare_key(&key->prepared, pkey, has_private)) {
    free_key(key);
    throw_openssl(env, "ERR_CITYTRUST_BAD_KEY",
                  has_private ? "the SM2 private key cannot be used for signing (its scalar must lie in [1, n - 2])"
                              : "the SM2 public key cannot be used for verifying (its point is not on the curve)");
    return NULL;
  }
  if (napi_create_object(env, &handle) != napi_ok) {
    free_key(key);
    return throw_napi_failure(env);
  }
  if (napi_wrap(env, handle, key, finalize_key, NULL, NULL) != napi_ok) {
    free_key(key);
    return throw_napi_failure(env);
  }
  int64_t ignored;
  napi_adjust_external_memory(env, KEY_EXTERNAL_BYTES, &ignored);
  if (napi_type_tag_object(env, handle, &SM2_KEY_TAG) != napi_ok) return throw_napi_failure(env);
  return handle;
}

/* ---- key type ---------------------------------------------------------------------------- */

/* True for an SM2 key; otherwise throws a message naming what the key actually is. */
static bool ensure_sm2(napi_env env, EVP_PKEY *pkey) {
  if (EVP_PKEY_is_a(pkey, "SM2")) return true;
  char message[384];
  char group[64] = "";
  const char *fix = "SM2 keys use the curve 1.2.156.10197.1.301: create one with `citytrust crypto keygen` "
                    "or `openssl genpkey -algorithm SM2`";
  if (EVP_PKEY_is_a(pkey, "EC") &&
      EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, NULL)) {
    snprintf(message, sizeof message, "the key is an EC key on curve %s, not an SM2 key; %s", group, fix);
  } else {
    const char *name = EVP_PKEY_get0_type_name(pkey);
    snprintf(message, sizeof message, "the key is a%s %s key, not an SM2 key; %s",
             name != NULL && (name[0] == 'E' || name[0] == 'X') ? "n" : "", name != NULL ? name : "unknown", fix);
  }
  napi_throw_error(env, "ERR_CITYTRUST_NOT_SM2", message);
  return false;
}

/*
 * Whether an imported key is mathematically sound, as `openssl pkey -check` would say. Decoding
 * alone accepts a private scalar of 0, n or n-1 and a PKCS#8 whose public point belongs to another
 * key; with d = n-1, SM2 signing divides by 1+d = 0 and OpenSSL retries forever, hanging the
 * process on the first signature. So every key is checked once, at import.
 */
static bool key_is_sound(EVP_PKEY *pkey, bool private_key) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
  if (ctx == NULL) return false;
  int ok = private_key ? EVP_PKEY_check(ctx) : EVP_PKEY_public_check(ctx);
  EVP_PKEY_CTX_free(ctx);
  return ok == 1;
}

/* ---- key import and export --------------------------------------------------------------- */

/* Decodes exactly one DER structure (no trailing bytes) into a key, or returns NULL. */
static EVP_PKEY *decode_der(const unsigned char *der, size_t length, const char *structure, int selection) {
  EVP_PKEY *pkey = NULL;
  OSSL_DECODER_CTX *ctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", structure, NULL, selection, NULL, NULL);
  if (ctx == NULL) return NULL;
  const unsigned char *cursor = der;
  size_t left = length;
  int ok = OSSL_DECODER_from_data(ctx, &cursor, &left);
  OSSL_DECODER_CTX_free(ctx);
  if (ok && left == 0) return pkey;
  EVP_PKEY_free(pkey);
  return NULL;
}

static napi_value import_key(napi_env env, napi_callback_info info, bool private_key) {
  napi_value argv[1];
  const unsigned char *der;
  size_t length;
  if (!get_args(env, info, 1, argv) || !get_bytes(env, argv[0], "the key", &der, &length)) return NULL;
  ERR_set_mark();
  EVP_PKEY *pkey = private_key ? decode_der(der, length, "PrivateKeyInfo", EVP_PKEY_KEYPAIR)
                               : decode_der(der, length, "SubjectPublicKeyInfo", EVP_PKEY_PUBLIC_KEY);
  napi_value result = NULL;
  if (pkey == NULL) {
    throw_openssl(env, "ERR_CITYTRUST_BAD_KEY",
                  private_key ? "the bytes are not a DER PKCS#8 PrivateKeyInfo" : "the bytes are not a DER SubjectPublicKeyInfo");
  } else if (!ensure_sm2(env, pkey)) {
    EVP_PKEY_free(pkey);
  } else if (!key_is_sound(pkey, private_key)) {
    EVP_PKEY_free(pkey);
    throw_openssl(env, "ERR_CITYTRUST_BAD_KEY",
                  private_key ? "the SM2 private key is invalid (its scalar is out of range or its public point belongs to another key)"
                              : "the SM2 public key is invalid (its point is not on the curve or is the point at infinity)");
  } else {
    result = new_key_handle(env, pkey, private_key);
  }
  ERR_pop_to_mark();
  return result;
}

static napi_value import_private_key(napi_env env, napi_callback_info info) { return import_key(env, info, true); }
static napi_value import_public_key(napi_env env, napi_callback_info info) { return import_key(env, info, false); }

static napi_value generate_key(napi_env env, napi_callback_info info) {
  ERR_set_mark();
  EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
  napi_value result = NULL;
  if (pkey == NULL) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "SM2 key generation failed");
  } else {
    result = new_key_handle(env, pkey, true);
  }
  ERR_pop_to_mark();
  return result;
}

static napi_value encode_key(napi_env env, napi_callback_info info, bool private_key) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], private_key);
  if (key == NULL) return NULL;
  ERR_set_mark();
  unsigned char *der = NULL;
  size_t length = 0;
  OSSL_ENCODER_CTX *ctx = OSSL_ENCODER_CTX_new_for_pkey(
      key->pkey, private_key ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, "DER",
      private_key ? "PrivateKeyInfo" : "SubjectPublicKeyInfo", NULL);
  napi_value result = NULL;
  if (ctx == NULL || OSSL_ENCODER_CTX_get_num_encoders(ctx) == 0 || !OSSL_ENCODER_to_data(ctx, &der, &length)) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "the SM2 key could not be encoded");
  } else {
    result = new_buffer(env, der, length);
  }
  /* A private key's DER holds its scalar: wipe it before the memory goes back to the allocator. */
  OPENSSL_clear_free(der, length);
  OSSL_ENCODER_CTX_free(ctx);
  ERR_pop_to_mark();
  return result;
}

static napi_value export_private_key(napi_env env, napi_callback_info info) { return encode_key(env, info, true); }
static napi_value export_public_key(napi_env env, napi_callback_info info) { return encode_key(env, info, false); }

/* The public point uncompressed (04 || x || y), as GB/T 32918 hashes it into Z. */
static napi_value public_point(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], false);
  if (key == NULL) return NULL;
  ERR_set_mark();
  BIGNUM *x = NULL, *y = NULL;
  unsigned char point[1 + 2 * COORDINATE_BYTES];
  point[0] = 0x04;
  napi_value result = NULL;
  if (!EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) ||
      !EVP_PKEY_get_bn_param(key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) ||
      BN_bn2binpad(x, point + 1, COORDINATE_BYTES) < 0 ||
      BN_bn2binpad(y, point + 1 + COORDINATE_BYTES, COORDINATE_BYTES) < 0) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "the SM2 public point could not be read");
  } else {
    result = new_buffer(env, point, sizeof point);
  }
  BN_free(x);
  BN_free(y);
  ERR_pop_to_mark();
  return result;
}

/* ---- signatures -------------------------------------------------------------------------- */

/*
 * Prepares `md` for EVP_DigestSign/EVP_DigestVerify with SM3 and the distinguishing identifier,
 * so OpenSSL computes e = SM3(Z || M) with Z over that identifier (GB/T 32918.2 §6.1).
 * The caller frees *pctx after `md`: EVP_MD_CTX_set_pkey_ctx does not take ownership.
 */
static bool init_digest(EVP_MD_CTX *md, EVP_PKEY_CTX **pctx, EVP_PKEY *pkey, const unsigned char *id, size_t id_length,
                        bool for_signing) {
  *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
  if (*pctx == NULL || EVP_PKEY_CTX_set1_id(*pctx, id, (int)id_length) <= 0) return false;
  EVP_MD_CTX_set_pkey_ctx(md, *pctx);
  return for_signing ? EVP_DigestSignInit(md, NULL, EVP_sm3(), NULL, pkey) == 1
                     : EVP_DigestVerifyInit(md, NULL, EVP_sm3(), NULL, pkey) == 1;
}

/*
 * OpenSSL's own SM2 signing and verification (EVP_DigestSign/EVP_DigestVerify), kept beside the
 * fast path as the reference the differential tests hold it to (src/crypto/sm2-differential.test.ts):
 * signatures made by one must verify with the other, and both must refuse the same bad ones.
 * Nothing but those tests calls them.
 */

/* referenceSign(handle, message, id) -> DER SEQUENCE { r INTEGER, s INTEGER }, by OpenSSL. */
static napi_value reference_sign(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  const unsigned char *message, *id;
  size_t message_length, id_length;
  if (!get_args(env, info, 3, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], true);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_id(env, argv[2], &id, &id_length)) {
    return NULL;
  }
  ERR_set_mark();
  unsigned char signature[MAX_SIGNATURE_BYTES];
  size_t signature_length = sizeof signature;
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  napi_value result = NULL;
  if (md == NULL || !init_digest(md, &pctx, key->pkey, id, id_length, true) ||
      EVP_DigestSign(md, signature, &signature_length, message, message_length) != 1) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "SM2 signing failed");
  } else {
    result = new_buffer(env, signature, signature_length);
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_CTX_free(pctx);
  ERR_pop_to_mark();
  return result;
}

/* referenceVerify(handle, message, signature, id) -> boolean, by OpenSSL; a malformed signature is false. */
static napi_value reference_verify(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const unsigned char *message, *signature, *id;
  size_t message_length, signature_length, id_length;
  if (!get_args(env, info, 4, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], false);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_bytes(env, argv[2], "the signature", &signature, &signature_length) ||
      !get_id(env, argv[3], &id, &id_length)) {
    return NULL;
  }
  ERR_set_mark();
  EVP_PKEY_CTX *pctx = NULL;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  napi_value result = NULL;
  if (md == NULL || !init_digest(md, &pctx, key->pkey, id, id_length, false)) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "SM2 verification could not start");
  } else {
    int verdict = EVP_DigestVerify(md, signature, signature_length, message, message_length);
    if (napi_get_boolean(env, verdict == 1, &result) != napi_ok) result = throw_napi_failure(env);
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_CTX_free(pctx);
  ERR_pop_to_mark();
  return result;
}

/* sign(handle, message, id) -> DER SEQUENCE { r INTEGER, s INTEGER } */
static napi_value sm2_sign(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  const unsigned char *message, *id;
  size_t message_length, id_length;
  if (!get_args(env, info, 3, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], true);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_id(env, argv[2], &id, &id_length)) {
    return NULL;
  }
  ERR_set_mark();
  unsigned char signature[MAX_SIGNATURE_BYTES];
  size_t signature_length = 0;
  napi_value result = NULL;
  if (!sm2_signature_sign(&key->prepared, message, message_length, id, id_length, signature, &signature_length)) {
    throw_openssl(env, "ERR_CITYTRUST_CRYPTO", "SM2 signing failed");
  } else {
    result = new_buffer(env, signature, signature_length);
  }
  ERR_pop_to_mark();
  return result;
}

/* verify(handle, message, signature, id) -> boolean; a malformed signature is simply false. */
static napi_value sm2_verify(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const unsigned char *message, *signature, *id;
  size_t message_length, signature_length, id_length;
  if (!get_args(env, info, 4, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], false);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_bytes(env, argv[2], "the signature", &signature, &signature_length) ||
      !get_id(env, argv[3], &id, &id_length)) {
    return NULL;
  }
  ERR_set_mark();
  bool verdict = sm2_signature_verify(&key->prepared, message, message_length, signature, signature_length, id, id_length);
  ERR_pop_to_mark();
  napi_value result;
  if (napi_get_boolean(env, verdict, &result) != napi_ok) return throw_napi_failure(env);
  return result;
}

/* multiplyBase(k: 32 bytes) -> 04 || x || y of k·G, by the constant-time path signing uses; for the
   tests that hold it to OpenSSL's. Throws unless 1 <= k <= n - 1. */
static napi_value multiply_base(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  const unsigned char *k;
  size_t k_length;
  if (!get_args(env, info, 1, argv) || !get_bytes(env, argv[0], "the scalar", &k, &k_length)) return NULL;
  unsigned char point[1 + 2 * COORDINATE_BYTES];
  point[0] = 0x04;
  if (k_length != 32 || !sm2_curve_multiply_base(k, point + 1)) {
    napi_throw_range_error(env, "ERR_CITYTRUST_ARGUMENT", "citytrust_crypto: the scalar must be 32 bytes in [1, n - 1]");
    return NULL;
  }
  return new_buffer(env, point, sizeof point);
}

/* ---- signing and verifying off the JavaScript thread --------------------------------------- */

/*
 * One signature made or checked on libuv's thread pool, so that a busy event loop (a gateway
 * sealing records, a chaincode checking seals) can keep serving while the signature is computed.
 * The job owns copies of its inputs and of the prepared key, so nothing it reads can change or be
 * collected meanwhile.
 */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  sm2_prepared_key key;
  bool signing;
  unsigned char *message;
  size_t message_length;
  unsigned char *id;
  size_t id_length;
  unsigned char signature[MAX_SIGNATURE_BYTES];
  size_t signature_length;
  bool failed;
  bool verdict;
} sm2_job;

static unsigned char *copy_bytes(const unsigned char *data, size_t length) {
  unsigned char *copy = malloc(length > 0 ? length : 1);
  if (copy != NULL && length > 0) memcpy(copy, data, length);
  return copy;
}

static void free_job(sm2_job *job) {
  sm2_prepared_key_wipe(&job->key);
  free(job->message);
  free(job->id);
  free(job);
}

static void run_job(napi_env env, void *data) {
  (void)env;
  sm2_job *job = data;
  ERR_set_mark();
  if (job->signing) {
    job->failed = !sm2_signature_sign(&job->key, job->message, job->message_length, job->id, job->id_length,
                                      job->signature, &job->signature_length);
  } else {
    job->verdict = sm2_signature_verify(&job->key, job->message, job->message_length, job->signature,
                                        job->signature_length, job->id, job->id_length);
  }
  ERR_pop_to_mark();
}

static void settle_job(napi_env env, napi_status status, void *data) {
  sm2_job *job = data;
  napi_value result = NULL, error = NULL, code = NULL, message = NULL;
  if (status != napi_ok || job->failed) {
    const char *text = job->signing ? "SM2 signing failed" : "SM2 verification could not start";
    if (napi_create_string_utf8(env, "ERR_CITYTRUST_CRYPTO", NAPI_AUTO_LENGTH, &code) == napi_ok &&
        napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message) == napi_ok &&
        napi_create_error(env, code, message, &error) == napi_ok) {
      napi_reject_deferred(env, job->deferred, error);
    }
  } else if (job->signing) {
    if (napi_create_buffer_copy(env, job->signature_length, job->signature, NULL, &result) == napi_ok) napi_resolve_deferred(env, job->deferred, result);
  } else if (napi_get_boolean(env, job->verdict, &result) == napi_ok) {
    napi_resolve_deferred(env, job->deferred, result);
  }
  napi_delete_async_work(env, job->work);
  free_job(job);
}

/* Queues `job` (inputs already copied) and returns its promise; frees it if it cannot be queued. */
static napi_value queue_job(napi_env env, sm2_job *job, const sm2_key *key) {
  napi_value promise, name;
  job->key = key->prepared;
  if (job->message == NULL || job->id == NULL) {
    free_job(job);
    napi_throw_error(env, "ERR_CITYTRUST_MEMORY", "citytrust_crypto: out of memory");
    return NULL;
  }
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, job->signing ? "citytrust.sm2.sign" : "citytrust.sm2.verify", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, run_job, settle_job, job, &job->work) != napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    free_job(job);
    return throw_napi_failure(env);
  }
  return promise;
}

/* A job for `key`'s signing or verifying of `message` with `id`; NULL (and a thrown error) when out of memory. */
static sm2_job *new_job(napi_env env, bool signing, const unsigned char *message, size_t message_length,
                        const unsigned char *id, size_t id_length) {
  sm2_job *job = calloc(1, sizeof *job);
  if (job == NULL) {
    napi_throw_error(env, "ERR_CITYTRUST_MEMORY", "citytrust_crypto: out of memory");
    return NULL;
  }
  job->signing = signing;
  job->message = copy_bytes(message, message_length);
  job->message_length = message_length;
  job->id = copy_bytes(id, id_length);
  job->id_length = id_length;
  return job;
}

/* signAsync(handle, message, id) -> Promise<DER signature> */
static napi_value sm2_sign_async(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  const unsigned char *message, *id;
  size_t message_length, id_length;
  if (!get_args(env, info, 3, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], true);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_id(env, argv[2], &id, &id_length)) {
    return NULL;
  }
  sm2_job *job = new_job(env, true, message, message_length, id, id_length);
  return job == NULL ? NULL : queue_job(env, job, key);
}

/* verifyAsync(handle, message, signature, id) -> Promise<boolean>; a malformed signature is false. */
static napi_value sm2_verify_async(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  const unsigned char *message, *signature, *id;
  size_t message_length, signature_length, id_length;
  if (!get_args(env, info, 4, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], false);
  if (key == NULL || !get_bytes(env, argv[1], "the message", &message, &message_length) ||
      !get_bytes(env, argv[2], "the signature", &signature, &signature_length) ||
      !get_id(env, argv[3], &id, &id_length)) {
    return NULL;
  }
  sm2_job *job = new_job(env, false, message, message_length, id, id_length);
  if (job == NULL) return NULL;
  /* One longer than any SM2 signature cannot verify: checking an empty one in its place answers
     false on the same path. */
  if (signature_length <= sizeof job->signature) {
    memcpy(job->signature, signature, signature_length);
    job->signature_length = signature_length;
  }
  return queue_job(env, job, key);
}

/* ---- public-key encryption (GB/T 32918.4, DER C1 || C3 || C2 as OpenSSL writes it) -------- */

static napi_value pkey_crypt(napi_env env, napi_callback_info info, bool encrypting) {
  napi_value argv[2];
  const unsigned char *input;
  size_t input_length;
  if (!get_args(env, info, 2, argv)) return NULL;
  sm2_key *key = get_key(env, argv[0], !encrypting);
  if (key == NULL || !get_bytes(env, argv[1], encrypting ? "the plaintext" : "the ciphertext", &input, &input_length)) {
    return NULL;
  }
  ERR_set_mark();
  unsigned char *output = NULL;
  size_t output_length = 0;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
  bool ok = ctx != NULL;
  if (encrypting) {
    ok = ok && EVP_PKEY_encrypt_init(ctx) == 1 && EVP_PKEY_encrypt(ctx, NULL, &output_length, input, input_length) == 1 &&
         (output = OPENSSL_malloc(output_length)) != NULL &&
         EVP_PKEY_encrypt(ctx, output, &output_length, input, input_length) == 1;
  } else {
    ok = ok && EVP_PKEY_decrypt_init(ctx) == 1 && EVP_PKEY_decrypt(ctx, NULL, &output_length, input, input_length) == 1 &&
         (output = OPENSSL_malloc(output_length > 0 ? output_length : 1)) != NULL &&
         EVP_PKEY_decrypt(ctx, output, &output_length, input, input_length) == 1;
  }
  napi_value result = NULL;
  if (!ok) {
    throw_openssl(env, encrypting ? "ERR_CITYTRUST_CRYPTO" : "ERR_CITYTRUST_DECRYPT",
                  encrypting ? "SM2 encryption failed"
                             : "the SM2 ciphertext could not be decrypted: it is not a DER SM2 ciphertext "
                               "(C1 || C3 || C2), it was altered, or it was encrypted for another key");
  } else {
    result = new_buffer(env, output, output_length);
  }
  OPENSSL_clear_free(output, output_length);
  EVP_PKEY_CTX_free(ctx);
  ERR_pop_to_mark();
  return result;
}

static napi_value sm2_encrypt(napi_env env, napi_callback_info info) { return pkey_crypt(env, info, true); }
static napi_value sm2_decrypt(napi_env env, napi_callback_info info) { return pkey_crypt(env, info, false); }

/* ---- module ------------------------------------------------------------------------------ */

NAPI_MODULE_INIT() {
  if (!sm2_signature_init()) {
    napi_throw_error(env, "ERR_CITYTRUST_CRYPTO", "citytrust_crypto: this OpenSSL offers no SM3, which SM2 signatures need");
    return NULL;
  }
  napi_property_descriptor functions[] = {
      {"generateKey", NULL, generate_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"importPrivateKey", NULL, import_private_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"importPublicKey", NULL, import_public_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exportPrivateKey", NULL, export_private_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exportPublicKey", NULL, export_public_key, NULL, NULL, NULL, napi_enumerable, NULL},
      {"publicPoint", NULL, public_point, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sign", NULL, sm2_sign, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verify", NULL, sm2_verify, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signAsync", NULL, sm2_sign_async, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verifyAsync", NULL, sm2_verify_async, NULL, NULL, NULL, napi_enumerable, NULL},
      {"referenceSign", NULL, reference_sign, NULL, NULL, NULL, napi_enumerable, NULL},
      {"referenceVerify", NULL, reference_verify, NULL, NULL, NULL, napi_enumerable, NULL},
      {"multiplyBase", NULL, multiply_base, NULL, NULL, NULL, napi_enumerable, NULL},
      {"encrypt", NULL, sm2_encrypt, NULL, NULL, NULL, napi_enumerable, NULL},
      {"decrypt", NULL, sm2_decrypt, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions) != napi_ok) {
    return throw_napi_failure(env);
  }
  return exports;
}
