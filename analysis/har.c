/* HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/, the W3C draft
 * "HTTP Archive (HAR) format") from a result file's pages and
 * http_requests tables (sim/db.c has their columns), read through the
 * store's read-only query (sim/db.h db_query).
 *
 * How the fields are filled:
 *   - log.version "1.2", log.creator {name "wirelab", version}.
 *   - pages[]: id "page_<page_id>", startedDateTime, title (the page's URL),
 *     pageTimings.onLoad = pages.onload_ns, onContentLoad = when the page's
 *     first request (the HTML) finished: wirelab models no parsing or
 *     scripts, so the document is "loaded" when its bytes are in.  Both in
 *     ms from the page's start, -1 when the page never got there.
 *   - entries[] in order of their start: pageref (absent outside a page),
 *     startedDateTime, time, request, response, cache {}, timings,
 *     serverIPAddress, connection (the client's connection id as text), and
 *     the custom fields (HAR 1.2 allows names starting with '_') _streamId
 *     (HTTP/2 stream), _transferSize (the response's bytes on the wire) and
 *     _error (why a request failed).
 *   - startedDateTime: HAR_EPOCH_UNIX plus the simulated time, ISO 8601 to
 *     the millisecond (what Chrome and Firefox export; JavaScript's Date
 *     reads no finer).  Durations keep the microsecond: times are printed
 *     as ms with three decimals.
 *   - timings: blocked, dns, connect, ssl (-1 where the phase does not
 *     apply, as the spec allows for these four), send, wait, receive (the
 *     spec requires these three: a phase that never happened, as in a
 *     request that failed, is 0).  connect includes ssl (HAR 1.2), so
 *     time = blocked + dns + connect + send + wait + receive over the
 *     parts that are not -1, summed in microseconds before printing, so
 *     the parts add up to time exactly.
 *   - request: headers, cookies and queryString as the spec requires them
 *     (wirelab keeps no header list: empty arrays; queryString from the
 *     URL's query, not percent-decoded), headersSize = the request's bytes
 *     on the wire (a GET has no body), bodySize 0.
 *   - response: status (0 when no response came, as browsers export a
 *     failed request), statusText (RFC 9110 §15's reason phrase),
 *     headersSize and bodySize -1 (the store keeps their sum only:
 *     _transferSize), content {size = the bytes on the wire, mimeType}. */
#include "analysis/har.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/db.h"
#include "sim/json.h"
#include "sim/results.h"
#include "sim/sim.h"
#include "sim/util.h"

void har_iso_time(char *buf, size_t n, int64_t t_ns)
{
	int64_t ms = t_ns >= 0 ? t_ns / 1000000 : -((-t_ns + 999999) / 1000000);
	int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	time_t t = (time_t)(HAR_EPOCH_UNIX + secs);
	struct tm tm;
	gmtime_r(&t, &tm);
	char day[32];
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03dZ", day, (int)(ms - secs * 1000));
}

/* ns -> whole microseconds, rounded; -1 stays -1 */
static int64_t to_us(int64_t ns)
{
	return ns < 0 ? -1 : (ns + 500) / 1000;
}

/* a duration in µs as HAR's milliseconds: "12.345", "-1" */
static void put_ms(FILE *f, int64_t us)
{
	if (us < 0)
		fputs("-1", f);
	else
		fprintf(f, "%" PRId64 ".%03" PRId64, us / 1000, us % 1000);
}

static void put_str(FILE *f, const char *s)
{
	char *q = json_quote(s ? s : "");
	fputs(q, f);
	free(q);
}

