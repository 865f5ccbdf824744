/* The benchmark's kernels: CRC-32, integer matrix multiply, quicksort, sieve of Eratosthenes,
 * linked-list walk, memcpy/memset and a string hash table. Portable C: the ARM firmware and
 * the native reference build compile this same file and must print the same checksums. */
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"

/* xorshift32: a cheap pseudo-random sequence; the state must not be zero. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* A pseudo-random number in [0, bound), without a division. */
static uint32_t random_below(uint32_t *state, uint32_t bound)
{
    return (uint32_t)(((uint64_t)next_random(state) * bound) >> 32);
}

/* ---- CRC-32 (IEEE, reflected, table-driven) over a buffer that changes every round ---- */

#define CRC_BUFFER_SIZE 4096

static uint32_t crc_table[256];
static uint8_t crc_buffer[CRC_BUFFER_SIZE];

static void crc_make_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *data, uint32_t length)
{
    crc = ~crc;
    for (uint32_t i = 0; i < length; i++)
        crc = crc_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint32_t kernel_crc32(uint32_t rounds)
{
    static const uint8_t check_input[9] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    uint32_t state = 0x2545f491u;
    crc_make_table();
    if (crc_update(0, check_input, sizeof check_input) != 0xcbf43926u) return 0xbad0c0c0u;
    for (uint32_t i = 0; i < CRC_BUFFER_SIZE; i++)
        crc_buffer[i] = (uint8_t)next_random(&state);
    uint32_t crc = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        crc = crc_update(crc, crc_buffer, CRC_BUFFER_SIZE);
        crc_buffer[crc % CRC_BUFFER_SIZE] ^= (uint8_t)(r + 1);
    }
    return crc;
}

/* ---- integer matrix multiply, C = A * B, with A perturbed by each round's result ---- */

#define MATRIX_SIZE 32

static uint32_t matrix_a[MATRIX_SIZE][MATRIX_SIZE];
static uint32_t matrix_b[MATRIX_SIZE][MATRIX_SIZE];
static uint32_t matrix_c[MATRIX_SIZE][MATRIX_SIZE];

static void matrix_multiply(void)
{
    for (int i = 0; i < MATRIX_SIZE; i++) {
        for (int j = 0; j < MATRIX_SIZE; j++) {
            uint32_t sum = 0;
            for (int k = 0; k < MATRIX_SIZE; k++)
                sum += matrix_a[i][k] * matrix_b[k][j];
            matrix_c[i][j] = sum;
        }
    }
}

static uint32_t kernel_matmul(uint32_t rounds)
{
    uint32_t state = 0x6b43a9b5u;
    for (int i = 0; i < MATRIX_SIZE; i++) {
        for (int j = 0; j < MATRIX_SIZE; j++) {
            matrix_a[i][j] = next_random(&state) & 0xffff;
            matrix_b[i][j] = next_random(&state) & 0xffff;
        }
    }
    uint32_t result = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        matrix_multiply();
        for (int i = 0; i < MATRIX_SIZE; i++)
            for (int j = 0; j < MATRIX_SIZE; j++)
                result = result * 31 + matrix_c[i][j];
        matrix_a[r % MATRIX_SIZE][result % MATRIX_SIZE] ^= result >> 16;
    }
    return result;
}

/* ---- quicksort (Hoare partition, median of three, insertion sort for short runs) ---- */

#define SORT_SIZE 2048

static uint32_t sort_array[SORT_SIZE];

static void insertion_sort(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        uint32_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

static void swap_values(uint32_t *x, uint32_t *y)
{
    uint32_t t = *x;
    *x = *y;
    *y = t;
}

static void quick_sort(uint32_t *a, uint32_t n)
{
    while (n > 16) {
        uint32_t mid = n / 2;
        if (a[mid] < a[0]) swap_values(&a[mid], &a[0]);
        if (a[n - 1] < a[0]) swap_values(&a[n - 1], &a[0]);
        if (a[n - 1] < a[mid]) swap_values(&a[n - 1], &a[mid]);
        uint32_t pivot = a[mid];
        int32_t i = -1, j = (int32_t)n;
        for (;;) {
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j) break;
            swap_values(&a[i], &a[j]);
        }
        /* a[0..j] <= pivot <= a[j+1..n-1]: recurse into the smaller part, loop on the other */
        uint32_t left = (uint32_t)j + 1, right = n - left;
        if (left < right) {
            quick_sort(a, left);
            a += left;
            n = right;
        } else {
            quick_sort(a + left, right);
            n = left;
        }
    }
    insertion_sort(a, n);
}

