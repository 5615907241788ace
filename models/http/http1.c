/* HTTP/1.x incremental parser and message writers (RFC 9112 §2-§6, field
 * syntax RFC 9110 §5).  See http1.h for the limits and the error policy.
 * The parser gathers one line at a time into a fixed buffer; every field is
 * copied with a bound; nothing is read past the bytes given. */
#include "http1.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/util.h"

void h1_init(struct h1_parser *p, enum h1_kind kind)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	h1_reset(p);
}

void h1_free(struct h1_parser *p)
{
	free(p->line);
	p->line = NULL;
	p->line_cap = 0;
}

void h1_reset(struct h1_parser *p)
{
	p->state = H1S_START;
	p->line_len = 0;
	p->cr = false;
	p->head_bytes = 0;
	p->nfields = 0;
	p->method[0] = p->target[0] = p->host[0] = p->content_type[0] = '\0';
	p->version_minor = 1;
	p->status = 0;
	p->content_length = -1;
	p->conn_close = p->conn_keepalive = false;
	p->body_left = 0;
	p->body_bytes = 0;
	p->error = NULL;
}

static enum h1_status fail(struct h1_parser *p, const char *why)
{
	p->state = H1S_ERROR;
	p->error = why;
	return H1_ERROR;
}

/* RFC 9110 §5.6.2 tchar */
static bool is_tchar(unsigned char c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* field-vchar, SP, HTAB, obs-text */
static bool is_value_char(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool copy_bounded(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

/* "HTTP/1.x" exactly */
static bool parse_version(const char *s, size_t n, int *minor)
{
	if (n != 8 || memcmp(s, "HTTP/1.", 7) != 0 || s[7] < '0' || s[7] > '9')
		return false;
	*minor = s[7] - '0';
	return true;
}

static enum h1_status start_line(struct h1_parser *p, char *l, size_t n)
{
	if (p->kind == H1_REQUEST) {
		/* method SP request-target SP HTTP-version */
		char *sp1 = memchr(l, ' ', n);
		if (!sp1 || sp1 == l)
			return fail(p, "bad request line");
		size_t mlen = (size_t)(sp1 - l);
		for (size_t i = 0; i < mlen; i++)
			if (!is_tchar((unsigned char)l[i]))
				return fail(p, "bad method");
		char *t = sp1 + 1;
		char *sp2 = memchr(t, ' ', n - (size_t)(t - l));
		if (!sp2 || sp2 == t)
			return fail(p, "bad request line");
		size_t tlen = (size_t)(sp2 - t);
		for (size_t i = 0; i < tlen; i++)
			if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] == 0x7f)
				return fail(p, "bad request target");
		if (t[0] != '/' && !(tlen == 1 && t[0] == '*') && !(tlen > 7 && memcmp(t, "http", 4) == 0))
			return fail(p, "bad request target");
		char *v = sp2 + 1;
		if (!parse_version(v, n - (size_t)(v - l), &p->version_minor))
			return fail(p, "bad HTTP version");
		if (!copy_bounded(p->method, sizeof(p->method), l, mlen))
			return fail(p, "method too long");
		if (!copy_bounded(p->target, sizeof(p->target), t, tlen))
			return fail(p, "request target too long");
		return H1_MORE;
	}
	/* HTTP-version SP status-code SP [reason-phrase] */
	if (n < 12 || !parse_version(l, 8, &p->version_minor) || l[8] != ' ')
		return fail(p, "bad status line");
	int st = 0;
	for (int i = 9; i < 12; i++) {
		if (l[i] < '0' || l[i] > '9')
			return fail(p, "bad status code");
		st = st * 10 + (l[i] - '0');
	}
	if (st < 100 || (n > 12 && l[12] != ' '))
		return fail(p, "bad status code");
	for (size_t i = 13; i < n; i++)
		if (!is_value_char((unsigned char)l[i]))
			return fail(p, "bad reason phrase");
	p->status = st;
	return H1_MORE;
}

static bool name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Does the comma-separated list contain token (case-insensitively)? */
static bool list_has(const char *v, size_t n, const char *token)
{
	size_t tl = strlen(token), i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == tl && strncasecmp(v + s, token, tl) == 0)
			return true;
	}
	return false;
}

