/* The HTTP/1.x parser (models/http/http1.c) and the URL parser against
 * 10^6 mutated inputs (byte flips, insertions, deletions, repeated spans,
 * truncations, random bytes) fed in random splits, under ASan in the san
 * build: no crash, no read past the bytes given, consumption never exceeds
 * what was given, and the parser always ends in a definite state.  Then
 * known cases with the answer RFC 9112 gives: well-formed requests and
 * responses in any split parse to the same fields; obs-fold, bare CR,
 * conflicting Content-Length, Transfer-Encoding, a missing Host in 1.1,
 * whitespace before the colon, too long a line are errors (§2.2, §3.2,
 * §5.1, §5.2, §6.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models/http/http1.h"
#include "models/http/http_priv.h"

static uint64_t rs = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) /* xorshift64*: the test's own inputs, fixed seed */
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 2685821657736338717ull;
}
static size_t below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

static const char *const seeds_req[] = {
	"GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: wirelab\r\nAccept: */*\r\n\r\n",
	"GET /obj1?x=1 HTTP/1.1\r\nHost: www.example.test:8080\r\nConnection: keep-alive\r\n\r\n"
	"GET /obj2 HTTP/1.1\r\nHost: www.example.test\r\n\r\n",
	"POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello",
	"GET / HTTP/1.0\r\n\r\n",
	"HEAD /x HTTP/1.1\r\nHost: h\r\nConnection: close, TE\r\n\r\n",
	"\r\nGET / HTTP/1.1\nHost: lf-only\n\n",
};
static const char *const seeds_resp[] = {
	"HTTP/1.1 200 OK\r\nServer: wirelab\r\nContent-Type: application/octet-stream\r\nContent-Length: 10\r\n"
	"Connection: keep-alive\r\n\r\n0123456789",
	"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
	"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\nuntil the close",
	"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
};

static struct h1_parser P; /* 8 KiB line buffer: static, reset per input */

/* Feeds buf in random splits until it is used up or the parser stops; on
 * H1_DONE the parser is reset for the next message (as the server does). */
static void feed_all(struct h1_parser *p, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int guard = 0;
	while (off < len) {
		assert_true(++guard < 100000);
		size_t chunk = 1 + below(len - off);
		size_t used = 0;
		enum h1_status st = h1_feed(p, buf + off, chunk, &used);
		assert_true(used <= chunk);
		off += used;
		if (st == H1_ERROR) {
			assert_non_null(p->error);
			return;
		}
		if (st == H1_DONE)
			h1_reset(p);
		/* the body may be skipped instead of fed */
		uint64_t body = h1_body_left(p);
		if (body && body != UINT64_MAX && (rnd() & 1)) {
			uint64_t n = body < len - off ? body : len - off;
			if (h1_body_skip(p, n) == H1_DONE)
				h1_reset(p);
			off += n;
		}
		if (st == H1_MORE && used == 0 && chunk > 0)
			fail_msg("no progress at offset %zu", off);
	}
	enum h1_status e = h1_eof(p);
	assert_true(e == H1_DONE || e == H1_ERROR || e == H1_MORE);
}

static size_t mutate(uint8_t *b, size_t len, size_t cap)
{
	int k = 1 + (int)below(4);
	while (k--) {
		switch (below(7)) {
		case 0: /* flip a byte */
			if (len)
				b[below(len)] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* random byte */
			if (len)
				b[below(len)] = (uint8_t)rnd();
			break;
		case 2: /* insert an interesting byte */
			if (len < cap) {
				static const uint8_t pick[] = { '\r', '\n', ' ', ':', '\t', 0, 0x7f, 0xff, '0', '9', '-' };
				size_t at = below(len + 1);
				memmove(b + at + 1, b + at, len - at);
				b[at] = pick[below(sizeof(pick))];
				len++;
			}
			break;
		case 3: /* delete a span */
			if (len) {
				size_t at = below(len), n = 1 + below(len - at);
				memmove(b + at, b + at + n, len - at - n);
				len -= n;
			}
			break;
		case 4: /* repeat a span */
			if (len) {
				size_t at = below(len), n = 1 + below(len - at);
				if (n > 64)
					n = 64;
				if (len + n <= cap) {
					memmove(b + at + n, b + at, len - at);
					len += n;
				}
			}
			break;
		case 5: /* truncate */
			len = below(len + 1);
			break;
		case 6: /* a long run of one character (line limits) */
			if (len + 9000 <= cap && (rnd() % 50) == 0) {
				size_t at = below(len + 1);
				memmove(b + at + 9000, b + at, len - at);
				memset(b + at, (rnd() & 1) ? 'a' : ' ', 9000);
				len += 9000;
			}
			break;
		}
	}
	return len;
}

