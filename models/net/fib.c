/* Longest-prefix-match table: one open-addressing hash table keyed by
 * (prefix, length), plus a bitmap of the lengths in use.  A lookup probes
 * only the lengths present, longest first; real tables here hold a handful
 * of distinct lengths (/32 local, /24 links, /0 default), so a lookup costs
 * two or three hash probes.  Deletion shifts entries back (no tombstones).
 *
 * In front of the probes sits a direct-mapped memo of recent lookups, one
 * entry per slot, keyed by the whole address and holding a copy of
 * the answer: a router forwards to the same few thousand destinations over
 * and over, and one memo line is cheaper than a probe per length plus the
 * route's own line (each a cache miss once the table outgrows the
 * caches).  Every change to the table bumps its generation, which voids
 * every memo at once, so a lookup is always the exact longest match of the
 * table as it is now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "sim/util.h"

#define EMPTY 0xff

_Static_assert(sizeof(struct fib_memo) == 32, "two memo entries per cache line");

static inline uint32_t slot_hash(uint32_t prefix, int len, uint32_t mask)
{
	uint64_t x = ((uint64_t)prefix << 6 | (uint64_t)len) * 0x9e3779b97f4a7c15ull;
	return (uint32_t)(x >> 32) & mask;
}

void fib_init(struct fib *f)
{
	memset(f, 0, sizeof(*f));
}

void fib_free(struct fib *f)
{
	free(f->slots);
	free(f->memo);
	memset(f, 0, sizeof(*f));
}

static void fib_rehash(struct fib *f, uint32_t cap)
{
	struct route *old = f->slots;
	uint32_t oldcap = f->cap;
	f->slots = xmalloc((size_t)cap * sizeof(*f->slots));
	for (uint32_t i = 0; i < cap; i++)
		f->slots[i].len = EMPTY;
	f->cap = cap;
	free(f->memo);
	/* line-aligned, so no entry straddles two lines; generation 0 is
	 * never current */
	f->memo = aligned_alloc(64, cap * sizeof(*f->memo));
	if (!f->memo) {
		fprintf(stderr, "wirelab: out of memory for a routing table of %u slots\n", cap);
		abort();
	}
	memset(f->memo, 0, cap * sizeof(*f->memo));
	for (uint32_t i = 0; i < oldcap; i++) {
		if (old[i].len == EMPTY)
			continue;
		uint32_t j = slot_hash(old[i].prefix, old[i].len, cap - 1);
		while (f->slots[j].len != EMPTY)
			j = (j + 1) & (cap - 1);
		f->slots[j] = old[i];
	}
	free(old);
}

static struct route *find_slot(const struct fib *f, uint32_t prefix, int len)
{
	if (!f->cap)
		return NULL;
	uint32_t mask = f->cap - 1;
	for (uint32_t j = slot_hash(prefix, len, mask);; j = (j + 1) & mask) {
		struct route *r = &f->slots[j];
		if (r->len == EMPTY)
			return NULL;
		if (r->len == len && r->prefix == prefix)
			return r;
	}
}

/* The table changed: forget every memo (generation 0 marks an unused one). */
static void changed(struct fib *f)
{
	if (++f->gen == 0) {
		memset(f->memo, 0, f->cap * sizeof(*f->memo));
		f->gen = 1;
	}
}

void fib_add(struct fib *f, uint32_t prefix, int len, enum route_type type, struct iface *out)
{
	prefix &= prefix_mask(len);
	changed(f);
	struct route *r = find_slot(f, prefix, len);
	if (r) {
		r->type = (uint8_t)type;
		r->out = out;
		return;
	}
	if ((f->count + 1) * 2 > f->cap)
		fib_rehash(f, f->cap ? f->cap * 2 : 16);
	uint32_t mask = f->cap - 1, j = slot_hash(prefix, len, mask);
	while (f->slots[j].len != EMPTY)
		j = (j + 1) & mask;
	f->slots[j] = (struct route){ prefix, (uint8_t)len, (uint8_t)type, out };
	f->count++;
	f->per_len[len]++;
	f->lens |= 1ull << len;
}

bool fib_remove(struct fib *f, uint32_t prefix, int len)
{
	prefix &= prefix_mask(len);
	struct route *r = find_slot(f, prefix, len);
	if (!r)
		return false;
	changed(f);
	uint32_t mask = f->cap - 1, i = (uint32_t)(r - f->slots);
	/* backward-shift deletion keeps every probe chain unbroken */
	for (uint32_t j = (i + 1) & mask; f->slots[j].len != EMPTY; j = (j + 1) & mask) {
		uint32_t home = slot_hash(f->slots[j].prefix, f->slots[j].len, mask);
		/* may j's entry move to i?  only if i lies cyclically in [home, j) */
		bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
		if (movable) {
			f->slots[i] = f->slots[j];
			i = j;
		}
	}
	f->slots[i].len = EMPTY;
	f->count--;
	if (--f->per_len[len] == 0)
		f->lens &= ~(1ull << len);
	return true;
}

static const struct route *lpm(const struct fib *f, uint32_t addr)
{
	uint64_t lens = f->lens;
	while (lens) {
		int len = 63 - __builtin_clzll(lens);
		const struct route *r = find_slot(f, addr & prefix_mask(len), len);
		if (r)
			return r;
		lens &= ~(1ull << len);
	}
	return NULL;
}

const struct route *fib_lookup(const struct fib *f, uint32_t addr)
{
	if (!f->cap)
		return NULL;
	/* the memo is a cache, not part of the table's value: filling it
	 * leaves the table as it was */
	struct fib_memo *m = &f->memo[(uint32_t)((addr * 0x9e3779b97f4a7c15ull) >> 32) & (f->cap - 1)];
	if (m->addr != addr || m->gen != f->gen) {
		const struct route *r = lpm(f, addr);
		m->addr = addr;
		m->gen = f->gen;
		m->found = r != NULL;
		if (r)
			m->r = *r;
	}
	return m->found ? &m->r : NULL;
}

const struct route *fib_get(const struct fib *f, uint32_t prefix, int len)
{
	return find_slot(f, prefix & prefix_mask(len), len);
}

static int route_order(const void *a, const void *b)
{
	const struct route *x = a, *y = b;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

void fib_walk(const struct fib *f, void (*fn)(const struct route *r, void *arg), void *arg)
{
	if (!f->count)
		return;
	struct route *v = xmalloc(f->count * sizeof(*v));
	uint32_t n = 0;
	for (uint32_t i = 0; i < f->cap; i++)
		if (f->slots[i].len != EMPTY)
			v[n++] = f->slots[i];
	qsort(v, n, sizeof(*v), route_order);
	for (uint32_t i = 0; i < n; i++)
		fn(&v[i], arg);
	free(v);
}