static enum h1_status field_line(struct h1_parser *p, char *l, size_t n)
{
	if (l[0] == ' ' || l[0] == '\t')
		return fail(p, "obsolete line folding"); /* RFC 9112 §5.2: reject */
	char *colon = memchr(l, ':', n);
	if (!colon || colon == l)
		return fail(p, "bad header field");
	size_t nl = (size_t)(colon - l);
	for (size_t i = 0; i < nl; i++)
		if (!is_tchar((unsigned char)l[i]))
			return fail(p, "bad header name"); /* also whitespace before ':' (§5.1) */
	char *v = colon + 1;
	size_t vl = n - nl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	for (size_t i = 0; i < vl; i++)
		if (!is_value_char((unsigned char)v[i]))
			return fail(p, "bad header value");
	if (++p->nfields > H1_FIELDS_MAX)
		return fail(p, "too many header fields");
	if (name_is(l, nl, "content-length")) {
		/* RFC 9112 §6.3: digits only; repeated must agree */
		if (!vl || vl > 15)
			return fail(p, "bad Content-Length");
		int64_t cl = 0;
		for (size_t i = 0; i < vl; i++) {
			if (v[i] < '0' || v[i] > '9')
				return fail(p, "bad Content-Length");
			cl = cl * 10 + (v[i] - '0');
		}
		if (p->content_length >= 0 && p->content_length != cl)
			return fail(p, "conflicting Content-Length");
		p->content_length = cl;
	} else if (name_is(l, nl, "transfer-encoding")) {
		return fail(p, "Transfer-Encoding not supported");
	} else if (name_is(l, nl, "host")) {
		if (p->host[0])
			return fail(p, "repeated Host"); /* RFC 9112 §3.2: 400 */
		if (!vl || !copy_bounded(p->host, sizeof(p->host), v, vl))
			return fail(p, "bad Host");
	} else if (name_is(l, nl, "content-type")) {
		if (!copy_bounded(p->content_type, sizeof(p->content_type), v, vl))
			return fail(p, "Content-Type too long");
	} else if (name_is(l, nl, "connection")) {
		if (list_has(v, vl, "close"))
			p->conn_close = true;
		if (list_has(v, vl, "keep-alive"))
			p->conn_keepalive = true;
	}
	return H1_MORE;
}

/* The blank line ended the head: decide how the body is delimited. */
static enum h1_status head_done(struct h1_parser *p)
{
	if (p->kind == H1_REQUEST) {
		if (p->version_minor >= 1 && !p->host[0])
			return fail(p, "missing Host"); /* RFC 9112 §3.2 */
		p->body_left = p->content_length > 0 ? (uint64_t)p->content_length : 0;
		p->state = p->body_left ? H1S_BODY : H1S_DONE;
		return H1_HEADERS;
	}
	/* RFC 9112 §6.3: 1xx, 204, 304 and responses to HEAD have no body */
	if (p->status < 200 || p->status == 204 || p->status == 304 || p->head_request) {
		p->state = H1S_DONE;
	} else if (p->content_length >= 0) {
		p->body_left = (uint64_t)p->content_length;
		p->state = p->body_left ? H1S_BODY : H1S_DONE;
	} else {
		p->state = H1S_BODY_EOF; /* until the connection closes */
	}
	return H1_HEADERS;
}

static enum h1_status end_of_line(struct h1_parser *p)
{
	if (!p->line_cap) {
		p->line = xrealloc(p->line, 256);
		p->line_cap = 256;
	}
	char *l = p->line;
	size_t n = p->line_len;
	l[n] = '\0';
	p->line_len = 0;
	if (p->state == H1S_START) {
		if (n == 0 && p->head_bytes <= 4)
			return H1_MORE; /* RFC 9112 §2.2: ignore a leading empty line */
		if (n == 0)
			return fail(p, "empty start line");
		p->state = H1S_HEAD;
		return start_line(p, l, n);
	}
	if (n == 0)
		return head_done(p);
	return field_line(p, l, n);
}

