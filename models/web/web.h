/* The page-load workload: a browser loading one page the way Chrome's
 * network panel shows it.  The HTML is fetched first (DNS, TCP, TLS, the
 * request, the response: the phases come from the HTTP client, models/
 * http/http.h); when it has arrived, its objects are requested, all at
 * once or in `waves` (a wave's objects are discovered when the previous
 * wave has completed: stylesheets naming fonts, scripts naming images),
 * over the chosen protocol and connection policy (HTTP/1.0, HTTP/1.1 on up
 * to `conns` keep-alive connections, pipelined HTTP/1.1, HTTP/2 streams on
 * one connection).  The page has loaded (onload) when its last object has.
 *
 * Each page writes one pages row (sim/db.h db_page: TTFB = the HTML's
 * first byte, onload, requests, bytes), its requests one http_requests
 * row each (written by the HTTP client), and the metrics page_load_ns and
 * page_ttfb_ns of group "web" when a scenario records them.
 *
 * Each page load uses an HTTP client of its own, as a browser started for
 * it: no connection is reused from an earlier page. */
#ifndef WL_WEB_H
#define WL_WEB_H

#include <stdint.h>

#include "models/http/http.h"
#include "models/net/net.h"

struct web_page;

struct web_page_result {
	int64_t page_id;
	const char *url;
	simtime_t started;
	int64_t ttfb_ns;        /* the HTML's first byte from started; -1 if none */
	int64_t onload_ns;      /* the last object's last byte from started; -1 if the HTML failed */
	int64_t requests;       /* issued */
	int64_t bytes;          /* response bytes on the wire, all requests */
	int64_t failed;         /* requests that failed */
	const char *error;      /* NULL, or the first failure ("/obj/3-10240: reset") */
};

typedef void (*web_done_fn)(void *ctx, const struct web_page_result *r);

struct web_page_config {
	const char *url;                /* "http[s]://host[:port]/path" of the HTML */
	enum http_proto proto;          /* HTTP_PROTO_1_0, _1_1, _1_1_PIPELINED, _H2 */
	int conns;                      /* connections per origin (HTTP/1.x); default 6 */
	uint16_t tls_version;           /* 0: as the URL's scheme says with the TLS model's
					 * defaults; TLS_V12 or TLS_V13 to pin it */
	int64_t html_bytes;             /* the HTML's size (the server's business; for the record) */
	const int64_t *obj_bytes;       /* object sizes (copied) */
	int nobj;
	int waves;                      /* >= 1 */
	const char *name;               /* the client's name in rows; default the node's */
	web_done_fn done;               /* may be NULL */
	web_done_fn html_done;          /* the HTML has arrived (before its objects are
					 * requested; onload_ns -1 then); may be NULL */
	void *ctx;
};

/* The path of object i (0-based) of size bytes, as a page requests it and
 * a web server serves it: "/obj/<i+1>-<bytes>". */
void web_object_path(char *buf, size_t n, int i, int64_t bytes);

/* Starts a page load on node nd at time at (>= now).  NULL with a message
 * in err (128 bytes) for a URL the HTTP client cannot parse or a bad
 * config. */
struct web_page *web_page_start(struct node *nd, const struct web_page_config *cfg, simtime_t at,
				char *err);

/* Pages started and finished so far in this simulation. */
void web_counts(struct sim *s, int64_t *started, int64_t *finished);

#endif