static void test_fuzz(void **state)
{
	(void)state;
	static uint8_t buf[40000];
	const int N = 1000000;
	for (int i = 0; i < N; i++) {
		bool req = i & 1;
		const char *seed = req ? seeds_req[below(sizeof(seeds_req) / sizeof(*seeds_req))]
				       : seeds_resp[below(sizeof(seeds_resp) / sizeof(*seeds_resp))];
		size_t len = strlen(seed);
		memcpy(buf, seed, len);
		if (i % 97 == 0) { /* pure noise now and then */
			len = below(300);
			for (size_t j = 0; j < len; j++)
				buf[j] = (uint8_t)rnd();
		} else {
			len = mutate(buf, len, sizeof(buf));
		}
		P.kind = req ? H1_REQUEST : H1_RESPONSE;
		h1_reset(&P);
		P.head_request = false;
		feed_all(&P, buf, len);
	}
	h1_free(&P);
}

static void test_url_fuzz(void **state)
{
	(void)state;
	char buf[1400], err[128];
	struct http_url u;
	static const char *const seeds[] = { "http://10.0.0.2/obj", "https://www.example.test:8443/a/b?c=d#e",
					     "http://h:80", "https://x/" };
	for (int i = 0; i < 200000; i++) {
		const char *s = seeds[below(4)];
		size_t len = strlen(s);
		memcpy(buf, s, len);
		len = mutate((uint8_t *)buf, len, sizeof(buf) - 1);
		buf[len] = '\0';
		if (http_url_parse(buf, &u, err) == 0) {
			assert_true(u.port >= 1);
			assert_true(u.path[0] == '/');
			assert_true(u.host[0] != '\0');
		} else {
			assert_true(err[0] != '\0');
		}
	}
}

static enum h1_status parse_str(enum h1_kind kind, const char *s)
{
	h1_free(&P);
	h1_init(&P, kind);
	size_t len = strlen(s), off = 0;
	enum h1_status st = H1_MORE;
	while (off < len) {
		size_t used;
		st = h1_feed(&P, (const uint8_t *)s + off, len - off, &used);
		off += used;
		if (st == H1_ERROR || st == H1_DONE)
			break;
	}
	return st;
}

static void test_known(void **state)
{
	(void)state;
	/* every split of a good request gives the same fields */
	const char *good = "GET /a?b HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n";
	for (size_t cut = 0; cut <= strlen(good); cut++) {
		h1_free(&P);
		h1_init(&P, H1_REQUEST);
		size_t used;
		enum h1_status st = h1_feed(&P, (const uint8_t *)good, cut, &used);
		assert_int_equal(used, cut);
		if (st != H1_HEADERS)
			st = h1_feed(&P, (const uint8_t *)good + cut, strlen(good) - cut, &used);
		assert_int_equal(st, H1_HEADERS);
		assert_string_equal(P.method, "GET");
		assert_string_equal(P.target, "/a?b");
		assert_string_equal(P.host, "example.test");
		assert_true(P.conn_close);
		assert_int_equal(P.version_minor, 1);
	}
	/* a response with a body, then one delimited by the close */
	assert_int_equal(parse_str(H1_RESPONSE, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"), H1_HEADERS);
	assert_int_equal(P.status, 200);
	assert_int_equal(h1_body_left(&P), 3);
	assert_int_equal(h1_body_skip(&P, 3), H1_DONE);
	assert_int_equal(parse_str(H1_RESPONSE, "HTTP/1.0 200 OK\r\n\r\n"), H1_HEADERS);
	assert_true(h1_body_left(&P) == UINT64_MAX);
	assert_int_equal(h1_eof(&P), H1_DONE);
	/* errors */
	static const char *const bad_req[] = {
		"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n",        /* obs-fold, §5.2 */
		"GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n",                       /* bare CR, §2.2 */
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", /* §6.3 */
		"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",                                         /* no Host, §3.2 */
		"GET / HTTP/1.1\r\nHost : a\r\n\r\n",                             /* space before colon, §5.1 */
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",                   /* two Hosts, §3.2 */
		"GET / HTTP/2.0\r\n\r\n", "G@T / HTTP/1.1\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad_req) / sizeof(*bad_req); i++)
		if (parse_str(H1_REQUEST, bad_req[i]) != H1_ERROR)
			fail_msg("accepted: %s", bad_req[i]);
	static char longline[H1_LINE_MAX + 100];
	memcpy(longline, "GET /", 5);
	memset(longline + 5, 'a', sizeof(longline) - 6);
	assert_int_equal(parse_str(H1_REQUEST, longline), H1_ERROR);
	assert_int_equal(parse_str(H1_RESPONSE, "HTTP/1.1 20 OK\r\n\r\n"), H1_ERROR);
	assert_int_equal(parse_str(H1_RESPONSE, "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"), H1_ERROR);
	/* cut short */
	parse_str(H1_RESPONSE, "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n");
	assert_int_equal(h1_eof(&P), H1_ERROR);
	h1_free(&P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_url_fuzz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
