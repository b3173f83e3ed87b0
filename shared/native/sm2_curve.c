/*
 * sm2_curve: the SM2 curve's arithmetic (see sm2_curve.h for what it offers and why it exists).
 *
 * Numbers are four 64-bit limbs, least significant first, multiplied through unsigned __int128.
 * Both moduli (the field prime p and the group order n) use Montgomery multiplication; for p the
 * Montgomery constant -p^-1 mod 2^64 is 1, since p ends in 64 one bits. The moduli are compile-time
 * constants so that the compiler can fold them into the multiplication: as run-time values they
 * made it more than twice as slow.
 *
 * Points are projective (X : Y : Z) with x = X/Z, y = Y/Z, the point at infinity (0 : 1 : 0), and
 * are added and doubled with the complete formulas of Renes, Costello and Batina ("Complete
 * addition formulas for prime order elliptic curves", 2016, algorithms 4 and 6, for a = -3): one
 * formula for every pair of points, infinity and equal points included, so the signing path needs
 * no case analysis that could branch on a secret.
 *
 * Secret-dependent work (signing: k·G, and the arithmetic mod n with d and k) is constant time:
 * no branch and no memory index depends on k or d; table entries are chosen by reading the whole
 * row under masks. Verification handles only public values and takes shortcuts freely: it works in
 * Jacobian coordinates (x = X/Z², y = Y/Z³), whose doubling costs 8 multiplications where the
 * complete formula costs 13, and handles the special cases of addition by branching.
 */
#include "sm2_curve.h"

#include <pthread.h>
#include <string.h>

typedef uint64_t limb;
typedef unsigned __int128 wide;

typedef struct {
  limb m[4];
  limb m0inv;     /* -m^-1 mod 2^64 */
  limb one[4];    /* 2^256 mod m: 1 in Montgomery form */
  limb r2[4];     /* 2^512 mod m: multiplying by it enters Montgomery form */
  limb minus2[4]; /* m - 2: the exponent that inverts (Fermat) */
} modulus;

typedef struct {
  limb x[4], y[4], z[4];
} point;

typedef struct {
  limb x[4], y[4];
} affine;

/* GB/T 32918.5 parameters, least significant limb first; b in Montgomery form (b·2^256 mod p). */
static const limb B_MONT[4] = {0x90D230632BC0DD42ULL, 0x71CF379AE9B537ABULL, 0x527981505EA51C3CULL, 0x240FE188BA20E2C8ULL};
static const limb GX_LIMBS[4] = {0x715A4589334C74C7ULL, 0x8FE30BBFF2660BE1ULL, 0x5F9904466A39C994ULL, 0x32C4AE2C1F198119ULL};
static const limb GY_LIMBS[4] = {0x02DF32E52139F0A0ULL, 0xD0A9877CC62A4740ULL, 0x59BDCEE36B692153ULL, 0xBC3736A2F4F6779CULL};
static const limb ONE_LIMBS[4] = {1, 0, 0, 0};

/*
 * The fixed-base table: G_TABLE[i][j - 1] = j·16^i·G in affine form, for the 64 nibbles of a
 * scalar and j = 1..15. k·G is then the sum of one entry per nibble: 64 additions, no doublings.
 * 60 KiB, built once when the module loads.
 */
#define WINDOWS 64
#define WINDOW_ENTRIES 15
static affine G_TABLE[WINDOWS][WINDOW_ENTRIES];

/* the field prime p, with its Montgomery constants (worked out with Python's integers). */
static const modulus P = {
    .m = {0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFF00000000ULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFEFFFFFFFFULL},
    .m0inv = 0x0000000000000001ULL,
    .one = {0x0000000000000001ULL, 0x00000000FFFFFFFFULL, 0x0000000000000000ULL, 0x0000000100000000ULL},
    .r2 = {0x0000000200000003ULL, 0x00000002FFFFFFFFULL, 0x0000000100000001ULL, 0x0000000400000002ULL},
    .minus2 = {0xFFFFFFFFFFFFFFFDULL, 0xFFFFFFFF00000000ULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFEFFFFFFFFULL},
};
/* the group order n, with its Montgomery constants (worked out with Python's integers). */
static const modulus N = {
    .m = {0x53BBF40939D54123ULL, 0x7203DF6B21C6052BULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFEFFFFFFFFULL},
    .m0inv = 0x327F9E8872350975ULL,
    .one = {0xAC440BF6C62ABEDDULL, 0x8DFC2094DE39FAD4ULL, 0x0000000000000000ULL, 0x0000000100000000ULL},
    .r2 = {0x901192AF7C114F20ULL, 0x3464504ADE6FA2FAULL, 0x620FC84C3AFFE0D4ULL, 0x1EB5E412A22B3D3BULL},
    .minus2 = {0x53BBF40939D54121ULL, 0x7203DF6B21C6052BULL, 0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFEFFFFFFFFULL},
};
static pthread_once_t initialised = PTHREAD_ONCE_INIT;

