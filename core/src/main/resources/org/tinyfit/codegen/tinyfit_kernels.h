/*
 * tinyfit int8 arithmetic, bit-exact with tinyfit's Java runtime and TensorFlow Lite Micro's
 * reference kernels (double rounding: a saturating rounding doubling high multiply, then a
 * rounding right shift). No heap, no floating point, no libc.
 */
#ifndef TINYFIT_KERNELS_H
#define TINYFIT_KERNELS_H

#include <stdint.h>

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

#if defined(__ARM_FEATURE_DSP)
/* The two odd bytes of x sign-extended into halfwords: SXTB16 with its rotation, one instruction. */
TF_INLINE int32_t tf_sxtb16_ror8(int32_t x) {
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
#endif

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
        for (int32_t j = 0; j < 4; ++j) c[TF_COL_SLOT(j)] = (int16_t)(i + j < len ? x[i + j] + x_offset : 0);
    }
}

/*
 * Two output pixels (the interleaved column col of `groups` groups) times all `channels` output
 * channels, two at a time: w holds the filter rows of each channel pair interleaved by group (the 4
 * weights of channel oc, then the 4 of oc + 1; a zero row pads an odd count), so every column and
 * filter word loaded feeds two SMLADs. Writes y0[oc], and y1[oc] unless y1 is null. Not inlined: in a
 * function of its own the inner loop keeps its four accumulators and operands in registers.
 */
static __attribute__((noinline, unused)) void tf_conv_2x2(const int16_t *col, int32_t groups, const int8_t *w, const int32_t *bias,
        const int32_t *mult, const int8_t *shift, int32_t channels, int8_t *y0, int8_t *y1,
        int32_t out_offset, int32_t act_min, int32_t act_max) {
    for (int32_t oc = 0; oc < channels; oc += 2) {
        const int32_t two = oc + 1 < channels;
        int32_t a00 = bias ? bias[oc] : 0, a01 = bias && two ? bias[oc + 1] : 0;
        int32_t a10 = a00, a11 = a01;
        const int16_t *c = col;
        int32_t k = groups;
#if defined(__ARM_FEATURE_DSP)
        /* per group: 3 loads (the column words of both pixels, then each channel's filter word), 4 sign
           extensions, 8 SMLADs; written out because gcc -Os spills this loop's 13 registers */
        int32_t p0a, p0b, p1a, p1b, v, s;
        __asm__ volatile(
            "1:\n\t"
            "ldrd %[p0a], %[p0b], [%[c]], #8\n\t"
            "ldrd %[p1a], %[p1b], [%[c]], #8\n\t"
            "ldr %[v], [%[w]], #4\n\t"
            "sxtb16 %[s], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad %[a00], %[p0a], %[s], %[a00]\n\t"
            "smlad %[a10], %[p1a], %[s], %[a10]\n\t"
            "smlad %[a00], %[p0b], %[v], %[a00]\n\t"
            "smlad %[a10], %[p1b], %[v], %[a10]\n\t"
            "ldr %[v], [%[w]], #4\n\t"
            "sxtb16 %[s], %[v]\n\t"
            "sxtb16 %[v], %[v], ror #8\n\t"
            "smlad %[a01], %[p0a], %[s], %[a01]\n\t"
            "smlad %[a11], %[p1a], %[s], %[a11]\n\t"
            "smlad %[a01], %[p0b], %[v], %[a01]\n\t"
            "smlad %[a11], %[p1b], %[v], %[a11]\n\t"
            "subs %[k], %[k], #1\n\t"
            "bne 1b"
            : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [c] "+r"(c), [w] "+r"(w), [k] "+r"(k),
              [p0a] "=&r"(p0a), [p0b] "=&r"(p0b), [p1a] "=&r"(p1a), [p1b] "=&r"(p1b), [v] "=&r"(v), [s] "=&r"(s)
            :
            : "cc", "memory");
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
        y0[oc] = tf_requant(a00, mult[oc], shift[oc], out_offset, act_min, act_max);
        if (y1) y1[oc] = tf_requant(a10, mult[oc], shift[oc], out_offset, act_min, act_max);
        if (two) {
            y0[oc + 1] = tf_requant(a01, mult[oc + 1], shift[oc + 1], out_offset, act_min, act_max);
            if (y1) y1[oc + 1] = tf_requant(a11, mult[oc + 1], shift[oc + 1], out_offset, act_min, act_max);
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

static inline int32_t tf_exp_neg(int32_t a, int integer_bits) {
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

static inline int32_t tf_one_over_one_plus_x(int32_t a) {
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
static inline void tf_softmax_s8(const int8_t *in, int8_t *out, int32_t rows, int32_t depth,
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
