/* Unit tests of `wirelab har` (analysis/har.c): a result file is written
 * through db.h with pages and http_requests rows of known timings, turned
 * into HAR, and the text is read back with a small JSON reader written
 * here for the test alone (RFC 8259 grammar: objects, arrays, strings with
 * escapes, numbers, true, false, null), so the check needs nothing beyond
 * cmocka.  What is checked is HAR 1.2's structure
 * (http://www.softwareishard.com/blog/har-12-spec/): log.version "1.2", a
 * creator, pages with id, startedDateTime, title and pageTimings, entries
 * with every required member of request, response, cache and timings;
 * send, wait and receive non-negative, the optional phases -1 or more,
 * ssl inside connect, and "time" the sum of the non-negative phases other
 * than ssl (the spec's rule); every pageref names a page.  Numbers in the
 * expectations are the rows' ns values divided by 10^6 by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "analysis/har.h"
#include "sim/db.h"
#include "sim/sim.h"

/* ---- a JSON reader for this test ---- */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	double num;
	char *str;
	struct jval **items;  /* J_ARR, J_OBJ */
	char **keys;          /* J_OBJ */
	size_t n;
};

struct jparse {
	const char *p;
	bool bad;
};

static void jfree(struct jval *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}

static void ws(struct jparse *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static char *jstring(struct jparse *j)
{
	if (*j->p != '"') {
		j->bad = true;
		return NULL;
	}
	j->p++;
	size_t cap = 16, n = 0;
	char *s = malloc(cap);
	while (*j->p && *j->p != '"') {
		char c = *j->p++;
		if ((unsigned char)c < 0x20) {
			j->bad = true;
			break;
		}
		if (c == '\\') {
			char e = *j->p++;
			switch (e) {
			case '"': case '\\': case '/': c = e; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				for (int i = 0; i < 4; i++) {
					char h = *j->p++;
					v <<= 4;
					if (h >= '0' && h <= '9') v |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f') v |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F') v |= (unsigned)(h - 'A' + 10);
					else j->bad = true;
				}
				c = v < 0x80 ? (char)v : '?';
				break;
			}
			default: j->bad = true;
			}
		}
		if (n + 2 > cap)
			s = realloc(s, cap *= 2);
		s[n++] = c;
	}
	s[n] = '\0';
	if (*j->p != '"')
		j->bad = true;
	else
		j->p++;
	return s;
}

static struct jval *jvalue(struct jparse *j, int depth)
{
	ws(j);
	struct jval *v = calloc(1, sizeof(*v));
	if (depth > 64 || j->bad) {
		j->bad = true;
		return v;
	}
	char c = *j->p;
	if (c == '{' || c == '[') {
		v->type = c == '{' ? J_OBJ : J_ARR;
		j->p++;
		ws(j);
		char close = c == '{' ? '}' : ']';
		if (*j->p == close) {
			j->p++;
			return v;
		}
		for (;;) {
			char *key = NULL;
			if (v->type == J_OBJ) {
				ws(j);
				key = jstring(j);
				ws(j);
				if (*j->p != ':')
					j->bad = true;
				else
					j->p++;
			}
			v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
			if (v->type == J_OBJ)
				v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
			v->items[v->n] = jvalue(j, depth + 1);
			if (v->type == J_OBJ)
				v->keys[v->n] = key;
			v->n++;
			ws(j);
			if (j->bad)
				return v;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p == close) {
				j->p++;
				return v;
			}
			j->bad = true;
			return v;
		}
	}
	if (c == '"') {
		v->type = J_STR;
		v->str = jstring(j);
		return v;
	}
	if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "null", 4) == 0) {
		v->type = c == 't' ? J_BOOL : J_NULL;
		v->num = 1;
		j->p += 4;
		return v;
	}
	if (strncmp(j->p, "false", 5) == 0) {
		v->type = J_BOOL;
		j->p += 5;
		return v;
	}
	/* RFC 8259 §6 number */
	const char *s = j->p;
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else {
		j->bad = true;
		return v;
	}
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			j->bad = true;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			j->bad = true;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	v->type = J_NUM;
	v->num = strtod(j->p, NULL);
	j->p = s;
	return v;
}

/* The whole text as one value; NULL if it is not JSON. */
static struct jval *jparse(const char *text)
{
	struct jparse j = { text, false };
	struct jval *v = jvalue(&j, 0);
	ws(&j);
	if (j.bad || *j.p) {
		jfree(v);
		return NULL;
	}
	return v;
}

