/* Loading a CAIDA AS-relationship file (plain or bzip2, through libbz2)
 * and building one speaker per AS joined by direct channels.  See
 * bgp_asgraph.h. */
#include "bgp_asgraph.h"

#include <bzlib.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp_chan.h"
#include "sim/util.h"

/* A line reader over a plain or bzip2 file. */
struct reader {
	FILE *f;
	BZFILE *bz;
	char buf[1 << 16];
	size_t len, off;
	bool eof, err;
};

static int reader_open(struct reader *r, const char *path, struct errbuf *err)
{
	memset(r, 0, sizeof(*r));
	r->f = fopen(path, "rb");
	if (!r->f) {
		err_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	unsigned char magic[3] = { 0 };
	size_t n = fread(magic, 1, 3, r->f);
	rewind(r->f);
	if (n == 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
		int bzerr;
		r->bz = BZ2_bzReadOpen(&bzerr, r->f, 0, 0, NULL, 0);
		if (bzerr != BZ_OK) {
			err_set(err, "%s: cannot read as bzip2 (error %d)", path, bzerr);
			fclose(r->f);
			return -1;
		}
	}
	return 0;
}

static void fill(struct reader *r)
{
	if (r->off) {
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->len -= r->off;
		r->off = 0;
	}
	if (r->eof)
		return;
	size_t room = sizeof(r->buf) - r->len;
	if (r->bz) {
		int bzerr;
		int n = BZ2_bzRead(&bzerr, r->bz, r->buf + r->len, (int)room);
		if (bzerr != BZ_OK && bzerr != BZ_STREAM_END) {
			r->err = true;
			r->eof = true;
			return;
		}
		if (n > 0)
			r->len += (size_t)n;
		if (bzerr == BZ_STREAM_END)
			r->eof = true;
	} else {
		size_t n = fread(r->buf + r->len, 1, room, r->f);
		r->len += n;
		if (n == 0)
			r->eof = true;
	}
}

/* The next line (without its newline) or NULL at the end; -1 in *toolong
 * for a line that does not fit the buffer. */
static char *next_line(struct reader *r, bool *toolong)
{
	for (;;) {
		char *s = r->buf + r->off;
		char *nl = memchr(s, '\n', r->len - r->off);
		if (nl) {
			*nl = 0;
			r->off = (size_t)(nl - r->buf) + 1;
			return s;
		}
		if (r->eof) {
			if (r->off == r->len)
				return NULL;
			if (r->len == sizeof(r->buf)) {
				*toolong = true;
				return NULL;
			}
			r->buf[r->len] = 0; /* a last line without newline */
			r->off = r->len;
			return s;
		}
		if (r->off == 0 && r->len == sizeof(r->buf)) {
			*toolong = true;
			return NULL;
		}
		fill(r);
		if (r->len == sizeof(r->buf) && !memchr(r->buf, '\n', r->len) && r->off == 0) {
			*toolong = true;
			return NULL;
		}
	}
}

static void reader_close(struct reader *r)
{
	if (r->bz) {
		int bzerr;
		BZ2_bzReadClose(&bzerr, r->bz);
	}
	if (r->f)
		fclose(r->f);
}

static int parse_asn(const char *s, char **end, uint32_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, end, 10);
	if (errno || v == 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

struct raw {
	uint32_t a, b;
	int8_t rel;
};

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

int64_t bgp_asgraph_find(const struct bgp_asgraph *g, uint32_t asn)
{
	uint32_t *p = bsearch(&asn, g->asn, g->nas, sizeof(uint32_t), cmp_u32);
	return p ? p - g->asn : -1;
}

int bgp_asgraph_load(const char *path, struct bgp_asgraph *g, struct errbuf *err)
{
	memset(g, 0, sizeof(*g));
	struct reader r;
	if (reader_open(&r, path, err) < 0)
		return -1;
	struct raw *raw = NULL;
	size_t nraw = 0, capraw = 0;
	uint64_t lineno = 0;
	bool toolong = false;
	char *line;
	int rc = 0;
	while ((line = next_line(&r, &toolong))) {
		lineno++;
		size_t n = strlen(line);
		if (n && line[n - 1] == '\r')
			line[--n] = 0;
		if (!n || line[0] == '#')
			continue;
		struct raw x;
		char *e;
		long rel;
		if (parse_asn(line, &e, &x.a) < 0 || *e != '|' || parse_asn(e + 1, &e, &x.b) < 0 || *e != '|') {
			err_set(err, "%s:%llu: expected 'as1|as2|rel' with AS numbers 1..4294967295", path,
				(unsigned long long)lineno);
			rc = -1;
			break;
		}
		errno = 0;
		rel = strtol(e + 1, &e, 10);
		if (errno || (rel != -1 && rel != 0) || (*e && *e != '|')) {
			err_set(err, "%s:%llu: the relationship must be -1 (provider|customer) or 0 (peers)", path,
				(unsigned long long)lineno);
			rc = -1;
			break;
		}
		if (x.a == x.b) {
			err_set(err, "%s:%llu: AS%u linked to itself", path, (unsigned long long)lineno, x.a);
			rc = -1;
			break;
		}
		x.rel = (int8_t)rel;
		xgrow((void **)&raw, &capraw, nraw + 1, sizeof(*raw));
		raw[nraw++] = x;
	}
	if (!rc && (toolong || r.err)) {
		err_set(err, "%s:%llu: %s", path, (unsigned long long)lineno + 1,
			toolong ? "line too long" : "bzip2 data is corrupt");
		rc = -1;
	}
	reader_close(&r);
	if (!rc && nraw == 0) {
		err_set(err, "%s: no links", path);
		rc = -1;
	}
	if (rc) {
		free(raw);
		return -1;
	}
	uint32_t *all = xmalloc(2 * nraw * sizeof(uint32_t));
	for (size_t i = 0; i < nraw; i++) {
		all[2 * i] = raw[i].a;
		all[2 * i + 1] = raw[i].b;
	}
	qsort(all, 2 * nraw, sizeof(uint32_t), cmp_u32);
	size_t k = 0;
	for (size_t i = 0; i < 2 * nraw; i++)
		if (!k || all[i] != all[k - 1])
			all[k++] = all[i];
	g->asn = xrealloc(all, k * sizeof(uint32_t));
	g->nas = (uint32_t)k;
	g->links = xmalloc(nraw * sizeof(*g->links));
	g->nlinks = (uint32_t)nraw;
	for (size_t i = 0; i < nraw; i++)
		g->links[i] = (struct bgp_aslink){ (uint32_t)bgp_asgraph_find(g, raw[i].a),
						    (uint32_t)bgp_asgraph_find(g, raw[i].b), raw[i].rel };
	free(raw);
	return 0;
}

void bgp_asgraph_free(struct bgp_asgraph *g)
{
	free(g->asn);
	free(g->links);
	memset(g, 0, sizeof(*g));
}

int bgp_asgraph_build(struct sim *s, const struct bgp_asgraph *g, const struct bgp_asgraph_cfg *cfg,
		      struct bgp_speaker ***out, struct errbuf *err)
{
	struct bgp_speaker **sp = xcalloc(g->nas ? g->nas : 1, sizeof(*sp));
	for (uint32_t i = 0; i < g->nas; i++) {
		struct bgp_speaker_cfg c = cfg->speaker;
		c.node = NULL;
		c.name = NULL;
		c.as = g->asn[i];
		c.router_id = g->asn[i];
		sp[i] = bgp_speaker_new(s, &c, err);
		if (!sp[i]) {
			free(sp);
			return -1;
		}
	}
	for (uint32_t i = 0; i < g->nlinks; i++) {
		const struct bgp_aslink *l = &g->links[i];
		struct bgp_peer_cfg ca, cb;
		bgp_peer_cfg_default(&ca);
		bgp_peer_cfg_default(&cb);
		ca.rel = l->rel < 0 ? BGP_REL_CUSTOMER : BGP_REL_PEER; /* b to a */
		cb.rel = l->rel < 0 ? BGP_REL_PROVIDER : BGP_REL_PEER; /* a to b */
		struct bgp_peer *pa, *pb;
		bgp_chan_connect(sp[l->a], &ca, sp[l->b], &cb, cfg->delay, &pa, &pb);
		pa->ops->start(pa);
		pb->ops->start(pb);
	}
	*out = sp;
	return 0;
}