/* RFC 9110 §15 reason phrases of the codes a simulated server sends */
static const char *status_text(int64_t code)
{
	static const struct { int code; const char *text; } t[] = {
		{ 100, "Continue" }, { 101, "Switching Protocols" }, { 200, "OK" }, { 201, "Created" },
		{ 202, "Accepted" }, { 204, "No Content" }, { 206, "Partial Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 307, "Temporary Redirect" }, { 308, "Permanent Redirect" },
		{ 400, "Bad Request" }, { 403, "Forbidden" }, { 404, "Not Found" },
		{ 405, "Method Not Allowed" }, { 408, "Request Timeout" }, { 429, "Too Many Requests" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (t[i].code == code)
			return t[i].text;
	return "";
}

/* "http/1.1" -> "HTTP/1.1", "h2" -> "HTTP/2" (the request line's and
 * the status line's spelling; Firefox exports HTTP/2 so) */
static const char *http_version(const char *proto)
{
	if (!proto || !*proto)
		return "";
	if (strcmp(proto, "h2") == 0 || strcmp(proto, "h2c") == 0)
		return "HTTP/2";
	if (strcmp(proto, "http/1.0") == 0)
		return "HTTP/1.0";
	if (strcmp(proto, "http/1.1") == 0 || strcmp(proto, "http/1.1-pipelined") == 0)
		return "HTTP/1.1";
	return proto;
}

/* The query string of url as HAR's [{name, value}]: split at '&', then at
 * the first '='; the fragment is not part of it. */
static void put_query(FILE *f, const char *url)
{
	const char *q = url ? strchr(url, '?') : NULL;
	fputc('[', f);
	if (q) {
		q++;
		size_t end = strcspn(q, "#");
		bool first = true;
		while (end > 0) {
			size_t len = strcspn(q, "&#");
			if (len > end)
				len = end;
			if (len > 0) {
				const char *eq = memchr(q, '=', len);
				size_t nlen = eq ? (size_t)(eq - q) : len;
				char *name = xmalloc(nlen + 1), *val = xmalloc(len - nlen + 1);
				memcpy(name, q, nlen);
				name[nlen] = '\0';
				size_t vlen = eq ? len - nlen - 1 : 0;
				memcpy(val, eq ? eq + 1 : "", vlen);
				val[vlen] = '\0';
				fputs(first ? "{\"name\": " : ", {\"name\": ", f);
				put_str(f, name);
				fputs(", \"value\": ", f);
				put_str(f, val);
				fputc('}', f);
				first = false;
				free(name);
				free(val);
			}
			q += len;
			end -= len;
			if (end > 0) {
				q++;
				end--;
			}
		}
	}
	fputc(']', f);
}

/* ---- reading rows ---- */

static int64_t col_int(const struct db_row *r, int i, int64_t missing)
{
	return r->types[i] == DB_INT ? r->ival[i] : r->types[i] == DB_REAL ? (int64_t)r->num[i] : missing;
}

static const char *col_text(const struct db_row *r, int i)
{
	return r->types[i] == DB_TEXT ? r->text[i] : NULL;
}

struct har_out {
	FILE *f;
	int64_t n;
};

static const char page_sql[] =
	"SELECT p.page_id, p.url, p.started_ns, p.onload_ns,"
	" (SELECT CASE WHEN r.status > 0 THEN r.started_ns + max(r.blocked_ns, 0) + max(r.dns_ns, 0)"
	"   + max(r.connect_ns, 0) + max(r.send_ns, 0) + max(r.wait_ns, 0) + max(r.receive_ns, 0)"
	"   END FROM http_requests r WHERE r.run_id = p.run_id AND r.page_id = p.page_id"
	"   ORDER BY r.req_id LIMIT 1) - p.started_ns"
	" FROM pages p WHERE p.run_id = %lld ORDER BY p.page_id";

static int on_page(void *arg, const struct db_row *r)
{
	struct har_out *h = arg;
	FILE *f = h->f;
	char when[48];
	int64_t onload = col_int(r, 3, -1), html = col_int(r, 4, -1);
	har_iso_time(when, sizeof(when), col_int(r, 2, 0));
	fprintf(f, "%s\n      {\"id\": \"page_%" PRId64 "\", \"startedDateTime\": \"%s\", \"title\": ",
		h->n ? "," : "", col_int(r, 0, 0), when);
	put_str(f, col_text(r, 1));
	fputs(", \"pageTimings\": {\"onContentLoad\": ", f);
	put_ms(f, onload < 0 ? -1 : to_us(html));
	fputs(", \"onLoad\": ", f);
	put_ms(f, to_us(onload));
	fputs("}}", f);
	h->n++;
	return 0;
}

static const char entry_sql[] =
	"SELECT req_id, page_id, url, method, status, proto, conn_id, stream_id, server_ip,"
	" started_ns, blocked_ns, dns_ns, connect_ns, ssl_ns, send_ns, wait_ns, receive_ns,"
	" req_bytes, resp_bytes, mime, error"
	" FROM http_requests WHERE run_id = %lld ORDER BY started_ns, req_id";

enum { E_REQ, E_PAGE, E_URL, E_METHOD, E_STATUS, E_PROTO, E_CONN, E_STREAM, E_IP, E_START,
       E_BLOCKED, E_DNS, E_CONNECT, E_SSL, E_SEND, E_WAIT, E_RECEIVE, E_REQB, E_RESPB, E_MIME,
       E_ERROR };

static int on_entry(void *arg, const struct db_row *r)
{
	struct har_out *h = arg;
	FILE *f = h->f;
	char when[48];
	har_iso_time(when, sizeof(when), col_int(r, E_START, 0));
	int64_t t[7];
	for (int i = 0; i < 7; i++)
		t[i] = to_us(col_int(r, E_BLOCKED + i, -1));
	/* blocked dns connect ssl send wait receive: the last three are required */
	for (int i = 4; i < 7; i++)
		if (t[i] < 0)
			t[i] = 0;
	int64_t total = 0;
	for (int i = 0; i < 7; i++)
		if (i != 3 && t[i] > 0)
			total += t[i];
	const char *proto = col_text(r, E_PROTO), *ver = http_version(proto);
	int64_t status = col_int(r, E_STATUS, 0);
	fprintf(f, "%s\n      {", h->n ? "," : "");
	if (r->types[E_PAGE] == DB_INT && r->ival[E_PAGE] >= 0)
		fprintf(f, "\"pageref\": \"page_%" PRId64 "\", ", r->ival[E_PAGE]);
	fprintf(f, "\"startedDateTime\": \"%s\", \"time\": ", when);
	put_ms(f, total);
	fputs(",\n       \"request\": {\"method\": ", f);
	put_str(f, col_text(r, E_METHOD) ? col_text(r, E_METHOD) : "GET");
	fputs(", \"url\": ", f);
	put_str(f, col_text(r, E_URL));
	fputs(", \"httpVersion\": ", f);
	put_str(f, ver);
	fputs(", \"headers\": [], \"queryString\": ", f);
	put_query(f, col_text(r, E_URL));
	fprintf(f, ", \"cookies\": [], \"headersSize\": %" PRId64 ", \"bodySize\": 0},\n",
		col_int(r, E_REQB, -1));
	fprintf(f, "       \"response\": {\"status\": %" PRId64 ", \"statusText\": ", status);
	put_str(f, status_text(status));
	fputs(", \"httpVersion\": ", f);
	put_str(f, status > 0 ? ver : "");
	int64_t resp = col_int(r, E_RESPB, 0);
	const char *mime = col_text(r, E_MIME);
	fprintf(f, ", \"headers\": [], \"cookies\": [], \"content\": {\"size\": %" PRId64 ", \"mimeType\": ",
		resp < 0 ? 0 : resp);
	put_str(f, mime && *mime ? mime : "x-unknown");
	fprintf(f, "}, \"redirectURL\": \"\", \"headersSize\": -1, \"bodySize\": -1, \"_transferSize\": %" PRId64
		"},\n", resp < 0 ? 0 : resp);
	fputs("       \"cache\": {}, \"timings\": {", f);
	static const char *const names[7] = { "blocked", "dns", "connect", "ssl", "send", "wait", "receive" };
	for (int i = 0; i < 7; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", names[i]);
		put_ms(f, t[i]);
	}
	fputs("},\n       \"serverIPAddress\": ", f);
	put_str(f, col_text(r, E_IP));
	if (r->types[E_CONN] == DB_INT && r->ival[E_CONN] >= 0)
		fprintf(f, ", \"connection\": \"%" PRId64 "\"", r->ival[E_CONN]);
	if (r->types[E_STREAM] == DB_INT && r->ival[E_STREAM] >= 0)
		fprintf(f, ", \"_streamId\": %" PRId64, r->ival[E_STREAM]);
	if (col_text(r, E_ERROR)) {
		fputs(", \"_error\": ", f);
		put_str(f, col_text(r, E_ERROR));
	}
	fputc('}', f);
	h->n++;
	return 0;
}

/* Does the file have table `name`?  1, 0, -1. */
static int count_one(void *arg, const struct db_row *r)
{
	*(int64_t *)arg = col_int(r, 0, 0);
	return 0;
}

static int has_table(struct db *db, const char *name, struct errbuf *err)
{
	char sql[200];
	int64_t n = 0;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
		 name);
	if (db_query(db, sql, count_one, &n, err) < 0)
		return -1;
	return n > 0;
}

int har_write(struct db *db, int64_t run, FILE *out, struct errbuf *err)
{
	int pages = has_table(db, "pages", err), reqs = pages < 0 ? -1 : has_table(db, "http_requests", err);
	if (pages < 0 || reqs < 0)
		return -1;
	struct har_out h = { out, 0 };
	char sql[1024];
	fputs("{\"log\": {\n  \"version\": \"1.2\",\n  \"creator\": {\"name\": \"wirelab\", \"version\": ", out);
	put_str(out, WIRELAB_VERSION);
	fputs("},\n  \"pages\": [", out);
	if (pages && reqs) {
		snprintf(sql, sizeof(sql), page_sql, (long long)run);
		if (db_query(db, sql, on_page, &h, err) < 0)
			return -1;
	}
	fputs(h.n ? "\n  ],\n  \"entries\": [" : "],\n  \"entries\": [", out);
	h.n = 0;
	if (reqs) {
		snprintf(sql, sizeof(sql), entry_sql, (long long)run);
		if (db_query(db, sql, on_entry, &h, err) < 0)
			return -1;
	}
	fputs(h.n ? "\n  ]\n}}\n" : "]\n}}\n", out);
	return 0;
}

int har_main_write(const char *dbpath, long long run, const char *outpath)
{
	struct errbuf err;
	if (access(dbpath, R_OK) < 0) {
		fprintf(stderr, "wirelab: har: cannot read result file '%s': %s\n", dbpath, strerror(errno));
		return 1;
	}
	struct db *db = db_open_read(dbpath, &err);
	if (!db) {
		fprintf(stderr, "wirelab: har: %s\n", err.msg);
		return 1;
	}
	int rc = 1;
	char *defpath = NULL;
	FILE *f = NULL;
	if (run < 0) {
		run = results_last_run(db, &err);
		if (run <= 0) {
			fprintf(stderr, "wirelab: har: '%s' %s\n", dbpath, run < 0 ? err.msg : "holds no runs");
			goto out;
		}
	} else {
		int has = results_run_exists(db, run, &err);
		if (has <= 0) {
			if (has < 0)
				fprintf(stderr, "wirelab: har: '%s': %s\n", dbpath, err.msg);
			else
				fprintf(stderr, "wirelab: har: '%s' has no run %lld (its runs are numbered up to %lld)\n",
					dbpath, run, (long long)results_last_run(db, NULL));
			goto out;
		}
	}
	if (!outpath) {
		size_t n = strlen(dbpath);
		if (n > 3 && strcmp(dbpath + n - 3, ".db") == 0)
			n -= 3;
		defpath = xmalloc(n + 5);
		snprintf(defpath, n + 5, "%.*s.har", (int)n, dbpath);
		outpath = defpath;
	}
	if (strcmp(outpath, dbpath) == 0) {
		fprintf(stderr, "wirelab: har: --out '%s' is the result file itself\n", outpath);
		goto out;
	}
	f = strcmp(outpath, "-") == 0 ? stdout : fopen(outpath, "w");
	if (!f) {
		fprintf(stderr, "wirelab: har: cannot write '%s': %s\n", outpath, strerror(errno));
		goto out;
	}
	if (har_write(db, run, f, &err) < 0) {
		fprintf(stderr, "wirelab: har: '%s': %s\n", dbpath, err.msg);
		goto out;
	}
	if (f != stdout) {
		int e = fclose(f);
		f = NULL;
		if (e != 0) {
			fprintf(stderr, "wirelab: har: cannot write '%s': %s\n", outpath, strerror(errno));
			goto out;
		}
		printf("%s\n", outpath);
	}
	rc = 0;
out:
	if (f && f != stdout)
		fclose(f);
	free(defpath);
	db_close(db, &err);
	return rc;
}