/* ---- constant-time helpers --------------------------------------------------------------- */

/* All ones when bit is 1, zero when it is 0. */
static inline limb mask_of(limb bit) { return (limb)0 - bit; }

/* 1 when a == b, else 0, without branching. */
static inline limb equal_bit(limb a, limb b) {
  limb x = a ^ b;
  return ((x | ((limb)0 - x)) >> 63) ^ 1;
}

static inline limb is_zero_bit(const limb a[4]) { return equal_bit(a[0] | a[1] | a[2] | a[3], 0); }

/* 1 when a < b (as 256-bit numbers), else 0, without branching. */
static inline limb less_bit(const limb a[4], const limb b[4]) {
  limb borrow = 0;
  for (int i = 0; i < 4; i++) borrow = (limb)(((wide)a[i] - b[i] - borrow) >> 64) & 1;
  return borrow;
}

static inline void copy4(limb r[4], const limb a[4]) { memcpy(r, a, 4 * sizeof(limb)); }

static void load_be(limb r[4], const unsigned char bytes[32]) {
  for (int i = 0; i < 4; i++) {
    limb v = 0;
    for (int j = 0; j < 8; j++) v = (v << 8) | bytes[(3 - i) * 8 + j];
    r[i] = v;
  }
}

static void store_be(unsigned char bytes[32], const limb a[4]) {
  for (int i = 0; i < 4; i++) {
    for (int j = 0; j < 8; j++) bytes[(3 - i) * 8 + j] = (unsigned char)(a[i] >> (56 - 8 * j));
  }
}

/* ---- arithmetic modulo m (p or n) -------------------------------------------------------- */

/* r = a + carry·2^256 reduced once by m: a - m unless that would go below zero. Needs a < 2m. */
static inline __attribute__((always_inline)) void reduce_once(limb r[4], const limb a[4], limb carry, const limb m[4]) {
  limb d[4], borrow = 0;
  for (int i = 0; i < 4; i++) {
    wide t = (wide)a[i] - m[i] - borrow;
    d[i] = (limb)t;
    borrow = (limb)(t >> 64) & 1;
  }
  limb keep = mask_of(borrow & (carry ^ 1));
  for (int i = 0; i < 4; i++) r[i] = (a[i] & keep) | (d[i] & ~keep);
}

static inline __attribute__((always_inline)) void mod_add(limb r[4], const limb a[4], const limb b[4], const modulus *M) {
  limb t[4], carry = 0;
  for (int i = 0; i < 4; i++) {
    wide s = (wide)a[i] + b[i] + carry;
    t[i] = (limb)s;
    carry = (limb)(s >> 64);
  }
  reduce_once(r, t, carry, M->m);
}

static inline __attribute__((always_inline)) void mod_sub(limb r[4], const limb a[4], const limb b[4], const modulus *M) {
  limb t[4], borrow = 0, carry = 0;
  for (int i = 0; i < 4; i++) {
    wide d = (wide)a[i] - b[i] - borrow;
    t[i] = (limb)d;
    borrow = (limb)(d >> 64) & 1;
  }
  limb add_back = mask_of(borrow);
  for (int i = 0; i < 4; i++) {
    wide s = (wide)t[i] + (M->m[i] & add_back) + carry;
    r[i] = (limb)s;
    carry = (limb)(s >> 64);
  }
}

