// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * X25519 (RFC 7748) for x86-64 CPUs with BMI2 and ADX: field elements in four
 * 64-bit limbs, multiplied with MULX and the two independent carry chains of
 * ADCX/ADOX, so a product is 16 (a square 10) multiplications instead of fe51's
 * 25 (15).  Values are kept below 2^256, not below p: the high half of a
 * product folds back in times 38 (2^256 = 38 mod p), and only tobytes
 * reduces fully.  Constant time: no branches or table lookups on secrets.
 */
#include "crypto.h"
#include "util.h"

#if defined(__x86_64__) && defined(__LP64__) && defined(__GNUC__)

#include <cpuid.h>

typedef uint64_t fe[4];

/*
 * Fold the 512-bit value in r8..r15 into h: low + 38 * high (2^256 = 38 mod
 * p) gives a 263-bit value, whose bits from 255 up then fold in times 19
 * (2^255 = 19 mod p; add/adc/shr shifts bit 255 into the top limb).  So
 * every product is below 2^255 + 2^11, which lets add and sub fold their
 * carry only once.
 */
#define REDUCE_STORE                                                    \
	"mov $38, %%edx\n\t"                                            \
	"xor %%eax, %%eax\n\t"                                          \
	"mulx %%r12, %%rax, %%rcx\n\t"                                  \
	"adcx %%rax, %%r8\n\t"                                          \
	"adox %%rcx, %%r9\n\t"                                          \
	"mulx %%r13, %%rax, %%rcx\n\t"                                  \
	"adcx %%rax, %%r9\n\t"                                          \
	"adox %%rcx, %%r10\n\t"                                         \
	"mulx %%r14, %%rax, %%rcx\n\t"                                  \
	"adcx %%rax, %%r10\n\t"                                         \
	"adox %%rcx, %%r11\n\t"                                         \
	"mulx %%r15, %%rax, %%r12\n\t"                                  \
	"adcx %%rax, %%r11\n\t"                                         \
	"mov $0, %%eax\n\t"                                             \
	"adox %%rax, %%r12\n\t"                                         \
	"adcx %%rax, %%r12\n\t"                                         \
	"add %%r11, %%r11\n\t"                                          \
	"adc %%r12, %%r12\n\t"                                          \
	"shr $1, %%r11\n\t"                                             \
	"imul $19, %%r12, %%r12\n\t"                                    \
	"add %%r12, %%r8\n\t"                                           \
	"adc %%rax, %%r9\n\t"                                           \
	"adc %%rax, %%r10\n\t"                                          \
	"adc %%rax, %%r11\n\t"                                          \
	"mov %%r8, 0(%0)\n\t"                                           \
	"mov %%r9, 8(%0)\n\t"                                           \
	"mov %%r10, 16(%0)\n\t"                                         \
	"mov %%r11, 24(%0)\n\t"

#define CLOBBERS "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory"

/*
 * One row of the schoolbook product: r[i..i+4] += f[i] * g.  Low halves go
 * down the CF chain, high halves down the OF chain; both end in the new top.
 */
#define MUL_ROW(off, a, b, c, d, top)                                   \
	"mov " #off "(%1), %%rdx\n\t"                                   \
	"xor %%eax, %%eax\n\t"                                          \
	"mulx 0(%2), %%rax, %%rcx\n\t"                                  \
	"adcx %%rax, " a "\n\t"                                         \
	"adox %%rcx, " b "\n\t"                                         \
	"mulx 8(%2), %%rax, %%rcx\n\t"                                  \
	"adcx %%rax, " b "\n\t"                                         \
	"adox %%rcx, " c "\n\t"                                         \
	"mulx 16(%2), %%rax, %%rcx\n\t"                                 \
	"adcx %%rax, " c "\n\t"                                         \
	"adox %%rcx, " d "\n\t"                                         \
	"mulx 24(%2), %%rax, " top "\n\t"                               \
	"adcx %%rax, " d "\n\t"                                         \
	"mov $0, %%eax\n\t"                                             \
	"adox %%rax, " top "\n\t"                                       \
	"adcx %%rax, " top "\n\t"

/* h = f * g; inputs below 2^256, h may alias either: it is written last. */
static inline void fe_mul(fe h, const fe f, const fe g)
{
	__asm__ __volatile__(
		"mov 0(%1), %%rdx\n\t"
		"mulx 0(%2), %%r8, %%r9\n\t"
		"mulx 8(%2), %%rax, %%r10\n\t"
		"add %%rax, %%r9\n\t"
		"mulx 16(%2), %%rax, %%r11\n\t"
		"adc %%rax, %%r10\n\t"
		"mulx 24(%2), %%rax, %%r12\n\t"
		"adc %%rax, %%r11\n\t"
		"adc $0, %%r12\n\t"
		MUL_ROW(8, "%%r9", "%%r10", "%%r11", "%%r12", "%%r13")
		MUL_ROW(16, "%%r10", "%%r11", "%%r12", "%%r13", "%%r14")
		MUL_ROW(24, "%%r11", "%%r12", "%%r13", "%%r14", "%%r15")
		REDUCE_STORE
		: : "r"(h), "r"(f), "r"(g) : CLOBBERS);
}

