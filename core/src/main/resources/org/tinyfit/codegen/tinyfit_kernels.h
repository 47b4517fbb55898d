/*
 * tinyfit int8 arithmetic, bit-exact with tinyfit's Java runtime and TensorFlow Lite Micro's
 * reference kernels (double rounding: a saturating rounding doubling high multiply, then a
 * rounding right shift). No heap, no floating point, no libc.
 */
#ifndef TINYFIT_KERNELS_H
#define TINYFIT_KERNELS_H

#include <stdint.h>
#include <string.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
/* A 32-bit load from any address (Cortex-M4/M7/M33 load unaligned words), allowed to alias int8/int16 data. */
typedef int32_t tf_word __attribute__((may_alias, aligned(1)));
#define TF_LOAD32(p) (*(const tf_word *)(const void *)(p))
/* The same for a 4-byte aligned address. */
typedef int32_t tf_aligned_word __attribute__((may_alias));
#define TF_LOAD32A(p) (*(const tf_aligned_word *)(const void *)(p))
#endif

#define TF_INLINE static inline __attribute__((always_inline))
/*
 * A kernel the generated nodes share: compiled once, never inlined into a caller nor specialised
 * for one caller's constant arguments, so that its machine code is the same in every image.
 */
#if defined(__clang__)
#define TF_SHARED static __attribute__((noinline, unused))
#define TF_SHARED_FAST TF_SHARED
#define TF_SHARED_COPY TF_SHARED
#else
#define TF_SHARED static __attribute__((noipa, unused))
/* A shared kernel compiled at -O2 whatever the project's flags: the convolution loops, where -Os spills
   the loop's values to the stack (a few hundred bytes more code, about 4% fewer instructions on person_detect) */
#define TF_SHARED_FAST static __attribute__((noipa, unused, optimize("O2")))
/* The same for a copy loop whose short runs of padding gcc would otherwise turn into memset calls */
#define TF_SHARED_COPY static __attribute__((noipa, unused, optimize("O2", "no-tree-loop-distribute-patterns")))
#endif