/* r = a·b·2^-256 mod m (CIOS Montgomery multiplication); a, b < m. r may alias a or b. */
static inline __attribute__((always_inline)) void mont_mul(limb r[4], const limb a[4], const limb b[4], const modulus *M) {
  limb t[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 4; i++) {
    wide c = 0;
    for (int j = 0; j < 4; j++) {
      c += (wide)a[j] * b[i] + t[j];
      t[j] = (limb)c;
      c >>= 64;
    }
    c += t[4];
    t[4] = (limb)c;
    limb top = (limb)(c >> 64);
    limb q = t[0] * M->m0inv;
    c = ((wide)q * M->m[0] + t[0]) >> 64;
    for (int j = 1; j < 4; j++) {
      c += (wide)q * M->m[j] + t[j];
      t[j - 1] = (limb)c;
      c >>= 64;
    }
    c += t[4];
    t[3] = (limb)c;
    t[4] = top + (limb)(c >> 64);
  }
  reduce_once(r, t, t[4], M->m);
}

static inline void to_mont(limb r[4], const limb a[4], const modulus *M) { mont_mul(r, a, M->r2, M); }
static inline void from_mont(limb r[4], const limb a[4], const modulus *M) { mont_mul(r, a, ONE_LIMBS, M); }

/*
 * r = a^-1 (0 for 0), both in Montgomery form, as a^(m-2). Fixed 4-bit windows over the public
 * exponent: the operations and table indices depend on m only, never on a.
 */
static void mod_inverse(limb r[4], const limb a[4], const modulus *M) {
  limb powers[16][4], acc[4];
  copy4(powers[0], M->one);
  copy4(powers[1], a);
  for (int i = 2; i < 16; i++) mont_mul(powers[i], powers[i - 1], a, M);
  copy4(acc, M->one);
  for (int i = WINDOWS - 1; i >= 0; i--) {
    for (int j = 0; j < 4; j++) mont_mul(acc, acc, acc, M);
    mont_mul(acc, acc, powers[(M->minus2[i / 16] >> (4 * (i % 16))) & 15], M);
  }
  copy4(r, acc);
}

/* Field shorthands: everything in the field is in Montgomery form. Each is one function with p
   folded in (the generic helpers are forced inline into them); inlining fe_mul everywhere would
   only bloat the point formulas. */
static void fe_mul(limb r[4], const limb a[4], const limb b[4]) { mont_mul(r, a, b, &P); }
static void fe_add(limb r[4], const limb a[4], const limb b[4]) { mod_add(r, a, b, &P); }
static void fe_sub(limb r[4], const limb a[4], const limb b[4]) { mod_sub(r, a, b, &P); }
static inline void fe_triple(limb r[4], const limb a[4]) {
  limb t[4];
  fe_add(t, a, a);
  fe_add(r, t, a);
}

/* ---- points ------------------------------------------------------------------------------ */

static void point_infinity(point *r) {
  memset(r, 0, sizeof *r);
  copy4(r->y, P.one);
}

static void point_from_affine(point *r, const affine *a) {
  copy4(r->x, a->x);
  copy4(r->y, a->y);
  copy4(r->z, P.one);
}

/* r = a + b for any a, b (RCB algorithm 4, a = -3). r may alias a or b. */
static void point_add(point *r, const point *a, const point *b) {
  limb xx[4], yy[4], zz[4], xy[4], yz[4], xz[4], s[4], t[4], u[4], w[4], v[4], lo[4], hi[4];
  fe_mul(xx, a->x, b->x);
  fe_mul(yy, a->y, b->y);
  fe_mul(zz, a->z, b->z);
  fe_add(s, a->x, a->y), fe_add(t, b->x, b->y), fe_mul(xy, s, t), fe_add(s, xx, yy), fe_sub(xy, xy, s);
  fe_add(s, a->y, a->z), fe_add(t, b->y, b->z), fe_mul(yz, s, t), fe_add(s, yy, zz), fe_sub(yz, yz, s);
  fe_add(s, a->x, a->z), fe_add(t, b->x, b->z), fe_mul(xz, s, t), fe_add(s, xx, zz), fe_sub(xz, xz, s);
  fe_mul(s, B_MONT, zz), fe_sub(u, xz, s), fe_triple(u, u); /* u = 3(xz - b·zz) */
  fe_sub(lo, yy, u);                                         /* yy - u */
  fe_add(hi, yy, u);                                         /* yy + u */
  fe_triple(zz, zz);                                         /* 3zz */
  fe_mul(w, B_MONT, xz), fe_add(s, zz, xx), fe_sub(w, w, s), fe_triple(w, w); /* w = 3(b·xz - 3zz - xx) */
  fe_triple(v, xx), fe_sub(v, v, zz);                                         /* v = 3xx - 3zz */
  fe_mul(s, hi, xy), fe_mul(t, yz, w), fe_sub(r->x, s, t);
  fe_mul(s, lo, yz), fe_mul(t, xy, v), fe_add(r->z, s, t);
  fe_mul(s, hi, lo), fe_mul(t, v, w), fe_add(r->y, s, t);
}

