/*
 * vfp_neon.c: floating point and SIMD as gcc and newlib use them on a Cortex-A9, checked
 * on vexpress-a9. Built with -mfloat-abi=hard against newlib's hard-float (Thumb-2)
 * multilib, with -mfpu=vfpv3-d16 or -mfpu=neon: printf of floats and doubles, libm,
 * special values (NaN, infinities, signed zeros, denormals), the four rounding modes and
 * the cumulative exception flags through FPSCR, flush-to-zero and default-NaN modes,
 * conversions, NEON intrinsics (arithmetic, saturation, shifts, widening and narrowing,
 * permutes, table lookups, estimates with Newton-Raphson steps, structure loads and
 * stores), loops gcc vectorizes at -O3, and the string functions. Every result is printed
 * (floats also as bits), so the output is compared line by line with the expected output
 * and with QEMU's.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __ARM_NEON
#include <arm_neon.h>
#endif

static unsigned failures;

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static uint32_t fpscr_read(void)
{
    uint32_t v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v));
    return v;
}

static void fpscr_write(uint32_t v)
{
    __asm__ volatile("vmsr fpscr, %0" : : "r"(v) : "memory");
}

static void check(const char *what, int ok)
{
    if (!ok) {
        failures++;
        printf("FAIL %s\n", what);
    }
}

/* Keeps gcc from folding constants at compile time. */
static volatile double vd_one = 1.0, vd_three = 3.0, vd_zero = 0.0, vd_tiny = 1e-310;
static volatile float vf_one = 1.0f, vf_three = 3.0f, vf_big = 3e38f, vf_small = 1e-38f;

static void printing(void)
{
    printf("printf: %f %e %g %.17g\n", 3.14159265358979, -1.5e-7, 123456789.0, 0.1);
    printf("printf: %.3f %10.4e %g %g\n", (double)2.5f, 6.02214076e23, 1e-5, 100000.0);
    printf("printf: %f %f %f %g\n", (double)NAN, (double)-INFINITY, -0.0, DBL_MIN);
    char buf[64];
    snprintf(buf, sizeof buf, "%.10g", 2.0 / 3.0);
    double back = strtod(buf, NULL);
    printf("strtod: %s -> %016llx\n", buf, (unsigned long long)dbits(back));
    printf("atof: %016llx %08lx\n", (unsigned long long)dbits(atof("1e308")),
           (unsigned long)fbits(strtof("3.4028235e38", NULL)));
}

static void maths(void)
{
    double x = vd_one + 0.25;
    printf("libm: %.17g %.17g %.17g\n", sqrt(2.0 * x), sin(x), cos(x));
    printf("libm: %.17g %.17g %.17g\n", exp(x), log(x * 8), pow(x, 7.5));
    printf("libm: %.17g %.17g %.17g\n", atan2(x, -2.0), fmod(100.0, x * 3.1), hypot(x, 4));
    printf("libm: %.9g %.9g %.9g\n", (double)sqrtf((float)x), (double)sinf((float)x),
           (double)expf((float)x));
    printf("libm: %g %g %g %g %ld\n", floor(-x), ceil(-x), round(x * 2), trunc(-x * 3),
           lround(-x * 2));
    int e;
    double m = frexp(x * 1000, &e);
    printf("frexp: %.17g %d ldexp: %g\n", m, e, ldexp(m, e + 3));
}

static void specials(void)
{
    double zero = vd_zero, one = vd_one;
    double inf = one / zero, nan = zero / zero;
    printf("special: %016llx %016llx %016llx\n", (unsigned long long)dbits(inf),
           (unsigned long long)dbits(-inf), (unsigned long long)dbits(nan));
    printf("special: %016llx %016llx\n", (unsigned long long)dbits(inf - inf),
           (unsigned long long)dbits(-zero));
    printf("special: isnan %d isinf %d signbit %d %d\n", isnan(nan), isinf(-inf), signbit(-zero),
           signbit(zero));
    float big = vf_big, small = vf_small;
    printf("special: %08lx %08lx %08lx\n", (unsigned long)fbits(big * 10),
           (unsigned long)fbits(small / 1e5f), (unsigned long)fbits(small * small));
    double tiny = vd_tiny;
    printf("denormal: %016llx %016llx %.17g\n", (unsigned long long)dbits(tiny / 3),
           (unsigned long long)dbits(tiny * 1e10), tiny * 1e300);
    check("nan != nan", nan != nan);
    check("-0 == 0", -zero == zero);
}