/* Two's-complement wrapping arithmetic, as Java's int (signed overflow is undefined in C). */
TF_INLINE int32_t tf_addw(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
TF_INLINE int32_t tf_subw(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
TF_INLINE int32_t tf_shlw(int32_t x, int s) { return (int32_t)((uint32_t)x << s); }

TF_INLINE int32_t tf_clamp(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : (x > hi ? hi : x); }

/*
 * round(a * b / 2^31) for b != INT32_MIN (a quantized multiplier): TFLite's nudge of 2^30, or 1 - 2^30
 * below zero, then a division truncating towards zero, is the same as adding 2^30 and rounding down.
 */
TF_INLINE int32_t tf_srdhm_q(int32_t a, int32_t b) {
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* round(a * b / 2^31), saturating the one overflow case (INT32_MIN * INT32_MIN). */
TF_INLINE int32_t tf_srdhm(int32_t a, int32_t b) {
    if (a == b && a == INT32_MIN) return INT32_MAX;
    return tf_srdhm_q(a, b);
}

/* x / 2^e rounded to nearest, ties away from zero; 0 <= e <= 31. */
TF_INLINE int32_t tf_rdbpot(int32_t x, int e) {
    int32_t mask = (int32_t)(((int64_t)1 << e) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (remainder > threshold ? 1 : 0);
}

/* x * real multiplier, where real = m * 2^(shift - 31) (m >= 0, as every quantized multiplier); shift > 0 is a left shift. */
TF_INLINE int32_t tf_mbqm(int32_t x, int32_t m, int shift) {
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    return tf_rdbpot(tf_srdhm_q(tf_shlw(x, left), m), right);
}

/* Requantizes an accumulator: scale, add the output zero point, clamp to the activation range. */
TF_INLINE int8_t tf_requant(int32_t acc, int32_t m, int shift, int32_t out_offset, int32_t act_min, int32_t act_max) {
    return (int8_t)tf_clamp(tf_mbqm(acc, m, shift) + out_offset, act_min, act_max);
}

/*
 * tf_requant with the multiplier's shift split beforehand (left = max(shift, 0), right = max(-shift, 0),
 * rnd = 2^right / 2 rounded down, neg = right ? -1 : 0): the rounding right shift as one add of rnd
 * (minus one below zero) and a shift. Equal to tf_requant whenever |acc * 2^left| < 2^30, which the
 * generator proves from the node's bias and filter size before it uses this (then the high multiply's
 * result h has |h| < 2^30 and h + rnd cannot overflow).
 */
TF_INLINE int8_t tf_requant_split(int32_t acc, int32_t m, int32_t left, int32_t right, int32_t rnd, int32_t neg,
                                  int32_t out_offset, int32_t act_min, int32_t act_max) {
#if defined(__ARM_FEATURE_DSP)
    /* SMMULR rounds (2 acc 2^left m + 2^31) / 2^32 down: tf_srdhm_q's value, as 2 acc 2^left fits in 32 bits */
    int32_t h;
    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(tf_shlw(acc, left + 1)), "r"(m));
#else
    int32_t h = tf_srdhm_q(tf_shlw(acc, left), m);
#endif
    return (int8_t)tf_clamp(((h + rnd + ((h >> 31) & neg)) >> right) + out_offset, act_min, act_max);
}

/* x * 2^e saturated (e > 0), or rounded x / 2^-e (e < 0). */
TF_INLINE int32_t tf_srmbpot(int32_t x, int e) {
    if (e == 0) return x;
    if (e < 0) return tf_rdbpot(x, -e);
    int32_t threshold = (int32_t)(((int64_t)1 << (31 - e)) - 1);
    if (x > threshold) return INT32_MAX;
    if (x < -threshold) return INT32_MIN;
    return tf_shlw(x, e);
}

/* acc + sum over i < n of w[i] * (x[i] + x_offset). */
TF_INLINE int32_t tf_dot(const int8_t *x, const int8_t *w, int32_t n, int32_t x_offset, int32_t acc) {
    int32_t i = 0;
#if defined(__ARM_FEATURE_DSP)
    int32_t off2 = (int32_t)(((uint32_t)(uint16_t)x_offset << 16) | (uint16_t)x_offset);
    for (; i + 4 <= n; i += 4) {
        uint32_t xv = (uint32_t)TF_LOAD32(x + i), wv = (uint32_t)TF_LOAD32(w + i);
        int32_t x02 = __sxtab16(off2, (int32_t)xv);
        int32_t x13 = __sxtab16(off2, (int32_t)((xv >> 8) | (xv << 24)));
        int32_t w02 = __sxtb16((int32_t)wv);
        int32_t w13 = __sxtb16((int32_t)((wv >> 8) | (wv << 24)));
        acc = __smlad(x02, w02, acc);
        acc = __smlad(x13, w13, acc);
    }
#endif
    for (; i < n; ++i) acc += (int32_t)w[i] * ((int32_t)x[i] + x_offset);
    return acc;
}

/* acc + sum over i < n of (w[i] + w_offset) * (x[i] + x_offset). */
TF_INLINE int32_t tf_dot2(const int8_t *x, const int8_t *w, int32_t n, int32_t x_offset, int32_t w_offset, int32_t acc) {
    if (w_offset == 0) return tf_dot(x, w, n, x_offset, acc);
    for (int32_t i = 0; i < n; ++i) acc += ((int32_t)w[i] + w_offset) * ((int32_t)x[i] + x_offset);
    return acc;
}

/* int8 ADD (sub = 0) or SUB (sub = 1): both inputs to a common scale after a left shift, then to the output. */
TF_INLINE int8_t tf_addsub_s8(int32_t x, int32_t y, int sub, int32_t off1, int32_t off2, int left_shift,
                              int32_t m1, int s1, int32_t m2, int s2, int32_t m_out, int s_out,
                              int32_t out_offset, int32_t act_min, int32_t act_max) {
    int32_t v1 = tf_rdbpot(tf_srdhm(tf_shlw(off1 + x, left_shift), m1), -s1);
    int32_t v2 = tf_rdbpot(tf_srdhm(tf_shlw(off2 + y, left_shift), m2), -s2);
    int32_t raw = sub ? tf_subw(v1, v2) : tf_addw(v1, v2);
    int32_t out = tf_rdbpot(tf_srdhm(raw, m_out), -s_out) + out_offset;
    return (int8_t)tf_clamp(out, act_min, act_max);
}

/* int8 MUL: the product of the two offset inputs (at most 255 x 255: no overflow), scaled to the output. */
TF_INLINE int8_t tf_mul_s8(int32_t x, int32_t y, int32_t off1, int32_t off2, int32_t m, int shift,
                           int32_t out_offset, int32_t act_min, int32_t act_max) {
    return (int8_t)tf_clamp(out_offset + tf_mbqm((off1 + x) * (off2 + y), m, shift), act_min, act_max);
}

#if defined(__ARM_FEATURE_DSP)
/* The two odd bytes of x sign-extended into halfwords: SXTB16 with its rotation, one instruction. */
TF_INLINE int32_t tf_sxtb16_ror8(int32_t x) {
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/* a + the two odd bytes of x sign-extended into halfwords: SXTAB16 with its rotation, one instruction. */
TF_INLINE int32_t tf_sxtab16_ror8(int32_t a, int32_t x) {
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}
#endif

/*
 * Two dot products over the same x: *acc0 + sum over i < n of w0[i] * (x[i] + x_offset), and *acc1
 * likewise with w1 (a fully connected layer computes its outputs two at a time). With the DSP
 * extension each word of x is loaded and widened once for both rows: per 4 inputs 3 loads, 6 sign
 * extensions, 4 SMLADs and the loop, written out because gcc -Os spills or re-derives the operands
 * of this loop inside a node's outer loops (1.95 instructions per MAC on a 640-input layer, where
 * one row at a time took 3.8).
 */
TF_INLINE void tf_dot_x2(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t x_offset, int32_t *acc0, int32_t *acc1) {
    int32_t a0 = *acc0, a1 = *acc1;
#if defined(__ARM_FEATURE_DSP)
    int32_t k = n >> 2;
    if (k > 0) {
        int32_t off2 = (int32_t)(((uint32_t)(uint16_t)x_offset << 16) | (uint16_t)x_offset);
        int32_t xv, x13, v, s;
        __asm__ volatile(
            "1:\n\t"
            "ldr %[xv], [%[x]], #4\n\t"
            "ldr %[v], [%[w0]], #4\n\t"
            "sxtab16 %[x13], %[off2], %[xv], ror #8\n\t"
            "sxtab16 %[xv], %[off2], %[xv]\n\t"
            "sxtb16 %[s], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad %[a0], %[xv], %[s], %[a0]\n\t"
            "smlad %[a0], %[x13], %[v], %[a0]\n\t"
            "ldr %[v], [%[w1]], #4\n\t"
            "sxtb16 %[s], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad %[a1], %[xv], %[s], %[a1]\n\t"
            "smlad %[a1], %[x13], %[v], %[a1]\n\t"
            "subs %[k], %[k], #1\n\t"
            "bne 1b"
            : [a0] "+r"(a0), [a1] "+r"(a1), [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [k] "+r"(k),
              [xv] "=&r"(xv), [x13] "=&r"(x13), [v] "=&r"(v), [s] "=&r"(s)
            : [off2] "r"(off2)
            : "cc", "memory");
    }
    n &= 3;
#endif
    for (int32_t i = 0; i < n; ++i) {
        int32_t xi = (int32_t)x[i] + x_offset;
        a0 += (int32_t)w0[i] * xi;
        a1 += (int32_t)w1[i] * xi;
    }
    *acc0 = a0;
    *acc1 = a1;
}

/*
 * The im2col column of two output pixels, interleaved: each receptive field is cut into groups of 4
 * values, and group g of pixel s (0 or 1) is stored at c + 8 g + 4 s as v0 v2 v1 v3 (int16, input
 * offset added, taps in the padding 0). A sign extension of a filter word w0 w1 w2 w3 then gives the
 * pairs (w0, w2) and (w1, w3) that line up with the column's two words of a group.
 */
#define TF_COL_SLOT(i) ((((i) >> 2) << 3) + ((i) & 1 ? 2 : 0) + (((i) >> 1) & 1))

/* Values x[0 .. len) plus x_offset into the column at c (a pixel's slot), the last group padded with 0. */
TF_INLINE void tf_gather(int16_t *c, const int8_t *x, int32_t len, int32_t x_offset) {
    int32_t i = 0;
#if defined(__ARM_FEATURE_DSP)
    int32_t off2 = (int32_t)(((uint32_t)(uint16_t)x_offset << 16) | (uint16_t)x_offset);
    for (; i + 4 <= len; i += 4, c += 8) {
        uint32_t v = (uint32_t)TF_LOAD32(x + i);
        *(tf_aligned_word *)(void *)c = __sxtab16(off2, (int32_t)v);
        *(tf_aligned_word *)(void *)(c + 2) = __sxtab16(off2, (int32_t)((v >> 8) | (v << 24)));
    }
#else
    for (; i + 4 <= len; i += 4, c += 8) {
        c[0] = (int16_t)(x[i] + x_offset);
        c[1] = (int16_t)(x[i + 2] + x_offset);
        c[2] = (int16_t)(x[i + 1] + x_offset);
        c[3] = (int16_t)(x[i + 3] + x_offset);
    }
#endif
    if (i < len) {
        /* TF_COL_SLOT(j) for j = 0 .. 3 is 0, 2, 1, 3 */
        const int32_t r = len - i;
        c[0] = (int16_t)(x[i] + x_offset);
        c[2] = (int16_t)(r > 1 ? x[i + 1] + x_offset : 0);
        c[1] = (int16_t)(r > 2 ? x[i + 2] + x_offset : 0);
        c[3] = 0;
    }
}

#if defined(__ARM_FEATURE_DSP)
/*
 * The SMLAD loop of tf_conv_2x2 and tf_conv_2x2_r: k groups of the column c (two pixels) times the
 * interleaved filter words at w (two channels) into the accumulators a00 a01 a10 a11, with p0a p0b
 * p1a p1b v s as its scratch registers. Per group: 3 loads (the column words of both pixels, then each
 * channel's filter word), 4 sign extensions, 8 SMLADs; written out because gcc -Os spills this loop's
 * 13 registers.
 */
#define TF_SMLAD_2X2_LOOP() \
    __asm__ volatile( \
        "1:\n\t" \
        "ldrd %[p0a], %[p0b], [%[c]], #8\n\t" \
        "ldrd %[p1a], %[p1b], [%[c]], #8\n\t" \
        "ldr %[v], [%[w]], #4\n\t" \
        "sxtb16 %[s], %[v]\n\t" \
        "sxtb16 %[v], %[v], ror #8\n\t" \
        "smlad %[a00], %[p0a], %[s], %[a00]\n\t" \
        "smlad %[a10], %[p1a], %[s], %[a10]\n\t" \
        "smlad %[a00], %[p0b], %[v], %[a00]\n\t" \
        "smlad %[a10], %[p1b], %[v], %[a10]\n\t" \
        "ldr %[v], [%[w]], #4\n\t" \
        "sxtb16 %[s], %[v]\n\t" \
        "sxtb16 %[v], %[v], ror #8\n\t" \
        "smlad %[a01], %[p0a], %[s], %[a01]\n\t" \
        "smlad %[a11], %[p1a], %[s], %[a11]\n\t" \
        "smlad %[a01], %[p0b], %[v], %[a01]\n\t" \
        "smlad %[a11], %[p1b], %[v], %[a11]\n\t" \
        "subs %[k], %[k], #1\n\t" \
        "bne 1b" \
        : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [c] "+r"(c), [w] "+r"(w), [k] "+r"(k), \
          [p0a] "=&r"(p0a), [p0b] "=&r"(p0b), [p1a] "=&r"(p1a), [p1b] "=&r"(p1b), [v] "=&r"(v), [s] "=&r"(s) \
        : \
        : "cc", "memory")
#endif

/*
 * Two output pixels (the interleaved column col of `groups` groups) times all `channels` output
 * channels, two at a time: w holds the filter rows of each channel pair interleaved by group (the 4
 * weights of channel oc, then the 4 of oc + 1; a zero row pads an odd count), so every column and
 * filter word loaded feeds two SMLADs. Writes y0[oc] and y1[oc]; y1 may be y0 (then col's second
 * slot repeats the first pixel). Not inlined: in a
 * function of its own the inner loop keeps its four accumulators and operands in registers.
 */
TF_SHARED_FAST void tf_conv_2x2(const int16_t *col, int32_t groups, const int8_t *w, const int32_t *bias,
        const int32_t *mult, const int8_t *shift, int32_t channels, int8_t *y0, int8_t *y1,
        int32_t out_offset, int32_t act_min, int32_t act_max, int32_t split) {
    for (int32_t oc = 0; oc < channels; oc += 2) {
        const int32_t two = oc + 1 < channels;
        int32_t a00 = bias ? bias[oc] : 0, a01 = bias && two ? bias[oc + 1] : 0;
        int32_t a10 = a00, a11 = a01;
        const int16_t *c = col;
        int32_t k = groups;
#if defined(__ARM_FEATURE_DSP)
        int32_t p0a, p0b, p1a, p1b, v, s;
        TF_SMLAD_2X2_LOOP();
#else
        do {
            a00 += c[0] * w[0] + c[1] * w[2] + c[2] * w[1] + c[3] * w[3];
            a10 += c[4] * w[0] + c[5] * w[2] + c[6] * w[1] + c[7] * w[3];
            a01 += c[0] * w[4] + c[1] * w[6] + c[2] * w[5] + c[3] * w[7];
            a11 += c[4] * w[4] + c[5] * w[6] + c[6] * w[5] + c[7] * w[7];
            c += 8;
            w += 8;
        } while (--k);
#endif
        if (split) {
            /* the accumulators' bound allows the split requantization (tf_conv_args.split); y1 first, as
               it may be y0 (an odd pixel count: both slots hold the last pixel) */
            int32_t sh = shift[oc], m = mult[oc];
            int32_t neg = sh >> 31, left = sh & ~neg, right = -sh & neg, rnd = (1 << right) >> 1;
#if defined(__ARM_FEATURE_DSP)
            if (act_min == -128 && act_max == 127 && two) {
                /* the full int8 range: the clamp is one SSAT (tf_requant_split otherwise the same) */
                const int32_t l1 = left + 1;
                int32_t h0, h1;
                __asm__("smmulr %0, %1, %2" : "=r"(h1) : "r"(tf_shlw(a10, l1)), "r"(m));
                __asm__("smmulr %0, %1, %2" : "=r"(h0) : "r"(tf_shlw(a00, l1)), "r"(m));
                y1[oc] = (int8_t)__ssat(((h1 + rnd + ((h1 >> 31) & neg)) >> right) + out_offset, 8);
                y0[oc] = (int8_t)__ssat(((h0 + rnd + ((h0 >> 31) & neg)) >> right) + out_offset, 8);
                sh = shift[oc + 1], m = mult[oc + 1];
                neg = sh >> 31, left = sh & ~neg, right = -sh & neg, rnd = (1 << right) >> 1;
                const int32_t l2 = left + 1;
                __asm__("smmulr %0, %1, %2" : "=r"(h1) : "r"(tf_shlw(a11, l2)), "r"(m));
                __asm__("smmulr %0, %1, %2" : "=r"(h0) : "r"(tf_shlw(a01, l2)), "r"(m));
                y1[oc + 1] = (int8_t)__ssat(((h1 + rnd + ((h1 >> 31) & neg)) >> right) + out_offset, 8);
                y0[oc + 1] = (int8_t)__ssat(((h0 + rnd + ((h0 >> 31) & neg)) >> right) + out_offset, 8);
                continue;
            }
#endif
            y1[oc] = tf_requant_split(a10, m, left, right, rnd, neg, out_offset, act_min, act_max);
            y0[oc] = tf_requant_split(a00, m, left, right, rnd, neg, out_offset, act_min, act_max);
            if (two) {
                sh = shift[oc + 1], m = mult[oc + 1];
                neg = sh >> 31, left = sh & ~neg, right = -sh & neg, rnd = (1 << right) >> 1;
                y1[oc + 1] = tf_requant_split(a11, m, left, right, rnd, neg, out_offset, act_min, act_max);
                y0[oc + 1] = tf_requant_split(a01, m, left, right, rnd, neg, out_offset, act_min, act_max);
            }
            continue;
        }
        if (y1 == y0) y1 = 0;
        y0[oc] = tf_requant(a00, mult[oc], shift[oc], out_offset, act_min, act_max);
        if (y1) y1[oc] = tf_requant(a10, mult[oc], shift[oc], out_offset, act_min, act_max);
        if (two) {
            y0[oc + 1] = tf_requant(a01, mult[oc + 1], shift[oc + 1], out_offset, act_min, act_max);
            if (y1) y1[oc + 1] = tf_requant(a11, mult[oc + 1], shift[oc + 1], out_offset, act_min, act_max);
        }
    }
}

#if defined(__ARM_FEATURE_DSP)
/*
 * tf_conv_2x2 for an even count of channels whose requantization tf_conv_col found the shortest
 * (split 2: right shifts of 1 .. 21, the full int8 range): the same sums, with the loop's state in
 * few registers (one channel index over the tables and outputs) so that little is spilled around the
 * SMLAD loop.
 */
TF_SHARED_FAST void tf_conv_2x2_r(const int16_t *col, int32_t groups, const int8_t *w, const int32_t *bias,
        const int32_t *mult, const int8_t *shift, int32_t channels, int8_t *y0, int8_t *y1, int32_t out_offset) {
    for (int32_t oc = 0; oc < channels; oc += 2) {
        int32_t a00 = 0, a01 = 0;
        if (bias) a00 = bias[oc], a01 = bias[oc + 1];
        int32_t a10 = a00, a11 = a01;
        const int16_t *c = col;
        int32_t k = groups;
        int32_t p0a, p0b, p1a, p1b, v, s;
        TF_SMLAD_2X2_LOOP();
        /* every shift a right shift of 1 .. 21 and the full int8 range (tf_conv_col checked): the output
           offset joins the rounding constant as out_offset 2^right, passed exactly by the arithmetic
           shift (|h| < 2^30, |q| < 2^29) */
        int32_t h0, h1, r = -shift[oc], m = mult[oc], q = (1 << r >> 1) + out_offset * (1 << r);
        __asm__("smmulr %0, %1, %2" : "=r"(h1) : "r"(a10 << 1), "r"(m));
        __asm__("smmulr %0, %1, %2" : "=r"(h0) : "r"(a00 << 1), "r"(m));
        y1[oc] = (int8_t)__ssat((h1 + q + (h1 >> 31)) >> r, 8);
        y0[oc] = (int8_t)__ssat((h0 + q + (h0 >> 31)) >> r, 8);
        r = -shift[oc + 1], m = mult[oc + 1], q = (1 << r >> 1) + out_offset * (1 << r);
        __asm__("smmulr %0, %1, %2" : "=r"(h1) : "r"(a11 << 1), "r"(m));
        __asm__("smmulr %0, %1, %2" : "=r"(h0) : "r"(a01 << 1), "r"(m));
        y1[oc + 1] = (int8_t)__ssat((h1 + q + (h1 >> 31)) >> r, 8);
        y0[oc + 1] = (int8_t)__ssat((h0 + q + (h0 >> 31)) >> r, 8);
    }
}
#endif

/*
 * A convolution without groups (or a depthwise one on a single input channel) over the im2col
 * column: its shapes, offsets and tables, as a node's constant in flash. Each pixel's receptive field
 * is cut into segments contiguous in the input (a filter row, or one tap when dilated along the
 * width), each of seg_len values padded to seg (a multiple of 4); groups = segments * seg / 4.
 */
typedef struct {
    const int8_t *in;     /* batch 0 of the input */
    int8_t *out;          /* batch 0 of the output */
    const int8_t *w;      /* the filter as tf_conv_2x2 reads it */
    const int32_t *bias;  /* or 0 */
    const int32_t *mult;
    const int8_t *shift;
    int16_t *col;         /* the column: two pixels interleaved */
    int8_t *ring;         /* in place row by row: lag + 1 output rows of scratch, else 0 */
    int16_t batches, in_h, in_w, c;
    int16_t out_h, out_w, channels, groups;
    int16_t stride_h, stride_w, pad_h, pad_w;
    int16_t dil_h, dil_w, k_h, k_w;
    int16_t seg_len, seg, in_offset, out_offset;
    int16_t act_min, act_max, lag, reversed;
    int16_t split;        /* every |accumulator * 2^left| < 2^30: tf_requant_split */
} tf_conv_args;

/* The receptive field of output pixel (oy, ox) of `in` into the column slot col (input offset added, padding taps 0). */
TF_SHARED_FAST void tf_col_pixel(const tf_conv_args *a, int16_t *col, const int8_t *in, int32_t oy, int32_t ox) {
    const int32_t iy0 = oy * a->stride_h - a->pad_h, ix0 = ox * a->stride_w - a->pad_w;
    const int32_t c = a->c, in_h = a->in_h, in_w = a->in_w, k_h = a->k_h, k_w = a->k_w, dil_h = a->dil_h, dil_w = a->dil_w;
    const int32_t seg2 = 2 * a->seg, seg_len = a->seg_len, off = a->in_offset;
    /* segments per filter row: one when the row is contiguous, else one per tap */
    const int32_t nx = dil_w == 1 ? 1 : k_w;
    if (iy0 >= 0 && iy0 + (k_h - 1) * dil_h < in_h && ix0 >= 0 && ix0 + (k_w - 1) * dil_w < in_w) {
        for (int32_t fy = 0; fy < k_h; ++fy) {
            const int8_t *x = in + ((iy0 + fy * dil_h) * in_w + ix0) * c;
            for (int32_t fs = 0; fs < nx; ++fs, col += seg2) tf_gather(col, x + fs * dil_w * c, seg_len, off);
        }
        return;
    }
    if (dil_w == 1) {
        /* a filter row is one segment: its taps inside the input are the contiguous fx0 * c .. fx1 * c */
        const int32_t fx0 = ix0 < 0 ? -ix0 : 0, fx1 = in_w - ix0 < k_w ? in_w - ix0 : k_w, words = seg2 >> 3;
        for (int32_t fy = 0; fy < k_h; ++fy, col += seg2) {
            const int32_t iy = iy0 + fy * dil_h;
            for (int32_t g = 0; g < words; ++g) {
                col[8 * g] = 0, col[8 * g + 1] = 0, col[8 * g + 2] = 0, col[8 * g + 3] = 0;
            }
            if (iy < 0 || iy >= in_h) continue;
            const int8_t *x = in + (iy * in_w + ix0) * c;
            for (int32_t i = fx0 * c; i < fx1 * c; ++i) col[TF_COL_SLOT(i)] = (int16_t)(x[i] + off);
        }
        return;
    }
    for (int32_t fy = 0; fy < k_h; ++fy) {
        const int32_t iy = iy0 + fy * dil_h, row_inside = iy >= 0 && iy < in_h;
        for (int32_t fs = 0; fs < nx; ++fs, col += seg2) {
            int32_t i = 0;
            const int32_t fx_end = dil_w == 1 ? k_w : fs + 1;
            for (int32_t fx = dil_w == 1 ? 0 : fs; fx < fx_end; ++fx) {
                const int32_t ix = ix0 + fx * dil_w, inside = row_inside && ix >= 0 && ix < in_w;
                for (int32_t ic = 0; ic < c; ++ic, ++i) col[TF_COL_SLOT(i)] = (int16_t)(inside ? in[(iy * in_w + ix) * c + ic] + off : 0);
            }
            for (; i < a->seg; ++i) col[TF_COL_SLOT(i)] = 0;
        }
    }
}

/*
 * The column convolution, two output pixels at a time: first to last pixel, or last to first
 * (reversed: in place, an output wider than its input); or, in place row by row, each output row into
 * the ring and copied over the input once no later output row reads the input rows beneath it.
 */
TF_SHARED_FAST void tf_conv_col(const tf_conv_args *a) {
    const int32_t out_w = a->out_w, ch = a->channels;
    int16_t *col = a->col;
    int32_t split = a->split;
#if defined(__ARM_FEATURE_DSP)
    if (split && a->act_min == -128 && a->act_max == 127) {
        /* tf_conv_2x2_r's shortest requantization applies: right shifts of 1 .. 21 only, the full int8 range */
        split = 2;
        for (int32_t oc = 0; oc < ch; ++oc) if (a->shift[oc] > -1 || a->shift[oc] < -21) split = 1;
    }
    /* the even channels through tf_conv_2x2_r when it applies, an odd last one through tf_conv_2x2 */
    const int32_t even = split == 2 ? ch & ~1 : 0, rest = ch - even;
#define TF_CONV_PAIR(y0, y1) do { \
        int8_t *y0_ = (y0), *y1_ = (y1); \
        if (even) tf_conv_2x2_r(col, a->groups, a->w, a->bias, a->mult, a->shift, even, y0_, y1_, a->out_offset); \
        if (rest) tf_conv_2x2(col, a->groups, a->w + even * a->groups * 4, a->bias ? a->bias + even : 0, a->mult + even, a->shift + even, rest, \
                y0_ + even, y1_ + even, a->out_offset, a->act_min, a->act_max, split); \
    } while (0)
#else
#define TF_CONV_PAIR(y0, y1) tf_conv_2x2(col, a->groups, a->w, a->bias, a->mult, a->shift, ch, (y0), (y1), a->out_offset, a->act_min, a->act_max, split)
#endif
    if (!a->ring) {
        const int32_t pixels = a->out_h * out_w, reversed = a->reversed, c = a->c;
        /* a pointwise convolution over the whole input: pixel p's receptive field is its c values */
        const int32_t pointwise = a->k_h == 1 && a->k_w == 1 && a->stride_h == 1 && a->stride_w == 1 && a->pad_h == 0 && a->pad_w == 0
                && a->in_w == out_w && a->in_h == a->out_h;
        for (int32_t b = 0; b < a->batches; ++b) {
            const int8_t *in = a->in + b * a->in_h * a->in_w * c;
            int8_t *out = a->out + b * pixels * ch;
            for (int32_t k = 0; k < pixels; k += 2) {
                const int32_t p0 = reversed ? pixels - 1 - k : k, p1 = reversed ? p0 - 1 : p0 + 1;
                const int32_t q1 = k + 1 < pixels ? p1 : p0;
                if (pointwise) {
                    tf_gather(col, in + p0 * c, c, a->in_offset);
                    tf_gather(col + 4, in + q1 * c, c, a->in_offset);
                } else {
                    tf_col_pixel(a, col, in, p0 / out_w, p0 % out_w);
                    tf_col_pixel(a, col + 4, in, q1 / out_w, q1 % out_w);
                }
                int8_t *y1 = out + q1 * ch;
                TF_CONV_PAIR(out + p0 * ch, y1);
            }
        }
        return;
    }
    const int32_t row = out_w * ch, lag = a->lag, out_h = a->out_h;
    for (int32_t oy = 0; oy < out_h; ++oy) {
        int8_t *ring = a->ring + (oy % (lag + 1)) * row;
        for (int32_t ox = 0; ox < out_w; ox += 2) {
            const int32_t x1 = ox + 1 < out_w ? ox + 1 : ox;
            int8_t *y0 = ring + ox * ch, *y1 = ring + x1 * ch;
            tf_col_pixel(a, col, a->in, oy, ox);
            tf_col_pixel(a, col + 4, a->in, oy, x1);
            TF_CONV_PAIR(y0, y1);
        }
        if (oy >= lag) memcpy(a->out + (oy - lag) * row, a->ring + ((oy - lag) % (lag + 1)) * row, row);
    }
    for (int32_t r = out_h > lag ? out_h - lag : 0; r < out_h; ++r) memcpy(a->out + r * row, a->ring + (r % (lag + 1)) * row, row);
#undef TF_CONV_PAIR
}

/*
 * Rows iy0 .. iy0 + rows - 1 of one channel of an NHWC input (c channels, in_h x in_w, x at the
 * channel's first byte) into buf, pw bytes a row: column ix0 + j at buf[j], every tap outside the
 * input the zero point zp (which adds nothing once the input offset is folded into the bias).
 */
TF_SHARED_COPY void tf_dw_rows(int8_t *buf, int32_t rows, int32_t pw, const int8_t *x, int32_t c, int32_t in_h, int32_t in_w,
        int32_t iy0, int32_t ix0, int32_t zp) {
    const int32_t j0 = ix0 < 0 ? -ix0 : 0, j1 = in_w - ix0 < pw ? in_w - ix0 : pw;
    for (int32_t r = 0; r < rows; ++r, buf += pw) {
        const int32_t iy = iy0 + r;
        if (iy < 0 || iy >= in_h || j1 <= j0) {
            memset(buf, zp, (size_t)pw);
            continue;
        }
        const int8_t *s = x + (iy * in_w + ix0 + j0) * c;
        int32_t j = 0;
        for (; j < j0; ++j) buf[j] = (int8_t)zp;
        for (; j < j1; ++j, s += c) buf[j] = *s;
        for (; j < pw; ++j) buf[j] = (int8_t)zp;
    }
}

/*
 * One channel of a 3x3 depthwise convolution over rows copied by tf_dw_rows (row stride pw, one
 * readable byte after the last row): `oh` rows of `ow` outputs, y[0], y[ystride], ... The input
 * offset is folded into acc0 (the bias plus the offset times the sum of the nine taps), so each
 * output is acc0 plus nine taps times raw inputs; w[t * wstride] is tap t. With the DSP extension
 * each filter row is one word load [a b c d]: (a, c) x (w0, w2) + (b, d) x (w1, 0), two SMLADs.
 * The requantization is tf_requant_split's (the generator checks its bound).
 */
TF_SHARED_FAST void tf_dw3x3(const int8_t *src, int32_t pw, int32_t oh, int32_t ow, int32_t stride_h, int32_t stride_w,
        const int8_t *w, int32_t wstride, int32_t acc0, int32_t m, int32_t shift, int8_t *y, int32_t ystride,
        int32_t out_offset, int32_t act_min, int32_t act_max) {
    const int32_t left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    const int32_t rnd = (1 << right) >> 1, neg = right ? -1 : 0;
#if defined(__ARM_FEATURE_DSP)
    if (left < 7 && right >= 1 && right <= 21 && act_min == -128 && act_max == 127) {
        /* The taps and acc0 times 2^(left + 1) (the taps still fit a halfword), so that the accumulator
           is SMMULR's operand as it stands (tf_requant_split's derivation); the output offset joins the
           rounding constant as out_offset 2^right, which the arithmetic shift passes through exactly
           (|h| < 2^30 and |c| < 2^29 here), and the full int8 range is one SSAT. */
        const int32_t sc = left + 1;
#define TF_DW_HALF(t) ((uint32_t)(uint16_t)(int16_t)((int32_t)w[(t) * wstride] * (1 << sc)))
        const int32_t q0 = (int32_t)(TF_DW_HALF(0) | TF_DW_HALF(2) << 16), q2 = (int32_t)(TF_DW_HALF(3) | TF_DW_HALF(5) << 16);
        const int32_t q4 = (int32_t)(TF_DW_HALF(6) | TF_DW_HALF(8) << 16), q13 = (int32_t)(TF_DW_HALF(1) | TF_DW_HALF(4) << 16);
        const int32_t q5 = (int32_t)TF_DW_HALF(7);
#undef TF_DW_HALF
        const int32_t a0 = tf_shlw(acc0, sc), c = rnd + out_offset * (1 << right), pw2 = 2 * pw;
        if (stride_w == 1 && ow > 1) {
            /* two outputs per pass: one word [a b c d] of a filter row serves (a b c) and (b c d) */
            for (int32_t oy = 0; oy < oh; ++oy) {
                const int8_t *row = src + oy * stride_h * pw, *end = row + (ow & ~1);
                for (; row != end; row += 2, y += 2 * ystride) {
                    int32_t v = TF_LOAD32(row), e = __sxtb16(v), o = tf_sxtb16_ror8(v);
                    int32_t p0 = __smlabb(o, q13, __smlad(e, q0, a0)), p1 = __smlatb(e, q13, __smlad(o, q0, a0));
                    v = TF_LOAD32(row + pw), e = __sxtb16(v), o = tf_sxtb16_ror8(v);
                    p0 = __smlabt(o, q13, __smlad(e, q2, p0)), p1 = __smlatt(e, q13, __smlad(o, q2, p1));
                    v = TF_LOAD32(row + pw2), e = __sxtb16(v), o = tf_sxtb16_ror8(v);
                    p0 = __smlabb(o, q5, __smlad(e, q4, p0)), p1 = __smlatb(e, q5, __smlad(o, q4, p1));
                    int32_t h;
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(p0), "r"(m));
                    y[0] = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(p1), "r"(m));
                    y[ystride] = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                }
                if (ow & 1) {
                    int32_t v = TF_LOAD32(row);
                    int32_t acc = __smlad(__sxtb16(v), q0, a0);
                    acc = __smlabb(tf_sxtb16_ror8(v), q13, acc);
                    v = TF_LOAD32(row + pw);
                    acc = __smlad(__sxtb16(v), q2, acc);
                    acc = __smlabt(tf_sxtb16_ror8(v), q13, acc);
                    v = TF_LOAD32(row + pw2);
                    acc = __smlad(__sxtb16(v), q4, acc);
                    acc = __smlabb(tf_sxtb16_ror8(v), q5, acc);
                    int32_t h;
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(acc), "r"(m));
                    *y = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                    y += ystride;
                }
            }
            return;
        }
        if (stride_w == 2 && ow > 1) {
            /* two outputs per pass, from the words at row and row + 2 of each filter row */
            for (int32_t oy = 0; oy < oh; ++oy) {
                const int8_t *row = src + oy * stride_h * pw, *end = row + 2 * (ow & ~1);
                for (; row != end; row += 4, y += 2 * ystride) {
                    int32_t v = TF_LOAD32(row), u = TF_LOAD32(row + 2);
                    int32_t p0 = __smlabb(tf_sxtb16_ror8(v), q13, __smlad(__sxtb16(v), q0, a0));
                    int32_t p1 = __smlabb(tf_sxtb16_ror8(u), q13, __smlad(__sxtb16(u), q0, a0));
                    v = TF_LOAD32(row + pw), u = TF_LOAD32(row + pw + 2);
                    p0 = __smlabt(tf_sxtb16_ror8(v), q13, __smlad(__sxtb16(v), q2, p0));
                    p1 = __smlabt(tf_sxtb16_ror8(u), q13, __smlad(__sxtb16(u), q2, p1));
                    v = TF_LOAD32(row + pw2), u = TF_LOAD32(row + pw2 + 2);
                    p0 = __smlabb(tf_sxtb16_ror8(v), q5, __smlad(__sxtb16(v), q4, p0));
                    p1 = __smlabb(tf_sxtb16_ror8(u), q5, __smlad(__sxtb16(u), q4, p1));
                    int32_t h;
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(p0), "r"(m));
                    y[0] = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(p1), "r"(m));
                    y[ystride] = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                }
                if (ow & 1) {
                    int32_t v = TF_LOAD32(row);
                    int32_t acc = __smlad(__sxtb16(v), q0, a0);
                    acc = __smlabb(tf_sxtb16_ror8(v), q13, acc);
                    v = TF_LOAD32(row + pw);
                    acc = __smlad(__sxtb16(v), q2, acc);
                    acc = __smlabt(tf_sxtb16_ror8(v), q13, acc);
                    v = TF_LOAD32(row + pw2);
                    acc = __smlad(__sxtb16(v), q4, acc);
                    acc = __smlabb(tf_sxtb16_ror8(v), q5, acc);
                    int32_t h;
                    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(acc), "r"(m));
                    *y = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
                    y += ystride;
                }
            }
            return;
        }
        for (int32_t oy = 0; oy < oh; ++oy) {
            const int8_t *row = src + oy * stride_h * pw;
            for (int32_t ox = 0; ox < ow; ++ox, row += stride_w, y += ystride) {
                int32_t v = TF_LOAD32(row);
                int32_t acc = __smlad(__sxtb16(v), q0, a0);
                acc = __smlabb(tf_sxtb16_ror8(v), q13, acc);
                v = TF_LOAD32(row + pw);
                acc = __smlad(__sxtb16(v), q2, acc);
                acc = __smlabt(tf_sxtb16_ror8(v), q13, acc);
                v = TF_LOAD32(row + pw2);
                acc = __smlad(__sxtb16(v), q4, acc);
                acc = __smlabb(tf_sxtb16_ror8(v), q5, acc);
                int32_t h;
                __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(acc), "r"(m));
                *y = (int8_t)__ssat((h + c + (h >> 31)) >> right, 8);
            }
        }
        return;
    }
    const int32_t k0 = (int32_t)((uint32_t)(uint16_t)w[0] | ((uint32_t)(uint16_t)w[2 * wstride] << 16));
    const int32_t k1 = (int32_t)(uint16_t)w[wstride];
    const int32_t k2 = (int32_t)((uint32_t)(uint16_t)w[3 * wstride] | ((uint32_t)(uint16_t)w[5 * wstride] << 16));
    const int32_t k3 = (int32_t)(uint16_t)w[4 * wstride];
    const int32_t k4 = (int32_t)((uint32_t)(uint16_t)w[6 * wstride] | ((uint32_t)(uint16_t)w[8 * wstride] << 16));
    const int32_t k5 = (int32_t)(uint16_t)w[7 * wstride];