/* r = 2a for any a (RCB algorithm 6, a = -3). r may alias a. */
static void point_double(point *r, const point *a) {
  limb xx[4], yy[4], zz[4], xy2[4], xz2[4], yz2[4], s[4], t[4], u[4], w[4], v[4], lo[4], hi[4];
  fe_mul(xx, a->x, a->x);
  fe_mul(yy, a->y, a->y);
  fe_mul(zz, a->z, a->z);
  fe_mul(xy2, a->x, a->y), fe_add(xy2, xy2, xy2);
  fe_mul(xz2, a->x, a->z), fe_add(xz2, xz2, xz2);
  fe_mul(yz2, a->y, a->z), fe_add(yz2, yz2, yz2);
  fe_mul(u, B_MONT, zz), fe_sub(u, u, xz2), fe_triple(u, u); /* u = 3(b·zz - 2xz) */
  fe_sub(lo, yy, u);
  fe_add(hi, yy, u);
  fe_triple(zz, zz);
  fe_mul(w, B_MONT, xz2), fe_add(s, zz, xx), fe_sub(w, w, s), fe_triple(w, w); /* w = 3(2b·xz - 3zz - xx) */
  fe_triple(v, xx), fe_sub(v, v, zz);
  fe_mul(s, hi, lo), fe_mul(t, v, w), fe_add(r->y, s, t);
  fe_mul(s, lo, xy2), fe_mul(t, w, yz2), fe_sub(r->x, s, t);
  fe_mul(s, yz2, yy), fe_add(s, s, s), fe_add(r->z, s, s);
}

/* x in normal (not Montgomery) form of a point that is not at infinity. */
static void point_x(limb x[4], const point *a) {
  limb inverse[4];
  mod_inverse(inverse, a->z, &P);
  fe_mul(x, a->x, inverse);
  from_mont(x, x, &P);
}

static inline unsigned nibble(const limb k[4], int i) { return (unsigned)(k[i / 16] >> (4 * (i % 16))) & 15; }

/* k·G in constant time: every row read in full, every addition done, digit 0 adding infinity. */
static void multiply_base_ct(point *r, const limb k[4]) {
  point acc, entry;
  point_infinity(&acc);
  for (int i = 0; i < WINDOWS; i++) {
    limb digit = nibble(k, i);
    memset(&entry, 0, sizeof entry);
    for (int j = 0; j < WINDOW_ENTRIES; j++) {
      limb take = mask_of(equal_bit(digit, (limb)j + 1));
      for (int l = 0; l < 4; l++) {
        entry.x[l] |= G_TABLE[i][j].x[l] & take;
        entry.y[l] |= G_TABLE[i][j].y[l] & take;
      }
    }
    limb present = mask_of(equal_bit(digit, 0) ^ 1);
    for (int l = 0; l < 4; l++) {
      entry.y[l] |= P.one[l] & ~present; /* (0 : 1 : 0) when the digit is 0 */
      entry.z[l] = P.one[l] & present;
    }
    point_add(&acc, &acc, &entry);
  }
  *r = acc;
}


/* Width-5 NAF of k: digits odd in [-15, 15] or 0, least significant first; returns the count. */
static int wnaf5(signed char digits[258], const limb k[4]) {
  limb v[5] = {k[0], k[1], k[2], k[3], 0};
  int count = 0;
  while ((v[0] | v[1] | v[2] | v[3] | v[4]) != 0) {
    int digit = 0;
    if (v[0] & 1) {
      digit = (int)(v[0] & 31);
      if (digit >= 16) digit -= 32;
      /* v -= digit, which leaves v divisible by 32; v >= digit when digit > 0 */
      if (digit > 0) {
        limb borrow = (limb)digit;
        for (int i = 0; i < 5 && borrow != 0; i++) {
          limb before = v[i];
          v[i] = before - borrow;
          borrow = before < borrow;
        }
      } else {
        limb carry = (limb)(-digit);
        for (int i = 0; i < 5 && carry != 0; i++) {
          v[i] += carry;
          carry = v[i] < carry;
        }
      }
    }
    digits[count++] = (signed char)digit;
    for (int i = 0; i < 4; i++) v[i] = (v[i] >> 1) | (v[i + 1] << 63);
    v[4] >>= 1;
  }
  return count;
}