static const struct jval *jget(const struct jval *o, const char *key)
{
	if (!o || o->type != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (o->keys[i] && strcmp(o->keys[i], key) == 0)
			return o->items[i];
	return NULL;
}

static const struct jval *need(const struct jval *o, const char *key, enum jtype t, const char *where)
{
	const struct jval *v = jget(o, key);
	if (!v || v->type != t)
		fail_msg("%s: member '%s' %s", where, key, v ? "has the wrong type" : "is missing");
	return v;
}

/* ---- the HAR 1.2 structure ---- */

static bool iso_time(const char *s)
{
	/* YYYY-MM-DDThh:mm:ss.sssZ */
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
			return false;
	return true;
}

/* Checks the document against HAR 1.2 and returns the number of entries. */
static size_t check_har(const struct jval *doc)
{
	const struct jval *log = need(doc, "log", J_OBJ, "top");
	assert_string_equal(need(log, "version", J_STR, "log")->str, "1.2");
	const struct jval *creator = need(log, "creator", J_OBJ, "log");
	need(creator, "name", J_STR, "creator");
	need(creator, "version", J_STR, "creator");
	const struct jval *pages = need(log, "pages", J_ARR, "log");
	for (size_t i = 0; i < pages->n; i++) {
		const struct jval *p = pages->items[i];
		need(p, "id", J_STR, "page");
		assert_true(iso_time(need(p, "startedDateTime", J_STR, "page")->str));
		need(p, "title", J_STR, "page");
		const struct jval *pt = need(p, "pageTimings", J_OBJ, "page");
		const struct jval *cl = jget(pt, "onContentLoad"), *ol = jget(pt, "onLoad");
		assert_true(!cl || (cl->type == J_NUM && cl->num >= -1));
		assert_true(!ol || (ol->type == J_NUM && ol->num >= -1));
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(jget(pages->items[k], "id")->str, jget(p, "id")->str);
	}
	const struct jval *entries = need(log, "entries", J_ARR, "log");
	for (size_t i = 0; i < entries->n; i++) {
		const struct jval *e = entries->items[i];
		const struct jval *ref = jget(e, "pageref");
		if (ref) {
			assert_int_equal(ref->type, J_STR);
			bool found = false;
			for (size_t k = 0; k < pages->n && !found; k++)
				found = strcmp(jget(pages->items[k], "id")->str, ref->str) == 0;
			if (!found)
				fail_msg("entry %zu: pageref '%s' names no page", i, ref->str);
		}
		assert_true(iso_time(need(e, "startedDateTime", J_STR, "entry")->str));
		double time = need(e, "time", J_NUM, "entry")->num;
		const struct jval *rq = need(e, "request", J_OBJ, "entry");
		need(rq, "method", J_STR, "request");
		need(rq, "url", J_STR, "request");
		need(rq, "httpVersion", J_STR, "request");
		need(rq, "headers", J_ARR, "request");
		need(rq, "queryString", J_ARR, "request");
		need(rq, "cookies", J_ARR, "request");
		need(rq, "headersSize", J_NUM, "request");
		need(rq, "bodySize", J_NUM, "request");
		const struct jval *rs = need(e, "response", J_OBJ, "entry");
		need(rs, "status", J_NUM, "response");
		need(rs, "statusText", J_STR, "response");
		need(rs, "httpVersion", J_STR, "response");
		need(rs, "headers", J_ARR, "response");
		need(rs, "cookies", J_ARR, "response");
		const struct jval *ct = need(rs, "content", J_OBJ, "response");
		need(ct, "size", J_NUM, "content");
		need(ct, "mimeType", J_STR, "content");
		need(rs, "redirectURL", J_STR, "response");
		need(rs, "headersSize", J_NUM, "response");
		need(rs, "bodySize", J_NUM, "response");
		need(e, "cache", J_OBJ, "entry");
		const struct jval *t = need(e, "timings", J_OBJ, "entry");
		double sum = 0;
		static const char *const req[] = { "send", "wait", "receive" };
		for (int k = 0; k < 3; k++) {
			double v = need(t, req[k], J_NUM, "timings")->num;
			assert_true(v >= 0);
			sum += v;
		}
		static const char *const opt[] = { "blocked", "dns", "connect", "ssl" };
		for (int k = 0; k < 4; k++) {
			const struct jval *v = jget(t, opt[k]);
			if (!v)
				continue;
			assert_int_equal(v->type, J_NUM);
			assert_true(v->num >= -1);
			if (v->num < 0)
				assert_true(v->num == -1);
			else if (k != 3)
				sum += v->num;
		}
		const struct jval *ssl = jget(t, "ssl"), *conn = jget(t, "connect");
		if (ssl && ssl->num >= 0)
			assert_true(conn && conn->num >= ssl->num);
		if (fabs(sum - time) > 1e-6)
			fail_msg("entry %zu: timings add up to %.6f ms, time is %.6f ms", i, sum, time);
	}
	return entries->n;
}

/* ---- the fixture ---- */

static char *har_text(struct db *db, int64_t run)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct errbuf err;
	assert_non_null(f);
	if (har_write(db, run, f, &err) < 0)
		fail_msg("har_write: %s", err.msg);
	fclose(f);
	return buf;
}