#endif
    for (int32_t oy = 0; oy < oh; ++oy) {
        const int8_t *row = src + oy * stride_h * pw;
        for (int32_t ox = 0; ox < ow; ++ox, row += stride_w, y += ystride) {
            int32_t acc = acc0;
#if defined(__ARM_FEATURE_DSP)
            int32_t v = TF_LOAD32(row);
            acc = __smlad(__sxtb16(v), k0, acc);
            acc = __smlad(tf_sxtb16_ror8(v), k1, acc);
            v = TF_LOAD32(row + pw);
            acc = __smlad(__sxtb16(v), k2, acc);
            acc = __smlad(tf_sxtb16_ror8(v), k3, acc);
            v = TF_LOAD32(row + 2 * pw);
            acc = __smlad(__sxtb16(v), k4, acc);
            acc = __smlad(tf_sxtb16_ror8(v), k5, acc);
#else
            for (int32_t fy = 0; fy < 3; ++fy)
                for (int32_t fx = 0; fx < 3; ++fx) acc += (int32_t)w[(3 * fy + fx) * wstride] * row[fy * pw + fx];
#endif
            *y = tf_requant_split(acc, m, left, right, rnd, neg, out_offset, act_min, act_max);
        }
    }
}

/* gemmlowp's fixed-point exp, 1/(1+x) and reciprocal on raw int32 values (Q0.31 results). */
TF_INLINE int32_t tf_exp_quarter(int32_t a) {
    const int32_t constant_term = 1895147668;
    const int32_t constant_one_third = 715827883;
    int32_t x = tf_addw(a, 1 << 28);
    int32_t x2 = tf_srdhm(x, x);
    int32_t x3 = tf_srdhm(x2, x);
    int32_t x4 = tf_srdhm(x2, x2);
    int32_t x4_over_4 = tf_rdbpot(x4, 2);
    int32_t poly = tf_rdbpot(tf_addw(tf_srdhm(tf_addw(x4_over_4, x3), constant_one_third), x2), 1);
    return tf_addw(constant_term, tf_srdhm(constant_term, tf_addw(x, poly)));
}