/* ---- verification: Jacobian coordinates, variable time ---------------------------------- */

typedef struct {
  limb x[4], y[4], z[4]; /* x = X/Z², y = Y/Z³; Z = 0 is the point at infinity */
} jacobian;

/* r = 2a ("dbl-2001-b", a = -3): 3 multiplications and 5 squarings. r may alias a. */
static void jacobian_double(jacobian *r, const jacobian *a) {
  limb delta[4], gamma[4], beta4[4], alpha[4], t[4], u[4];
  if (is_zero_bit(a->z)) {
    *r = *a;
    return;
  }
  fe_mul(delta, a->z, a->z);
  fe_mul(gamma, a->y, a->y);
  fe_mul(beta4, a->x, gamma), fe_add(beta4, beta4, beta4), fe_add(beta4, beta4, beta4);
  fe_sub(t, a->x, delta), fe_add(u, a->x, delta), fe_mul(alpha, t, u), fe_triple(alpha, alpha);
  fe_add(t, a->y, a->z), fe_mul(t, t, t), fe_sub(t, t, gamma), fe_sub(r->z, t, delta); /* (Y + Z)² - Y² - Z² */
  fe_mul(t, alpha, alpha), fe_add(u, beta4, beta4), fe_sub(r->x, t, u);                 /* alpha² - 8beta */
  fe_sub(t, beta4, r->x), fe_mul(t, alpha, t);
  fe_mul(u, gamma, gamma), fe_add(u, u, u), fe_add(u, u, u), fe_add(u, u, u);
  fe_sub(r->y, t, u); /* alpha(4beta - X3) - 8gamma² */
}

/* r = a + (bx, by, 1), with by negated when `negate` ("madd-2007-bl" and its special cases). */
static void jacobian_add_affine(jacobian *r, const jacobian *a, const limb bx[4], const limb by_positive[4], bool negate) {
  static const limb zero[4] = {0, 0, 0, 0};
  limb by[4], z1z1[4], u2[4], s2[4], h[4], rr[4], hh[4], i4[4], j[4], v[4], t[4];
  if (negate) {
    fe_sub(by, zero, by_positive);
  } else {
    copy4(by, by_positive);
  }
  if (is_zero_bit(a->z)) {
    copy4(r->x, bx);
    copy4(r->y, by);
    copy4(r->z, P.one);
    return;
  }
  fe_mul(z1z1, a->z, a->z);
  fe_mul(u2, bx, z1z1);
  fe_mul(s2, by, a->z), fe_mul(s2, s2, z1z1);
  fe_sub(h, u2, a->x);
  fe_sub(rr, s2, a->y), fe_add(rr, rr, rr);
  if (is_zero_bit(h)) {
    if (is_zero_bit(rr)) {
      jacobian_double(r, a);
    } else {
      memset(r, 0, sizeof *r); /* a = -b */
    }
    return;
  }
  fe_mul(hh, h, h);
  fe_add(i4, hh, hh), fe_add(i4, i4, i4);
  fe_mul(j, h, i4);
  fe_mul(v, a->x, i4);
  limb x3[4], y3[4];
  fe_mul(x3, rr, rr), fe_sub(x3, x3, j), fe_sub(x3, x3, v), fe_sub(x3, x3, v); /* rr² - J - 2V */
  fe_sub(t, v, x3), fe_mul(y3, rr, t);
  fe_mul(t, a->y, j), fe_add(t, t, t), fe_sub(y3, y3, t); /* rr(V - X3) - 2Y1·J */
  fe_add(t, a->z, h), fe_mul(t, t, t), fe_sub(t, t, z1z1), fe_sub(r->z, t, hh); /* (Z1 + H)² - Z1Z1 - HH */
  copy4(r->x, x3);
  copy4(r->y, y3);
}

/*
 * s·G + t·P for public s and t. t·P = t_low·P + t_high·(2^128·P) by interleaved width-5 NAFs over
 * the key's precomputed odd multiples (about 128 doublings and 44 additions); s·G is then added
 * into the same sum from the fixed-base table (one addition per non-zero nibble, no doublings).
 */