enum h1_status h1_feed(struct h1_parser *p, const uint8_t *buf, size_t len, size_t *used)
{
	size_t i = 0;
	enum h1_status st = H1_MORE;
	*used = 0;
	if (p->state == H1S_ERROR)
		return H1_ERROR;
	if (p->state == H1S_DONE)
		return H1_DONE;
	while (i < len) {
		if (p->state == H1S_BODY || p->state == H1S_BODY_EOF) {
			uint64_t want = h1_body_left(p);
			size_t take = (uint64_t)(len - i) < want ? len - i : (size_t)want;
			i += take;
			*used = i;
			return h1_body_skip(p, take);
		}
		unsigned char c = buf[i++];
		if (++p->head_bytes > H1_HEAD_MAX) {
			*used = i;
			return fail(p, "header section too large");
		}
		if (p->cr) {
			p->cr = false;
			if (c != '\n') {
				*used = i;
				return fail(p, "bare CR"); /* RFC 9112 §2.2 */
			}
			st = end_of_line(p);
			if (st != H1_MORE) {
				*used = i;
				return st;
			}
			continue;
		}
		if (c == '\r') {
			p->cr = true;
			continue;
		}
		if (c == '\n') { /* a bare LF ends a line too (RFC 9112 §2.2 allows it) */
			st = end_of_line(p);
			if (st != H1_MORE) {
				*used = i;
				return st;
			}
			continue;
		}
		if (c == '\0') {
			*used = i;
			return fail(p, "NUL in header section");
		}
		if (p->line_len >= H1_LINE_MAX) {
			*used = i;
			return fail(p, "line too long");
		}
		if (p->line_len + 1 >= p->line_cap) {
			uint32_t cap = p->line_cap ? p->line_cap * 2 : 256;
			if (cap > H1_LINE_MAX + 1)
				cap = H1_LINE_MAX + 1;
			p->line = xrealloc(p->line, cap);
			p->line_cap = cap;
		}
		p->line[p->line_len++] = (char)c;
	}
	*used = i;
	return H1_MORE;
}

uint64_t h1_body_left(const struct h1_parser *p)
{
	if (p->state == H1S_BODY)
		return p->body_left;
	if (p->state == H1S_BODY_EOF)
		return UINT64_MAX;
	return 0;
}

enum h1_status h1_body_skip(struct h1_parser *p, uint64_t n)
{
	p->body_bytes += n;
	if (p->state == H1S_BODY_EOF)
		return H1_MORE;
	if (p->state != H1S_BODY)
		return p->state == H1S_DONE ? H1_DONE : H1_MORE;
	p->body_left -= n < p->body_left ? n : p->body_left;
	if (p->body_left)
		return H1_MORE;
	p->state = H1S_DONE;
	return H1_DONE;
}

enum h1_status h1_eof(struct h1_parser *p)
{
	if (p->state == H1S_BODY_EOF) {
		p->state = H1S_DONE;
		return H1_DONE;
	}
	if (p->state == H1S_DONE)
		return H1_DONE;
	if (p->state == H1S_START && p->line_len == 0 && p->head_bytes == 0)
		return H1_MORE;
	if (p->state == H1S_ERROR)
		return H1_ERROR;
	return fail(p, "connection closed in the middle of a message");
}

const char *h1_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Not Allowed";
	case 414: return "Request-URI Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

int h1_write_request(char *buf, size_t cap, const char *method, const char *target, const char *host,
		     int version_minor, bool keepalive_hdr, bool close_hdr)
{
	/* curl's request head: request line, Host, User-Agent, Accept */
	int n = snprintf(buf, cap, "%s %s HTTP/1.%d\r\nHost: %s\r\nUser-Agent: wirelab\r\nAccept: */*\r\n%s%s\r\n",
			 method, target, version_minor, host, keepalive_hdr ? "Connection: keep-alive\r\n" : "",
			 close_hdr ? "Connection: close\r\n" : "");
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* IMF-fixdate (RFC 9110 §5.6.7) of a count of seconds since the epoch. */
static void http_date(char *out, size_t cap, int64_t t)
{
	static const char *const wd[] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (t < 0)
		t = 0;
	int64_t days = t / 86400, rem = t % 86400;
	int dow = (int)(days % 7);
	/* civil from days (Howard Hinnant's algorithm) */
	int64_t z = days + 719468, era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[dow], (int)d, mo[m - 1], (int)y,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

int h1_write_response(char *buf, size_t cap, int status, int version_minor, int64_t content_length,
		      const char *content_type, bool close, bool keepalive_hdr, int64_t now_s)
{
	/* nginx's response head: status line, Server, Date, Content-Type,
	 * Content-Length, Connection */
	char date[40];
	http_date(date, sizeof(date), now_s);
	int n = snprintf(buf, cap,
			 "HTTP/1.%d %d %s\r\nServer: wirelab\r\nDate: %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %lld\r\n%s\r\n",
			 version_minor, status, h1_reason(status), date, content_type,
			 (long long)content_length,
			 close ? "Connection: close\r\n" : keepalive_hdr ? "Connection: keep-alive\r\n" : "");
	return n < 0 || (size_t)n >= cap ? -1 : n;
}