static void rounding_and_flags(void)
{
    static const char *names[4] = {"nearest", "+inf", "-inf", "zero"};
    uint32_t saved = fpscr_read();
    for (unsigned mode = 0; mode < 4; mode++) {
        fpscr_write((saved & ~(3u << 22)) | mode << 22);
        volatile double third = vd_one / vd_three;
        volatile double neg = -vd_one / vd_three;
        volatile float f = vf_one / vf_three;
        volatile int conv = (int)lrint(2.5);
        printf("round %s: %016llx %016llx %08lx lrint(2.5)=%d\n", names[mode],
               (unsigned long long)dbits(third), (unsigned long long)dbits(neg),
               (unsigned long)fbits(f), conv);
    }
    fpscr_write(saved & ~0x9fu);
    volatile double q = vd_one / vd_zero;
    printf("flags after 1/0: %02lx\n", (unsigned long)(fpscr_read() & 0x9f));
    fpscr_write(saved & ~0x9fu);
    q = vd_zero / vd_zero;
    printf("flags after 0/0: %02lx\n", (unsigned long)(fpscr_read() & 0x9f));
    fpscr_write(saved & ~0x9fu);
    q = vd_one / vd_three;
    printf("flags after 1/3: %02lx\n", (unsigned long)(fpscr_read() & 0x9f));
    fpscr_write(saved & ~0x9fu);
    q = vd_tiny * vd_tiny;
    printf("flags after tiny*tiny: %02lx\n", (unsigned long)(fpscr_read() & 0x9f));
    /* Flush-to-zero and default NaN. */
    fpscr_write((saved & ~0x9fu) | 1u << 24 | 1u << 25);
    volatile double ftz = vd_tiny + 0.0;
    volatile double dn = vd_zero / vd_zero;
    uint32_t flags = fpscr_read() & 0x9f;
    fpscr_write(saved);
    printf("fz/dn: %016llx %016llx flags %02lx\n", (unsigned long long)dbits(ftz),
           (unsigned long long)dbits(dn), (unsigned long)flags);
    (void)q;
}

static void conversions(void)
{
    volatile double d = 2.7, nd = -2.7, big = 3e9;
    volatile float f = 16777217.0f;
    volatile int32_t i = 0x7fffffff;
    volatile int64_t l = 0x123456789abcdefLL;
    volatile uint64_t ul = 0xfedcba9876543210ULL;
    printf("conv: %d %d %u %lu\n", (int)d, (int)nd, (unsigned)big, (unsigned long)(uint32_t)f);
    printf("conv: %08lx %016llx %016llx %016llx\n", (unsigned long)fbits((float)i),
           (unsigned long long)dbits((double)i), (unsigned long long)dbits((double)l),
           (unsigned long long)dbits((double)ul));
    printf("conv: %lld %llu %08lx\n", (long long)(d * 1e15), (unsigned long long)(big * 1e9),
           (unsigned long)fbits((float)(d * 1e40)));
}

#ifdef __ARM_NEON
static void print_u8x16(const char *what, uint8x16_t v)
{
    uint8_t b[16];
    vst1q_u8(b, v);
    printf("%s:", what);
    for (int i = 0; i < 16; i++)
        printf(" %02x", b[i]);
    printf("\n");
}

static void print_u32x4(const char *what, uint32x4_t v)
{
    uint32_t w[4];
    vst1q_u32(w, v);
    printf("%s: %08lx %08lx %08lx %08lx\n", what, (unsigned long)w[0], (unsigned long)w[1],
           (unsigned long)w[2], (unsigned long)w[3]);
}

