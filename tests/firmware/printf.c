/*
 * printf: newlib's formatted output through the _write stub (integers of every width,
 * padding, strings, characters, 64-bit values, soft-float doubles) and a few library
 * functions: snprintf, strlen, memcpy, memmove, memset, strcmp, strtol, qsort, malloc,
 * realloc and free, and the run-time's 32- and 64-bit division.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* A small linear congruential generator, so the data is the same everywhere. */
static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1103515245u + 12345u;
    return *state >> 8;
}

static void integers(void)
{
    printf("%d %d %d %i\n", 0, 42, -42, -2147483647 - 1);
    printf("%u %u %u\n", 0u, 3000000000u, 4294967295u);
    printf("%x %X %08x %#x %o\n", 0xdeadbeefu, 0xcafeu, 0x1234u, 255u, 8u);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%.3d]\n", 42, 42, -42, 7, 7, 5);
    printf("%ld %ld %lu %lx\n", 2147483647L, -2147483647L - 1, 4294967295UL, 0xfeedfaceUL);
    printf("%lld %lld\n", 9223372036854775807LL, -9223372036854775807LL - 1);
    printf("%llu %llx %016llx\n", 18446744073709551615ULL, 0x123456789abcdefULL, 0xabcULL);
    printf("%hd %hhu\n", (short)-12345, (unsigned char)250);
}

static void text(void)
{
    printf("%s|%10s|%-10s|%.3s|\n", "abc", "right", "left", "truncate");
    printf("%c%c%c %%\n", 'x', 'y', 'z');
}

static void floating_point(void)
{
    volatile double third = 1.0 / 3.0;
    double harmonic = 0.0;
    for (int i = 1; i <= 20; i++)
        harmonic += 1.0 / i;
    printf("%f %.2f %e %g %g\n", 3.14159265, -2.5, 12345.678, 0.0001, 1e20);
    printf("%.10f %.12f %8.3f\n", third, harmonic, -0.0625);
    volatile float f = 1.5f;
    printf("%f %d\n", (double)(f * f), (int)(f * 100.0f));
}

static void strings(void)
{
    char buf[16];
    volatile size_t size = sizeof buf; /* truncation is the point: hide it from -Wformat */
    int n = snprintf(buf, size, "%s-%d-%x", "snprintf", 12345, 0xbeefu);
    printf("snprintf returned %d, kept \"%s\" (strlen %u)\n", n, buf, (unsigned)strlen(buf));
    char src[32] = "0123456789abcdefghij";
    memmove(src + 2, src, 10);
    printf("memmove: %s\n", src);
    memcpy(buf, "copied!", 8);
    memset(buf + 7, '.', 3);
    buf[10] = 0;
    printf("memcpy/memset: %s, strcmp %d %d\n", buf, strcmp("abc", "abd") < 0,
           strcmp("same", "same"));
    char *end;
    long parsed = strtol("  -0x7fff rest", &end, 16);
    printf("strtol: %ld, rest \"%s\"\n", parsed, end);
}

static void sorting_and_heap(void)
{
    uint32_t seed = 2024;
    int values[20];
    for (int i = 0; i < 20; i++)
        values[i] = (int)(next_random(&seed) % 1000u) - 500;
    qsort(values, 20, sizeof values[0], compare_ints);
    printf("qsort:");
    for (int i = 0; i < 20; i++)
        printf(" %d", values[i]);
    printf("\n");

    uint32_t sum = 0;
    unsigned blocks = 0;
    for (int round = 0; round < 8; round++) {
        size_t size = 100u + 1000u * (unsigned)round;
        unsigned char *block = malloc(size);
        if (!block) break;
        memset(block, round + 1, size);
        block = realloc(block, size * 2);
        if (!block) break;
        for (size_t i = 0; i < size; i++)
            sum += block[i];
        free(block);
        blocks++;
    }
    printf("malloc: %u blocks, checksum %lu\n", blocks, (unsigned long)sum);
}

static void division(void)
{
    volatile int32_t a = -1000000007, b = 97;
    volatile uint64_t big = 0xfedcba9876543210ULL, small = 1000003;
    printf("32-bit: %ld %ld\n", (long)(a / b), (long)(a % b));
    printf("64-bit: %llu %llu\n", big / small, big % small);
    printf("64-bit signed: %lld\n", (long long)-123456789012345LL / (long long)(int32_t)b);
}

int main(void)
{
    printf("printf test\n");
    integers();
    text();
    floating_point();
    strings();
    sorting_and_heap();
    division();
    printf("done\n");
    return 0;
}