static const struct jval *entry_by_url(const struct jval *doc, const char *url)
{
	const struct jval *es = jget(jget(doc, "log"), "entries");
	for (size_t i = 0; i < es->n; i++)
		if (strcmp(jget(jget(es->items[i], "request"), "url")->str, url) == 0)
			return es->items[i];
	fail_msg("no entry for %s", url);
	return NULL;
}

static double num_at(const struct jval *o, const char *a, const char *b)
{
	const struct jval *v = jget(b ? jget(o, a) : o, b ? b : a);
	assert_non_null(v);
	return v->num;
}

#define MS 1000000LL

static void test_har_structure(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof(path), "/tmp/wl_test_har_%d.db", (int)getpid());
	unlink(path);
	struct errbuf err;
	struct db *db = db_open(path, &err);
	assert_non_null(db);
	int64_t run = db_run_begin(db, "t.lua", "{}", 1, "test");
	/* page 1: the HTML on a new TLS connection (dns 10, connect 30 of which
	 * ssl 20, send 0.001, wait 10, receive 2.5 ms), then an object reusing
	 * the connection, blocked 5 ms */
	db_page(db, run, &(struct db_page){ 1, "c1", "https://www.example.test/", "h2", 1000 * MS,
					    51 * MS, 80 * MS, 2, 30000, NULL });
	db_http_request(db, run, &(struct db_http_request){
		1, 1, "c1", "https://www.example.test/", "GET", 200, "h2", 1, 1, "10.0.0.2", 1000 * MS,
		0, 10 * MS, 30 * MS, 20 * MS, 1000, 10 * MS, 2500 * 1000, 80, 14100, "text/html", NULL });
	db_http_request(db, run, &(struct db_http_request){
		2, 1, "c1", "https://www.example.test/a.js?v=1&x=\"q\"#frag", "GET", 200, "h2", 1, 3,
		"10.0.0.2", 1052 * MS + 500 * 1000, 5 * MS, -1, -1, -1, 1234, 10 * MS, 12 * MS, 60, 10100,
		NULL, NULL });
	/* outside a page, failed: no response */
	db_http_request(db, run, &(struct db_http_request){
		3, -1, "c2", "http://10.0.0.9/", "GET", 0, "http/1.1", 2, -1, "10.0.0.9", 2000 * MS,
		0, 0, 3000 * MS, -1, -1, -1, -1, 0, 0, NULL, "connection timed out" });
	/* a second run must not leak into the first's file */
	int64_t run2 = db_run_begin(db, "t.lua", "{}", 2, "test");
	db_page(db, run2, &(struct db_page){ 7, "c1", "http://x/", "http/1.1", 0, -1, -1, 0, 0, "dns" });
	assert_int_equal(db_close(db, &err), 0);

	db = db_open_read(path, &err);
	assert_non_null(db);
	char *text = har_text(db, run);
	struct jval *doc = jparse(text);
	if (!doc)
		fail_msg("not JSON:\n%s", text);
	assert_int_equal(check_har(doc), 3);
	const struct jval *log = jget(doc, "log");
	assert_int_equal(jget(log, "pages")->n, 1);
	const struct jval *page = jget(log, "pages")->items[0];
	assert_string_equal(jget(page, "id")->str, "page_1");
	assert_string_equal(jget(page, "startedDateTime")->str, "2000-01-01T00:00:01.000Z");
	assert_true(fabs(num_at(page, "pageTimings", "onLoad") - 80.0) < 1e-9);
	/* the HTML ends at 10 + 30 + 0.001 + 10 + 2.5 = 52.501 ms */
	assert_true(fabs(num_at(page, "pageTimings", "onContentLoad") - 52.501) < 1e-9);

	const struct jval *html = entry_by_url(doc, "https://www.example.test/");
	assert_string_equal(jget(html, "pageref")->str, "page_1");
	assert_true(fabs(num_at(html, "time", NULL) - 52.501) < 1e-9);
	assert_true(fabs(num_at(html, "timings", "ssl") - 20.0) < 1e-9);
	assert_true(fabs(num_at(html, "timings", "connect") - 30.0) < 1e-9);
	assert_true(fabs(num_at(html, "timings", "blocked") - 0.0) < 1e-9);
	assert_string_equal(jget(jget(html, "request"), "httpVersion")->str, "HTTP/2");
	assert_string_equal(jget(jget(html, "response"), "statusText")->str, "OK");
	assert_string_equal(jget(jget(jget(html, "response"), "content"), "mimeType")->str, "text/html");
	assert_string_equal(jget(html, "connection")->str, "1");
	assert_string_equal(jget(html, "serverIPAddress")->str, "10.0.0.2");

	const struct jval *js = entry_by_url(doc, "https://www.example.test/a.js?v=1&x=\"q\"#frag");
	assert_string_equal(jget(js, "startedDateTime")->str, "2000-01-01T00:00:01.052Z");
	assert_true(fabs(num_at(js, "timings", "dns") + 1) < 1e-9);
	assert_true(fabs(num_at(js, "timings", "send") - 0.001) < 1e-9);  /* 1234 ns -> 1 us */
	assert_true(fabs(num_at(js, "time", NULL) - 27.001) < 1e-9);      /* 5 + 0.001 + 10 + 12 */
	const struct jval *qs = jget(jget(js, "request"), "queryString");
	assert_int_equal(qs->n, 2);
	assert_string_equal(jget(qs->items[0], "name")->str, "v");
	assert_string_equal(jget(qs->items[0], "value")->str, "1");
	assert_string_equal(jget(qs->items[1], "name")->str, "x");
	assert_string_equal(jget(qs->items[1], "value")->str, "\"q\"");
	assert_int_equal((int)num_at(js, "_streamId", NULL), 3);

	const struct jval *bad = entry_by_url(doc, "http://10.0.0.9/");
	assert_null(jget(bad, "pageref"));
	assert_int_equal((int)num_at(bad, "response", "status"), 0);
	assert_true(fabs(num_at(bad, "time", NULL) - 3000.0) < 1e-9);
	assert_true(fabs(num_at(bad, "timings", "wait") - 0) < 1e-9);
	assert_string_equal(jget(bad, "_error")->str, "connection timed out");
	assert_string_equal(jget(jget(bad, "request"), "httpVersion")->str, "HTTP/1.1");
	jfree(doc);
	free(text);

	/* run 2: one page that never loaded, no entries */
	text = har_text(db, run2);
	doc = jparse(text);
	assert_non_null(doc);
	assert_int_equal(check_har(doc), 0);
	page = jget(jget(doc, "log"), "pages")->items[0];
	assert_true(num_at(page, "pageTimings", "onLoad") == -1);
	assert_true(num_at(page, "pageTimings", "onContentLoad") == -1);
	jfree(doc);
	free(text);
	db_close(db, &err);
	unlink(path);
}