/*
 * h = f^2: the six cross products once (CF and OF chains for the two
 * overlapping rows), then doubled on the CF chain while the four squares
 * are added on the OF chain.
 */
static inline void fe_sq(fe h, const fe f)
{
	__asm__ __volatile__(
		"xor %%eax, %%eax\n\t"
		"mov 0(%1), %%rdx\n\t"
		"mulx 8(%1), %%r9, %%r10\n\t"
		"mulx 16(%1), %%rax, %%r11\n\t"
		"adcx %%rax, %%r10\n\t"
		"mulx 24(%1), %%rax, %%r12\n\t"
		"adcx %%rax, %%r11\n\t"
		"mov 8(%1), %%rdx\n\t"
		"mulx 24(%1), %%rax, %%r13\n\t"
		"adcx %%rax, %%r12\n\t"
		"mulx 16(%1), %%rax, %%rcx\n\t"
		"adox %%rax, %%r11\n\t"
		"adox %%rcx, %%r12\n\t"
		"mov 16(%1), %%rdx\n\t"
		"mulx 24(%1), %%rax, %%r14\n\t"
		"adcx %%rax, %%r13\n\t"
		"mov $0, %%eax\n\t"
		"adox %%rax, %%r13\n\t"
		"adcx %%rax, %%r14\n\t"
		"adox %%rax, %%r14\n\t"

		"xor %%r15d, %%r15d\n\t"
		"mov 0(%1), %%rdx\n\t"
		"mulx %%rdx, %%r8, %%rcx\n\t"
		"adcx %%r9, %%r9\n\t"
		"adox %%rcx, %%r9\n\t"
		"mov 8(%1), %%rdx\n\t"
		"mulx %%rdx, %%rax, %%rcx\n\t"
		"adcx %%r10, %%r10\n\t"
		"adox %%rax, %%r10\n\t"
		"adcx %%r11, %%r11\n\t"
		"adox %%rcx, %%r11\n\t"
		"mov 16(%1), %%rdx\n\t"
		"mulx %%rdx, %%rax, %%rcx\n\t"
		"adcx %%r12, %%r12\n\t"
		"adox %%rax, %%r12\n\t"
		"adcx %%r13, %%r13\n\t"
		"adox %%rcx, %%r13\n\t"
		"mov 24(%1), %%rdx\n\t"
		"mulx %%rdx, %%rax, %%rcx\n\t"
		"adcx %%r14, %%r14\n\t"
		"adox %%rax, %%r14\n\t"
		"adcx %%r15, %%r15\n\t"
		"adox %%rcx, %%r15\n\t"
		REDUCE_STORE
		: : "r"(h), "r"(f) : CLOBBERS);
}

/*
 * h = f + g for f, g below 2^255 + 2^24 (products, or the inputs): a carry
 * out of 2^256 is 38, and after one the sum is below 2^25, so adding the 38
 * to the bottom limb carries no further.
 */
static inline void fe_add(fe h, const fe f, const fe g)
{
	uint64_t t0, t1, t2, t3, c;

	__asm__ __volatile__(
		"mov 0(%5), %0\n\t"
		"add 0(%6), %0\n\t"
		"mov 8(%5), %1\n\t"
		"adc 8(%6), %1\n\t"
		"mov 16(%5), %2\n\t"
		"adc 16(%6), %2\n\t"
		"mov 24(%5), %3\n\t"
		"adc 24(%6), %3\n\t"
		"sbb %4, %4\n\t"
		"and $38, %4\n\t"
		"add %4, %0\n\t"
		"mov %0, 0(%7)\n\t"
		"mov %1, 8(%7)\n\t"
		"mov %2, 16(%7)\n\t"
		"mov %3, 24(%7)\n\t"
		: "=&r"(t0), "=&r"(t1), "=&r"(t2), "=&r"(t3), "=&r"(c)
		: "r"(f), "r"(g), "r"(h) : "cc", "memory");
}

/*
 * h = f - g for the same f, g: a borrow is taken back as 38, which can
 * borrow through the limbs but not out of the top, as h is then above 2^254.
 */