static void multiply_verify(jacobian *r, const sm2_curve_public *key, const limb s[4], const limb t[4]) {
  const limb halves[2][4] = {{t[0], t[1], 0, 0}, {t[2], t[3], 0, 0}};
  signed char digits[2][258];
  int counts[2] = {wnaf5(digits[0], halves[0]), wnaf5(digits[1], halves[1])};
  int top = counts[0] > counts[1] ? counts[0] : counts[1];
  jacobian acc;
  memset(&acc, 0, sizeof acc);
  for (int i = top - 1; i >= 0; i--) {
    jacobian_double(&acc, &acc);
    for (int half = 0; half < 2; half++) {
      int digit = i < counts[half] ? digits[half][i] : 0;
      if (digit == 0) continue;
      int index = (digit > 0 ? digit : -digit) / 2;
      jacobian_add_affine(&acc, &acc, key->multiples[half][index][0], key->multiples[half][index][1], digit < 0);
    }
  }
  for (int i = 0; i < WINDOWS; i++) {
    unsigned digit = nibble(s, i);
    if (digit != 0) jacobian_add_affine(&acc, &acc, G_TABLE[i][digit - 1].x, G_TABLE[i][digit - 1].y, false);
  }
  *r = acc;
}

/* ---- the table ----------------------------------------------------------------------------- */

#define MAX_BATCH 16

/* Converts `count` (at most MAX_BATCH) projective points, none at infinity, to affine with a single inversion. */
static void batch_to_affine(affine *out, const point *in, int count) {
  limb prefix[MAX_BATCH + 1][4], inverse[4], z_inverse[4];
  copy4(prefix[0], P.one);
  for (int i = 0; i < count; i++) fe_mul(prefix[i + 1], prefix[i], in[i].z);
  mod_inverse(inverse, prefix[count], &P);
  for (int i = count - 1; i >= 0; i--) {
    fe_mul(z_inverse, inverse, prefix[i]);
    fe_mul(inverse, inverse, in[i].z);
    fe_mul(out[i].x, in[i].x, z_inverse);
    fe_mul(out[i].y, in[i].y, z_inverse);
  }
}

static void build(void) {
  point base, row[WINDOW_ENTRIES];
  to_mont(base.x, GX_LIMBS, &P);
  to_mont(base.y, GY_LIMBS, &P);
  copy4(base.z, P.one);
  for (int i = 0; i < WINDOWS; i++) {
    row[0] = base; /* 16^i·G */
    for (int j = 1; j < WINDOW_ENTRIES; j++) point_add(&row[j], &row[j - 1], &base);
    batch_to_affine(G_TABLE[i], row, WINDOW_ENTRIES);
    point_add(&base, &row[WINDOW_ENTRIES - 1], &base); /* 16·16^i·G */
  }
}

void sm2_curve_init(void) { pthread_once(&initialised, build); }

/* ---- keys and signatures ----------------------------------------------------------------- */

bool sm2_curve_public_load(sm2_curve_public *key, const unsigned char bytes[64]) {
  limb x[4], y[4], lhs[4], rhs[4], t[4];
  load_be(x, bytes);
  load_be(y, bytes + 32);
  if (!less_bit(x, P.m) || !less_bit(y, P.m)) return false;
  to_mont(key->x, x, &P);
  to_mont(key->y, y, &P);
  /* y² = x³ - 3x + b */
  fe_mul(lhs, key->y, key->y);
  fe_mul(rhs, key->x, key->x);
  fe_mul(rhs, rhs, key->x);
  fe_triple(t, key->x);
  fe_sub(rhs, rhs, t);
  fe_add(rhs, rhs, B_MONT);
  if (memcmp(lhs, rhs, sizeof lhs) != 0) return false;
  /* The odd multiples of P and of 2^128·P; P has prime order n, so none of them is at infinity. */
  point base, twice, odd[16];
  affine odd_affine[16];
  affine a;
  copy4(a.x, key->x);
  copy4(a.y, key->y);
  point_from_affine(&base, &a);
  for (int half = 0; half < 2; half++) {
    if (half == 1) {
      for (int i = 0; i < 128; i++) point_double(&base, &base);
    }
    odd[8 * half] = base;
    point_double(&twice, &base);
    for (int i = 1; i < 8; i++) point_add(&odd[8 * half + i], &odd[8 * half + i - 1], &twice);
  }
  batch_to_affine(odd_affine, odd, 16);
  for (int half = 0; half < 2; half++) {
    for (int i = 0; i < 8; i++) {
      copy4(key->multiples[half][i][0], odd_affine[8 * half + i].x);
      copy4(key->multiples[half][i][1], odd_affine[8 * half + i].y);
    }
  }
  return true;
}