static uint32_t kernel_sort(uint32_t rounds)
{
    uint32_t result = 0x9e3779b9u;
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t state = result | 1;
        for (uint32_t i = 0; i < SORT_SIZE; i++)
            sort_array[i] = next_random(&state);
        quick_sort(sort_array, SORT_SIZE);
        for (uint32_t i = 0; i < SORT_SIZE; i++) {
            if (i > 0 && sort_array[i - 1] > sort_array[i]) return 0xbad50000u + i;
            result = result * 33 + sort_array[i];
        }
    }
    return result;
}

/* ---- sieve of Eratosthenes over a limit that changes every round ---- */

#define SIEVE_SIZE 16384

static uint8_t sieve_flags[SIEVE_SIZE];

static uint32_t kernel_sieve(uint32_t rounds)
{
    uint32_t result = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t limit = SIEVE_SIZE - (result & 255);
        for (uint32_t i = 0; i < limit; i++)
            sieve_flags[i] = 1;
        sieve_flags[0] = sieve_flags[1] = 0;
        for (uint32_t i = 2; i * i < limit; i++)
            if (sieve_flags[i])
                for (uint32_t j = i * i; j < limit; j += i)
                    sieve_flags[j] = 0;
        uint32_t count = 0, sum = 0;
        for (uint32_t i = 0; i < limit; i++) {
            if (sieve_flags[i]) {
                count++;
                sum += i;
            }
        }
        result = (result * 31 + count) ^ sum;
    }
    return result;
}

/* ---- pointer chasing along a list laid out in shuffled order ---- */

#define LIST_SIZE 8192

struct list_node {
    struct list_node *next;
    uint32_t value;
};

static struct list_node list_nodes[LIST_SIZE];
static uint32_t list_order[LIST_SIZE];

static uint32_t kernel_listwalk(uint32_t rounds)
{
    uint32_t state = 0x3c6ef372u;
    for (uint32_t i = 0; i < LIST_SIZE; i++)
        list_order[i] = i;
    for (uint32_t i = LIST_SIZE - 1; i > 0; i--) {
        uint32_t j = random_below(&state, i + 1);
        uint32_t t = list_order[i];
        list_order[i] = list_order[j];
        list_order[j] = t;
    }
    for (uint32_t i = 0; i < LIST_SIZE; i++) {
        struct list_node *node = &list_nodes[list_order[i]];
        node->next = &list_nodes[list_order[(i + 1) % LIST_SIZE]];
        node->value = next_random(&state);
    }
    struct list_node *node = &list_nodes[list_order[0]];
    uint32_t result = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t step = 0; step < LIST_SIZE; step++) {
            result = (result ^ node->value) * 0x01000193u;
            node = node->next;
        }
        node->value += result;
        node = node->next;
    }
    return result;
}

/* ---- memcpy and memset as small firmware libraries write them ---- */

#define MEMORY_WORDS 2048

static uint32_t memory_source[MEMORY_WORDS];
static uint32_t memory_destination[MEMORY_WORDS + 16];

/* Words when both ends are word-aligned, bytes otherwise. */
static void copy_memory(void *destination, const void *source, uint32_t length)
{
    uint8_t *d = destination;
    const uint8_t *s = source;
    if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
        uint32_t *dw = destination;
        const uint32_t *sw = source;
        for (; length >= 16; length -= 16, dw += 4, sw += 4) {
            dw[0] = sw[0];
            dw[1] = sw[1];
            dw[2] = sw[2];
            dw[3] = sw[3];
        }
        for (; length >= 4; length -= 4)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (length--)
        *d++ = *s++;
}

/* Bytes up to a word boundary, then words, then the tail. */
static void fill_memory(void *destination, uint8_t value, uint32_t length)
{
    uint8_t *d = destination;
    for (; length > 0 && ((uintptr_t)d & 3) != 0; length--)
        *d++ = value;
    uint32_t *dw = (uint32_t *)d;
    uint32_t word = value * 0x01010101u;
    for (; length >= 4; length -= 4)
        *dw++ = word;
    d = (uint8_t *)dw;
    while (length--)
        *d++ = value;
}

