/*
 * sm2_curve: arithmetic on the SM2 recommended curve (GB/T 32918.5), dedicated and fast.
 *
 * OpenSSL 3.0 serves this curve with its generic prime-field code (BIGNUMs, one allocation per
 * temporary); the arithmetic here is specialised to 256 bits and does the same work several times
 * faster. It knows nothing of hashing, encodings or randomness: sm2_signature.c puts those around
 * it, with OpenSSL doing what OpenSSL does well.
 *
 * Byte strings are big-endian, 32 bytes per number, as GB/T 32918 writes them.
 */
#ifndef CITYTRUST_SM2_CURVE_H
#define CITYTRUST_SM2_CURVE_H

#include <stdbool.h>
#include <stdint.h>

/* A public key P, ready for verification: its point in the form the arithmetic uses, and the odd
   multiples 1, 3, ..., 15 of P and of 2^128·P (affine x, y), which halve the doublings of t·P. */
typedef struct {
  uint64_t x[4], y[4];
  uint64_t multiples[2][8][2][4];
} sm2_curve_public;

/* A private key, ready for signing: d and (1 + d)^-1 mod n, in the form the arithmetic uses.
   Secret: wipe it (OPENSSL_cleanse) before its memory is released. */
typedef struct {
  uint64_t d[4], inverse_one_plus_d[4];
} sm2_curve_private;

/* Builds the fixed-base table for G. Idempotent and thread-safe; call before anything below. */
void sm2_curve_init(void);

/* Loads a public point (x ‖ y, 64 bytes). False when it is not a point of the curve. */
bool sm2_curve_public_load(sm2_curve_public *key, const unsigned char point[64]);

/* Loads a private scalar. False unless 1 <= d <= n - 2 (n - 1 would make 1 + d zero). Constant time. */
bool sm2_curve_private_load(sm2_curve_private *key, const unsigned char d[32]);

/*
 * The signature (r, s) of digest e with nonce k (GB/T 32918.2 §6.1, steps A4 to A7), in constant
 * time with respect to k and d. False when k is outside [1, n - 1] or the standard says to draw
 * another k (r = 0, r + k = n, s = 0): the caller then signs again with a fresh k.
 */
bool sm2_curve_sign(const sm2_curve_private *key, const unsigned char e[32], const unsigned char k[32],
                    unsigned char r[32], unsigned char s[32]);

/*
 * Whether (r, s) is a signature of digest e by `key` (GB/T 32918.2 §7.1, steps B1, B2, B5 to B7),
 * with exactly OpenSSL's checks: r and s in [1, n - 1], t = r + s mod n not 0, s·G + t·P not the
 * point at infinity, and r = e + x1 mod n. Variable time: every input is public.
 */
bool sm2_curve_verify(const sm2_curve_public *key, const unsigned char e[32], const unsigned char r[32],
                      const unsigned char s[32]);

/* k·G as x ‖ y, by the same constant-time path signing uses; false (and nothing written) unless
   1 <= k <= n - 1. For the tests that compare it with OpenSSL. */
bool sm2_curve_multiply_base(const unsigned char k[32], unsigned char point[64]);

#endif