bool sm2_curve_private_load(sm2_curve_private *key, const unsigned char bytes[32]) {
  limb d[4], n_minus_1[4], one_plus_d[4];
  load_be(d, bytes);
  mod_sub(n_minus_1, N.m, ONE_LIMBS, &N); /* n - 1, computed: N.m itself is not below n */
  limb valid = (is_zero_bit(d) ^ 1) & less_bit(d, n_minus_1);
  if (!valid) return false;
  to_mont(key->d, d, &N);
  mod_add(one_plus_d, d, ONE_LIMBS, &N);
  to_mont(one_plus_d, one_plus_d, &N);
  mod_inverse(key->inverse_one_plus_d, one_plus_d, &N);
  memset(d, 0, sizeof d);
  memset(one_plus_d, 0, sizeof one_plus_d);
  return true;
}

/* 1 when 1 <= k <= n - 1. */
static limb scalar_in_range(const limb k[4]) { return (is_zero_bit(k) ^ 1) & less_bit(k, N.m); }

bool sm2_curve_sign(const sm2_curve_private *key, const unsigned char e_bytes[32], const unsigned char k_bytes[32],
                    unsigned char r_bytes[32], unsigned char s_bytes[32]) {
  limb k[4], e[4], x1[4], r[4], t[4], s[4];
  point kg;
  bool ok = false;
  load_be(k, k_bytes);
  if (scalar_in_range(k)) {
    multiply_base_ct(&kg, k);
    point_x(x1, &kg);
    reduce_once(x1, x1, 0, N.m); /* x1 < p < 2n */
    load_be(e, e_bytes);
    reduce_once(e, e, 0, N.m); /* e < 2^256 < 2n */
    mod_add(r, e, x1, &N);
    mod_add(t, r, k, &N); /* zero exactly when r + k = n */
    if (!is_zero_bit(r) && !is_zero_bit(t)) {
      mont_mul(t, r, key->d, &N); /* r·d */
      mod_sub(t, k, t, &N);
      mont_mul(s, key->inverse_one_plus_d, t, &N); /* (1 + d)^-1 · (k - r·d) */
      if (!is_zero_bit(s)) {
        store_be(r_bytes, r);
        store_be(s_bytes, s);
        ok = true;
      }
    }
  }
  memset(k, 0, sizeof k);
  memset(t, 0, sizeof t);
  memset(&kg, 0, sizeof kg);
  return ok;
}

bool sm2_curve_verify(const sm2_curve_public *key, const unsigned char e_bytes[32], const unsigned char r_bytes[32],
                      const unsigned char s_bytes[32]) {
  limb r[4], s[4], t[4], e[4], x1[4], expected[4];
  load_be(r, r_bytes);
  load_be(s, s_bytes);
  if (!scalar_in_range(r) || !scalar_in_range(s)) return false; /* B1, B2 */
  mod_add(t, r, s, &N);                                           /* B5 */
  if (is_zero_bit(t)) return false;
  jacobian sum;
  multiply_verify(&sum, key, s, t); /* B6 */
  if (is_zero_bit(sum.z)) return false; /* the point at infinity has no x1: OpenSSL fails there too */
  limb z_inverse[4];
  mod_inverse(z_inverse, sum.z, &P);
  fe_mul(z_inverse, z_inverse, z_inverse);
  fe_mul(x1, sum.x, z_inverse);
  from_mont(x1, x1, &P);
  reduce_once(x1, x1, 0, N.m);
  load_be(e, e_bytes);
  reduce_once(e, e, 0, N.m);
  mod_add(expected, e, x1, &N); /* B7 */
  return memcmp(expected, r, sizeof r) == 0;
}

bool sm2_curve_multiply_base(const unsigned char k_bytes[32], unsigned char bytes[64]) {
  limb k[4], inverse[4], x[4], y[4];
  point kg;
  load_be(k, k_bytes);
  if (!scalar_in_range(k)) return false;
  multiply_base_ct(&kg, k);
  mod_inverse(inverse, kg.z, &P);
  fe_mul(x, kg.x, inverse);
  fe_mul(y, kg.y, inverse);
  from_mont(x, x, &P);
  from_mont(y, y, &P);
  store_be(bytes, x);
  store_be(bytes + 32, y);
  return true;
}