static void test_har_iso_time(void **state)
{
	(void)state;
	char b[48];
	har_iso_time(b, sizeof(b), 0);
	assert_string_equal(b, "2000-01-01T00:00:00.000Z");
	har_iso_time(b, sizeof(b), 1234567890LL);            /* 1.234567890 s */
	assert_string_equal(b, "2000-01-01T00:00:01.234Z");
	har_iso_time(b, sizeof(b), 86400LL * 1000000000LL * 60 + 999999999LL); /* 60 days */
	assert_string_equal(b, "2000-03-01T00:00:00.999Z");  /* 2000 is a leap year */
}

/* The reader itself: it must refuse what is not JSON, or the checks above
 * could pass on a broken file. */
static void test_reader(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,}", "01", "1.", "\"\x01\"",
					   "[1] x", "tru", "{\"a\":\"b}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jval *v = jparse(bad[i]);
		if (v)
			fail_msg("accepted '%s'", bad[i]);
	}
	struct jval *v = jparse(" {\"a\": [1, -2.5e1, \"x\\n\\u0041\"], \"b\": {}, \"c\": null} ");
	assert_non_null(v);
	assert_true(jget(v, "a")->items[1]->num == -25.0);
	assert_string_equal(jget(v, "a")->items[2]->str, "x\nA");
	jfree(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_har_iso_time),
		cmocka_unit_test(test_har_structure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