static uint32_t kernel_memops(uint32_t rounds)
{
    uint32_t state = 0xa54ff53au;
    for (uint32_t i = 0; i < MEMORY_WORDS; i++)
        memory_source[i] = next_random(&state);
    uint8_t *source = (uint8_t *)memory_source;
    uint8_t *destination = (uint8_t *)memory_destination;
    uint32_t length = MEMORY_WORDS * 4 - 64;
    uint32_t result = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        /* three rounds in four copy aligned words; the fourth copies misaligned bytes */
        uint32_t misalign = (r & 3) == 3 ? 1 + (result & 2) : 0;
        fill_memory(destination + (result & 31), (uint8_t)r, length / 2);
        copy_memory(destination + 4 * (r & 7) + misalign, source + 4 * (result & 7), length);
        for (uint32_t i = 0; i < MEMORY_WORDS; i++)
            result = result * 3 + memory_destination[i];
        memory_source[r % MEMORY_WORDS] ^= result;
    }
    return result;
}

/* ---- strings: FNV-1a hashing into an open-addressing table, inserts and lookups ---- */

#define HASH_WORDS    1024
#define HASH_SLOTS    2048
#define HASH_WORD_MAX 11

static char hash_pool[HASH_WORDS][HASH_WORD_MAX + 1];
static uint16_t hash_table[HASH_SLOTS]; /* word index + 1; 0 is an empty slot */

static uint32_t string_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static int strings_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static uint32_t string_length(const char *s)
{
    uint32_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* The slot holding the word, or the empty slot where it would go. */
static uint32_t hash_find(const char *word, uint32_t salt)
{
    uint32_t slot = (string_hash(word) + salt) & (HASH_SLOTS - 1);
    while (hash_table[slot] && !strings_equal(hash_pool[hash_table[slot] - 1], word))
        slot = (slot + 1) & (HASH_SLOTS - 1);
    return slot;
}

static uint32_t kernel_hash(uint32_t rounds)
{
    uint32_t state = 0x510e527fu;
    for (uint32_t w = 0; w < HASH_WORDS; w++) {
        uint32_t length = 2 + random_below(&state, HASH_WORD_MAX - 1);
        for (uint32_t i = 0; i < length; i++)
            hash_pool[w][i] = (char)('a' + random_below(&state, 6)); /* small alphabet: repeats */
        hash_pool[w][length] = 0;
    }
    uint32_t result = 0;
    char probe[HASH_WORD_MAX + 1];
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < HASH_SLOTS; i++)
            hash_table[i] = 0;
        uint32_t inserted = 0, repeated = 0, found = 0;
        for (uint32_t n = 0; n < HASH_WORDS; n++) {
            uint32_t w = (n + r * 37) % HASH_WORDS;
            uint32_t slot = hash_find(hash_pool[w], r);
            if (hash_table[slot]) {
                repeated++;
            } else {
                hash_table[slot] = (uint16_t)(w + 1);
                inserted++;
            }
        }
        for (uint32_t w = 0; w < HASH_WORDS; w++) {
            uint32_t length = string_length(hash_pool[w]);
            for (uint32_t i = 0; i <= length; i++)
                probe[i] = hash_pool[w][i];
            probe[(w + r) % length] = (char)('a' + (w + r) % 7);
            uint32_t slot = hash_find(probe, r);
            if (hash_table[slot]) {
                found++;
                result += slot;
            }
        }
        result = result * 31 + (inserted << 20) + (repeated << 10) + found;
    }
    return result;
}

const struct bench_kernel bench_kernels[] = {
    {"crc32", kernel_crc32, 200},       {"matmul", kernel_matmul, 32},
    {"sort", kernel_sort, 20},          {"sieve", kernel_sieve, 25},
    {"listwalk", kernel_listwalk, 100}, {"memops", kernel_memops, 250},
    {"hash", kernel_hash, 12},
};
const unsigned bench_kernel_count = sizeof bench_kernels / sizeof bench_kernels[0];