TF_SHARED int32_t tf_exp_neg(int32_t a, int integer_bits) {
    static const int8_t exps[7] = {-2, -1, 0, 1, 2, 3, 4};
    static const int32_t mults[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    int fractional_bits = 31 - integer_bits;
    int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    int32_t mask = one_quarter - 1;
    int32_t a_mod_q_minus_q = tf_subw(a & mask, one_quarter);
    int32_t result = tf_exp_quarter(tf_srmbpot(a_mod_q_minus_q, integer_bits));
    int32_t remainder = tf_subw(a_mod_q_minus_q, a);
    for (int k = 0; k < 7; ++k) {
        int e = exps[k];
        if (integer_bits > e) {
            int shift = fractional_bits + e;
            if ((remainder & (int32_t)((uint32_t)1 << shift)) != 0) result = tf_srdhm(result, mults[k]);
        }
    }
    if (integer_bits > 5) {
        int32_t clamp = -((int32_t)1 << (36 - integer_bits));
        if (a < clamp) result = 0;
    }
    if (a == 0) result = INT32_MAX;
    return result;
}

TF_INLINE int32_t tf_half_sum(int32_t a, int32_t b) {
    int64_t sum = (int64_t)a + b;
    int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

TF_SHARED int32_t tf_one_over_one_plus_x(int32_t a) {
    int32_t half_denominator = tf_half_sum(a, INT32_MAX);
    const int32_t c48_over_17 = 1515870810;
    const int32_t c_neg32_over_17 = -1010580540;
    const int32_t one_q2 = 1 << 29;
    int32_t x = tf_addw(c48_over_17, tf_srdhm(half_denominator, c_neg32_over_17));
    for (int i = 0; i < 3; ++i) {
        int32_t half_denominator_times_x = tf_srdhm(half_denominator, x);
        int32_t one_minus = tf_subw(one_q2, half_denominator_times_x);
        x = tf_addw(x, tf_srmbpot(tf_srdhm(x, one_minus), 2));
    }
    return tf_srmbpot(x, 1);
}

/* Reciprocal of x with x_integer_digits integer bits: the Q0 value, and the extra shift in *bits_over_unit. */
TF_INLINE int32_t tf_reciprocal(int32_t x, int x_integer_digits, int *bits_over_unit) {
    int headroom_plus_one = __builtin_clz((uint32_t)x);
    *bits_over_unit = x_integer_digits - headroom_plus_one;
    int32_t shifted_sum_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) + 0x80000000u);
    return tf_one_over_one_plus_x(shifted_sum_minus_one);
}