static void neon(void)
{
    static const uint8_t bytes[32] = {0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,
                                      200, 250, 255, 128, 127, 16,  32,  48,  64,  80, 96,
                                      112, 128, 144, 160, 176, 192, 208, 224, 240, 255};
    uint8x16_t a = vld1q_u8(bytes), b = vld1q_u8(bytes + 16);
    print_u8x16("vqadd.u8", vqaddq_u8(a, b));
    print_u8x16("vqsub.u8", vqsubq_u8(a, b));
    print_u8x16("vhadd.u8", vhaddq_u8(a, b));
    print_u8x16("vabd.u8", vabdq_u8(a, b));
    print_u8x16("vcnt", vcntq_u8(b));
    print_u8x16("vtbl", vcombine_u8(vtbl2_u8((uint8x8x2_t){{vget_low_u8(b), vget_high_u8(b)}},
                                             vget_low_u8(a)),
                                    vtbl1_u8(vget_low_u8(b), vget_high_u8(a))));
    uint8x16x2_t z = vzipq_u8(a, b);
    print_u8x16("vzip.0", z.val[0]);
    print_u8x16("vuzp.1", vuzpq_u8(a, b).val[1]);
    print_u8x16("vext", vextq_u8(a, b, 5));
    print_u8x16("vrev32", vrev32q_u8(a));

    int16x8_t s16 = vreinterpretq_s16_u8(b);
    int16x8_t k = vdupq_n_s16(-12345);
    print_u32x4("vqdmulh.s16", vreinterpretq_u32_s16(vqdmulhq_s16(s16, k)));
    print_u32x4("vqrdmulh.s16", vreinterpretq_u32_s16(vqrdmulhq_n_s16(s16, 30000)));
    print_u32x4("vmull.s16", vreinterpretq_u32_s32(vmull_s16(vget_low_s16(s16), vget_low_s16(k))));
    print_u32x4("vpaddl.u8", vreinterpretq_u32_u16(vpaddlq_u8(a)));
    print_u32x4("vshrn/vqrshrn",
                vreinterpretq_u32_u8(vcombine_u8(vshrn_n_u16(vreinterpretq_u16_u8(b), 3),
                                                 vqrshrn_n_u16(vreinterpretq_u16_u8(a), 5))));
    print_u32x4("vmovl.s8", vreinterpretq_u32_s16(vmovl_s8(vreinterpret_s8_u8(vget_high_u8(b)))));
    print_u32x4("vsli/vsri", vcombine_u32(vsli_n_u32(vget_low_u32(vreinterpretq_u32_u8(a)),
                                                     vget_high_u32(vreinterpretq_u32_u8(b)), 7),
                                          vsri_n_u32(vget_high_u32(vreinterpretq_u32_u8(a)),
                                                     vget_low_u32(vreinterpretq_u32_u8(b)), 9)));
    print_u32x4("vclz/vcls", vcombine_u32(vclz_u32(vget_low_u32(vreinterpretq_u32_u8(b))),
                                          vreinterpret_u32_s32(
                                              vcls_s32(vget_high_s32(vreinterpretq_s32_u8(a))))));

    float32x4_t fa = {1.5f, -2.25f, 1e-3f, 3e38f}, fb = {0.5f, 4.0f, -1e-3f, 10.0f};
    print_u32x4("vadd.f32", vreinterpretq_u32_f32(vaddq_f32(fa, fb)));
    print_u32x4("vmul.f32", vreinterpretq_u32_f32(vmulq_f32(fa, fb)));
    print_u32x4("vmla.f32", vreinterpretq_u32_f32(vmlaq_n_f32(fa, fb, 3.0f)));
    print_u32x4("vmax.f32", vreinterpretq_u32_f32(vmaxq_f32(fa, fb)));
    print_u32x4("vcgt.f32", vcgtq_f32(fa, fb));
    float32x4_t est = vrecpeq_f32(fb);
    print_u32x4("vrecpe", vreinterpretq_u32_f32(est));
    est = vmulq_f32(vrecpsq_f32(fb, est), est);
    est = vmulq_f32(vrecpsq_f32(fb, est), est);
    print_u32x4("1/x", vreinterpretq_u32_f32(est));
    float32x4_t pos = vabsq_f32(fb);
    float32x4_t rs = vrsqrteq_f32(pos);
    rs = vmulq_f32(vrsqrtsq_f32(vmulq_f32(pos, rs), rs), rs);
    print_u32x4("1/sqrt(x)", vreinterpretq_u32_f32(rs));
    print_u32x4("vcvt.s32.f32", vreinterpretq_u32_s32(vcvtq_s32_f32(vmulq_n_f32(fa, 1000.0f))));
    print_u32x4("vcvt.f32.u32 #8",
                vreinterpretq_u32_f32(vcvtq_n_f32_u32(vreinterpretq_u32_u8(b), 8)));

    /* VLD3/VST3: de-interleave RGB, swap R and B, interleave again. */
    uint8_t rgb[48], out[48];
    for (int i = 0; i < 48; i++)
        rgb[i] = (uint8_t)(i * 7 + 3);
    uint8x16x3_t px = vld3q_u8(rgb);
    uint8x16_t t = px.val[0];
    px.val[0] = px.val[2];
    px.val[2] = t;
    vst3q_u8(out, px);
    print_u8x16("vld3/vst3", vld1q_u8(out + 16));
    uint16_t lanes[8] = {0};
    uint16x4x4_t four = vld4_dup_u16((const uint16_t *)bytes);
    vst1_lane_u16(lanes, four.val[2], 1);
    vst1q_lane_u16(lanes + 1, vreinterpretq_u16_u8(b), 5);
    printf("vld4.dup/vst1.lane: %04x %04x\n", lanes[0], lanes[1]);
}
#endif

