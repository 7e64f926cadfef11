/* xoshiro128** 1.1, verbatim from Blackman & Vigna's reference xoshiro128starstar.c (public domain),
   plus splitmix32 as the study seeds it (golden-ratio increment, murmur3-style finaliser). */
#include <stdint.h>
#include <stdio.h>
static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t s[4];
uint32_t next(void) {
	const uint32_t result = rotl(s[1] * 5, 7) * 9;
	const uint32_t t = s[1] << 9;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 11);
	return result;
}
static uint32_t sm;
uint32_t splitmix32(void) {
	uint32_t z = (sm += 0x9e3779b9u);
	z = (z ^ (z >> 16)) * 0x85ebca6bu;
	z = (z ^ (z >> 13)) * 0xc2b2ae35u;
	return z ^ (z >> 16);
}
static void dump(const char *label) {
	printf("%s:", label);
	for (int i = 0; i < 8; i++) printf(" %u", next());
	printf("\n");
}
int main(void) {
	s[0] = 1; s[1] = 2; s[2] = 3; s[3] = 4; dump("words 1 2 3 4");
	s[0] = 0x01234567u; s[1] = 0x89abcdefu; s[2] = 0xfedcba98u; s[3] = 0x76543210u; dump("words 01234567 89abcdef fedcba98 76543210");
	/* 1000 draws in, to catch a wrong rotation that only shows after mixing */
	s[0] = 1; s[1] = 2; s[2] = 3; s[3] = 4; for (int i = 0; i < 1000; i++) next(); dump("words 1 2 3 4 after 1000 draws");
	uint32_t seeds[] = {0, 1, 42, 0xffffffffu};
	for (int k = 0; k < 4; k++) {
		sm = seeds[k];
		s[0] = splitmix32(); s[1] = splitmix32(); s[2] = splitmix32(); s[3] = splitmix32();
		printf("splitmix32 seed %u state: %u %u %u %u\n", seeds[k], s[0], s[1], s[2], s[3]);
		dump("  draws");
	}
	return 0;
}