/* int8 softmax over rows of `depth` values (TFLite's fixed-point algorithm, Q5.26 differences, Q12.19 sums). */
TF_SHARED void tf_softmax_s8(const int8_t *in, int8_t *out, int32_t rows, int32_t depth,
                                 int32_t input_multiplier, int input_left_shift, int32_t diff_min) {
    for (int32_t i = 0; i < rows; ++i) {
        const int8_t *x = in + i * depth;
        int8_t *y = out + i * depth;
        int32_t max = -128;
        for (int32_t c = 0; c < depth; ++c) if (x[c] > max) max = x[c];
        int32_t sum_of_exps = 0;
        for (int32_t c = 0; c < depth; ++c) {
            int32_t diff = x[c] - max;
            if (diff >= diff_min) {
                int32_t rescaled = tf_srdhm(tf_shlw(diff, input_left_shift), input_multiplier);
                sum_of_exps = tf_addw(sum_of_exps, tf_rdbpot(tf_exp_neg(rescaled, 5), 12));
            }
        }
        int bits_over_unit;
        int32_t shifted_scale = tf_reciprocal(sum_of_exps, 12, &bits_over_unit);
        int exponent = bits_over_unit + 31 - 8;
        for (int32_t c = 0; c < depth; ++c) {
            int32_t diff = x[c] - max;
            int32_t v = -128;
            if (diff >= diff_min) {
                int32_t rescaled = tf_srdhm(tf_shlw(diff, input_left_shift), input_multiplier);
                int32_t e = tf_exp_neg(rescaled, 5);
                int32_t unsat = tf_rdbpot(tf_srdhm(shifted_scale, e), exponent);
                v = tf_clamp(unsat - 128, -128, 127);
            }
            y[c] = (int8_t)v;
        }
    }
}

#endif