/* Loops that gcc -O3 vectorizes with NEON (and compiles to VFP or core code without). */
static int32_t dot(const int16_t *x, const int16_t *y, int n)
{
    int32_t sum = 0;
    for (int i = 0; i < n; i++)
        sum += x[i] * y[i];
    return sum;
}

static void saturate_add(uint8_t *d, const uint8_t *a, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned s = a[i] + b[i];
        d[i] = s > 255 ? 255 : (uint8_t)s;
    }
}

static void scale(float *d, const float *s, float k, int n)
{
    for (int i = 0; i < n; i++)
        d[i] = s[i] * k + 1.0f;
}

static void loops(void)
{
    static int16_t x[203], y[203];
    static uint8_t a[301], b[301], d[301];
    static float fs[131], fd[131];
    for (int i = 0; i < 203; i++) {
        x[i] = (int16_t)(i * 311 - 30000);
        y[i] = (int16_t)(7 - i * 13);
    }
    for (int i = 0; i < 301; i++) {
        a[i] = (uint8_t)(i * 37);
        b[i] = (uint8_t)(i * 91 + 5);
    }
    for (int i = 0; i < 131; i++)
        fs[i] = (float)i * 0.37f - 20.0f;
    saturate_add(d, a, b, 301);
    scale(fd, fs, 1.75f, 131);
    uint32_t sum = 0, fsum = 0;
    for (int i = 0; i < 301; i++)
        sum = sum * 31 + d[i];
    for (int i = 0; i < 131; i++)
        fsum = fsum * 31 + fbits(fd[i]);
    printf("loops: dot %ld sat %08lx scale %08lx\n", (long)dot(x, y, 203), (unsigned long)sum,
           (unsigned long)fsum);
}

static void strings(void)
{
    static char src[300], dst[300];
    for (int i = 0; i < 299; i++)
        src[i] = (char)('a' + i % 26);
    uint32_t h = 0;
    for (int off = 0; off < 8; off++) {
        for (int len = 0; len < 90; len += 7) {
            memset(dst, 'x', sizeof dst);
            memcpy(dst + off, src + (off * 3) % 8, (size_t)len);
            memmove(dst + off + 1, dst + off, (size_t)len);
            for (int i = 0; i < 300; i++)
                h = h * 33 + (uint8_t)dst[i];
        }
    }
    src[299] = 0;
    printf("strings: %08lx %u %d %d\n", (unsigned long)h, (unsigned)strlen(src + 5),
           strcmp(src, src + 26) != 0, memcmp(src, src + 26, 200));
}

int main(void)
{
    printf("vfp/neon test (%s)\n",
#ifdef __ARM_NEON
           "neon"
#else
           "vfp"
#endif
    );
    printing();
    maths();
    specials();
    rounding_and_flags();
    conversions();
#ifdef __ARM_NEON
    neon();
#endif
    loops();
    strings();
    printf("%s\n", failures ? "FAILED" : "done");
    return failures ? 1 : 0;
}