static inline void fe_sub(fe h, const fe f, const fe g)
{
	uint64_t t0, t1, t2, t3, c;

	__asm__ __volatile__(
		"mov 0(%5), %0\n\t"
		"sub 0(%6), %0\n\t"
		"mov 8(%5), %1\n\t"
		"sbb 8(%6), %1\n\t"
		"mov 16(%5), %2\n\t"
		"sbb 16(%6), %2\n\t"
		"mov 24(%5), %3\n\t"
		"sbb 24(%6), %3\n\t"
		"sbb %4, %4\n\t"
		"and $38, %4\n\t"
		"sub %4, %0\n\t"
		"sbb $0, %1\n\t"
		"sbb $0, %2\n\t"
		"sbb $0, %3\n\t"
		"mov %0, 0(%7)\n\t"
		"mov %1, 8(%7)\n\t"
		"mov %2, 16(%7)\n\t"
		"mov %3, 24(%7)\n\t"
		: "=&r"(t0), "=&r"(t1), "=&r"(t2), "=&r"(t3), "=&r"(c)
		: "r"(f), "r"(g), "r"(h) : "cc", "memory");
}

/*
 * h = f * 121665 + g, the ladder's AA + a24 * E with a24 = (A - 2) / 4: a
 * 273-bit sum whose bits from 255 up fold in times 19, leaving h below
 * 2^255 + 2^23 like a product.
 */
static inline void fe_mul_a24_add(fe h, const fe f, const fe g)
{
	__asm__ __volatile__(
		"mov $121665, %%edx\n\t"
		"mulx 0(%1), %%r8, %%r9\n\t"
		"mulx 8(%1), %%rax, %%r10\n\t"
		"add %%rax, %%r9\n\t"
		"mulx 16(%1), %%rax, %%r11\n\t"
		"adc %%rax, %%r10\n\t"
		"mulx 24(%1), %%rax, %%rcx\n\t"
		"adc %%rax, %%r11\n\t"
		"adc $0, %%rcx\n\t"
		"add 0(%2), %%r8\n\t"
		"adc 8(%2), %%r9\n\t"
		"adc 16(%2), %%r10\n\t"
		"adc 24(%2), %%r11\n\t"
		"adc $0, %%rcx\n\t"
		"add %%r11, %%r11\n\t"
		"adc %%rcx, %%rcx\n\t"
		"shr $1, %%r11\n\t"
		"imul $19, %%rcx, %%rcx\n\t"
		"xor %%eax, %%eax\n\t"
		"add %%rcx, %%r8\n\t"
		"adc %%rax, %%r9\n\t"
		"adc %%rax, %%r10\n\t"
		"adc %%rax, %%r11\n\t"
		"mov %%r8, 0(%0)\n\t"
		"mov %%r9, 8(%0)\n\t"
		"mov %%r10, 16(%0)\n\t"
		"mov %%r11, 24(%0)\n\t"
		: : "r"(h), "r"(f), "r"(g) : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "cc", "memory");
}

static void fe_frombytes(fe h, const uint8_t s[32])
{
	for (int i = 0; i < 4; i++)
		h[i] = wg_le64(s + 8 * i);
	h[3] &= INT64_MAX;	/* RFC 7748: bit 255 is ignored */
}

/* h += c, for h below 2^255 and c small: no carry out of the top. */
static void add_small(fe h, uint64_t c)
{
	for (int i = 0; i < 4; i++) {
		h[i] += c;
		c = h[i] < c;
	}
}

/*
 * The canonical value below p: fold bit 255 in as 19, leaving h < 2^255 + 19;
 * then h >= p exactly when h + 19 reaches bit 255, and h + 19 - 2^255 is the
 * answer.  Selected with a mask, not a branch.
 */
static void fe_tobytes(uint8_t s[32], const fe f)
{
	fe h = { f[0], f[1], f[2], f[3] }, t;
	uint64_t top = h[3] >> 63, mask;

	h[3] &= INT64_MAX;
	add_small(h, 19 * top);
	memcpy(t, h, sizeof(fe));
	add_small(t, 19);
	mask = 0 - (t[3] >> 63);
	t[3] &= INT64_MAX;
	for (int i = 0; i < 4; i++)
		wg_put_le64(s + 8 * i, (t[i] & mask) | (h[i] & ~mask));
	wg_memzero(h, sizeof(h));
	wg_memzero(t, sizeof(t));
}

/* The ladder, inversion and swap, the same for every field representation. */
#include "curve25519_ladder.h"

static const struct wg_x25519_impl fe64 = {
	.name = "fe64",
	.x25519 = x25519_ladder,
};

/* CPUID leaf 7 directly: clang's __builtin_cpu_supports() has no "adx". */
const struct wg_x25519_impl *wg_x25519_fe64_get(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx))
		return NULL;
	if (!(ebx & bit_BMI2) || !(ebx & bit_ADX))
		return NULL;
	return &fe64;
}

#else

const struct wg_x25519_impl *wg_x25519_fe64_get(void)
{
	return NULL;
}

#endif
