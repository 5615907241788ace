/* A page load (web.h): the HTML, then its objects in waves, through one
 * HTTP client of the page's own (models/http/http.h), then the pages row.
 *
 * Round trips, for a page of one HTML and N small objects at RTT R with
 * the name already an address (the message flows of RFC 9293 §3.5,
 * RFC 9112 §9.3 and RFC 9113 §5): TCP's handshake R, the HTML R, then the
 * objects: sequentially on one HTTP/1.1 connection N R; pipelined on one
 * R; over 6 HTTP/1.1 connections (5 new ones, R to open them, then
 * ceil(N/6) rounds) R + ceil(N/6) R; as HTTP/2 streams on the HTML's
 * connection R.  tests/validation/web_round_trips.lua checks these. */
#include "models/web/web.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/tcp.h"
#include "models/tls/tls.h"
#include "sim/db.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "sim/util.h"

struct web_world {
	struct sim *sim;
	struct web_page **pages;
	size_t npages, cap;
	int64_t next_id, finished;
	int m_load, m_ttfb;     /* recorder ids */
	bool closing;           /* the simulation is being torn down */
};

struct web_page {
	struct web_world *w;
	struct node *nd;
	struct http_client *hc;
	struct tls_config tls;
	int64_t page_id;
	char *url, *origin, *name;
	const char *proto_name;
	int64_t *obj_bytes;
	int nobj, waves, wave, next_obj, pending;
	simtime_t started;
	int64_t ttfb_ns, requests, bytes, failed;
	char *error;
	bool html_ok, done;
	web_done_fn done_fn, html_fn;
	void *ctx;
};

static void world_free(void *p)
{
	struct web_world *w = p;
	w->closing = true;
	/* the HTTP clients are the HTTP model's to free (memory only, no
	 * callbacks: http_client_destroy_all) */
	for (size_t i = 0; i < w->npages; i++) {
		struct web_page *pg = w->pages[i];
		free(pg->url);
		free(pg->origin);
		free(pg->name);
		free(pg->obj_bytes);
		free(pg->error);
		free(pg);
	}
	free(w->pages);
	free(w);
}

static struct web_world *world(struct sim *s)
{
	struct web_world *w = sim_ext_get(s, "web");
	if (!w) {
		w = xcalloc(1, sizeof(*w));
		w->sim = s;
		w->next_id = 1;
		w->m_load = rec_metric_def(s, "page_load_ns", "web", "ns", REC_CAN_EVENT,
					   "page-load time (onload) of each page, from its start");
		w->m_ttfb = rec_metric_def(s, "page_ttfb_ns", "web", "ns", REC_CAN_EVENT,
					   "time to the first byte of each page's HTML, from its start");
		sim_ext_set(s, "web", w, world_free);
	}
	return w;
}

void web_counts(struct sim *s, int64_t *started, int64_t *finished)
{
	struct web_world *w = sim_ext_get(s, "web");
	*started = w ? w->next_id - 1 : 0;
	*finished = w ? w->finished : 0;
}

void web_object_path(char *buf, size_t n, int i, int64_t bytes)
{
	snprintf(buf, n, "/obj/%d-%" PRId64, i + 1, bytes);
}

static void page_finish(struct web_page *pg, simtime_t now)
{
	struct sim *s = pg->w->sim;
	pg->done = true;
	pg->w->finished++;
	int64_t onload = pg->html_ok ? now - pg->started : -1;
	if (s->db)
		db_page(s->db, s->run_id, &(struct db_page){
			.page_id = pg->page_id, .client = pg->name, .url = pg->url, .proto = pg->proto_name,
			.started_ns = pg->started, .ttfb_ns = pg->ttfb_ns, .onload_ns = onload,
			.requests = pg->requests, .bytes = pg->bytes, .error = pg->error });
	if (pg->ttfb_ns >= 0 && rec_on(s, pg->w->m_ttfb))
		rec_value(s, pg->w->m_ttfb, pg->name, (double)pg->ttfb_ns);
	if (onload >= 0 && rec_on(s, pg->w->m_load))
		rec_value(s, pg->w->m_load, pg->name, (double)onload);
	if (pg->done_fn && !pg->w->closing) {
		struct web_page_result r = {
			.page_id = pg->page_id, .url = pg->url, .started = pg->started, .ttfb_ns = pg->ttfb_ns,
			.onload_ns = onload, .requests = pg->requests, .bytes = pg->bytes, .failed = pg->failed,
			.error = pg->error,
		};
		pg->done_fn(pg->ctx, &r);
	}
}

static void note_error(struct web_page *pg, const char *url, const char *error)
{
	pg->failed++;
	if (pg->error)
		return;
	const char *path = strstr(url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	size_t n = strlen(path ? path : url) + strlen(error) + 3;
	pg->error = xmalloc(n);
	snprintf(pg->error, n, "%s: %s", path ? path : url, error);
}

static void start_wave(struct web_page *pg);

static void on_object(void *ctx, const struct http_result *r)
{
	struct web_page *pg = ctx;
	if (pg->done)
		return;
	pg->bytes += r->resp_bytes > 0 ? r->resp_bytes : 0;
	if (r->error || r->status >= 400)
		note_error(pg, r->url, r->error ? r->error : "HTTP error status");
	if (--pg->pending > 0)
		return;
	if (pg->next_obj < pg->nobj && !pg->w->closing)
		start_wave(pg);
	else
		page_finish(pg, r->finished);
}

/* Requests the objects of the next wave: wave k of `waves` holds objects
 * [k N / waves, (k + 1) N / waves). */
static void start_wave(struct web_page *pg)
{
	int k = pg->wave++;
	int end = (int)(((int64_t)(k + 1) * pg->nobj) / pg->waves);
	/* count the whole wave first: a request that fails at once must not
	 * look like the wave's last */
	int first = pg->next_obj;
	pg->pending += end - first;
	for (int i = first; i < end; i++) {
		char path[64], err[128];
		web_object_path(path, sizeof(path), i, pg->obj_bytes[i]);
		size_t n = strlen(pg->origin) + strlen(path) + 1;
		char *url = xmalloc(n);
		snprintf(url, n, "%s%s", pg->origin, path);
		pg->next_obj = i + 1;
		pg->requests++;
		if (http_client_get(pg->hc, url, pg->page_id, on_object, pg, err) < 0) {
			pg->requests--;
			note_error(pg, url, err);
			pg->pending--;
		}
		free(url);
	}
	if (pg->pending == 0 && !pg->done)
		page_finish(pg, pg->w->sim->now);
}

static void on_html(void *ctx, const struct http_result *r)
{
	struct web_page *pg = ctx;
	if (pg->done)
		return;
	pg->bytes += r->resp_bytes > 0 ? r->resp_bytes : 0;
	if (r->first_byte >= 0)
		pg->ttfb_ns = r->first_byte - pg->started;
	if (r->error || r->status < 200 || r->status >= 400) {
		/* no document, no objects: the page never loads (onload -1) */
		note_error(pg, r->url, r->error ? r->error : "HTTP error status");
		page_finish(pg, r->finished);
		return;
	}
	pg->html_ok = true;
	if (pg->html_fn && !pg->w->closing) {
		struct web_page_result hr = {
			.page_id = pg->page_id, .url = pg->url, .started = pg->started, .ttfb_ns = pg->ttfb_ns,
			.onload_ns = -1, .requests = pg->requests, .bytes = pg->bytes, .failed = pg->failed,
		};
		pg->html_fn(pg->ctx, &hr);
	}
	if (pg->nobj == 0 || pg->w->closing)
		page_finish(pg, r->finished);
	else
		start_wave(pg);
}

static void page_begin(struct sim *s, void *obj, uint64_t arg)
{
	struct web_page *pg = obj;
	(void)arg;
	char err[128];
	pg->started = s->now;
	pg->requests = 1;
	if (http_client_get(pg->hc, pg->url, pg->page_id, on_html, pg, err) < 0) {
		pg->requests = 0;
		note_error(pg, pg->url, err);
		page_finish(pg, s->now);
	}
}

/* "https://host:port/path" -> "https://host:port" */
static char *origin_of(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	size_t len = (size_t)(p - url) + n;
	char *o = xmalloc(len + 1);
	memcpy(o, url, len);
	o[len] = '\0';
	return o;
}

struct web_page *web_page_start(struct node *nd, const struct web_page_config *cfg, simtime_t at, char *err)
{
	struct sim *s = nd->net->sim;
	if (!cfg->url || (strncmp(cfg->url, "http://", 7) != 0 && strncmp(cfg->url, "https://", 8) != 0)) {
		snprintf(err, 128, "url: expected http://host/path or https://host/path");
		return NULL;
	}
	if (cfg->waves < 1 || cfg->conns < 1 || cfg->nobj < 0 || at < s->now) {
		snprintf(err, 128, "waves and conns must be at least 1, the start not in the past");
		return NULL;
	}
	struct web_world *w = world(s);
	struct web_page *pg = xcalloc(1, sizeof(*pg));
	pg->w = w;
	pg->nd = nd;
	pg->page_id = w->next_id++;
	pg->url = xstrdup(cfg->url);
	pg->origin = origin_of(cfg->url);
	pg->name = xstrdup(cfg->name ? cfg->name : nd->name);
	pg->proto_name = cfg->proto == HTTP_PROTO_H2 ? "h2" : cfg->proto == HTTP_PROTO_1_0 ? "http/1.0" : "http/1.1";
	pg->nobj = cfg->nobj;
	pg->obj_bytes = xcalloc((size_t)cfg->nobj + 1, sizeof(*pg->obj_bytes));
	if (cfg->nobj)
		memcpy(pg->obj_bytes, cfg->obj_bytes, (size_t)cfg->nobj * sizeof(*pg->obj_bytes));
	pg->waves = cfg->waves > cfg->nobj && cfg->nobj > 0 ? cfg->nobj : cfg->waves;
	pg->ttfb_ns = -1;
	pg->done_fn = cfg->done;
	pg->html_fn = cfg->html_done;
	pg->ctx = cfg->ctx;

	struct http_client_config hc;
	http_client_config_default(&hc);
	hc.proto = cfg->proto;
	hc.max_conns_per_origin = cfg->proto == HTTP_PROTO_H2 ? 1 : cfg->conns;
	hc.name = pg->name;
	/* pipelining: as many requests in flight as Firefox allowed
	 * (network.http.pipelining.maxrequests, 32, before pipelining was
	 * removed in Firefox 54) */
	hc.max_pipeline_depth = 32;
	if (cfg->tls_version) {
		tls_config_default(&pg->tls);
		pg->tls.max_version = cfg->tls_version;
		pg->tls.min_version = TLS_V12;  /* OpenSSL 3's minimum */
		hc.tls = &pg->tls;
	}
	pg->hc = http_client_new(nd, &hc);
	if (pg->hc) {
		/* browsers turn Nagle off on every socket (Chrome:
		 * net/socket/tcp_socket_posix.cc, SetTCPNoDelay(true)); with it
		 * on, a request written while a small segment is unacked (a
		 * SETTINGS ACK, the previous pipelined request) waits an RTT */
		struct tcp_config tcp;
		tcp_config_default(&tcp);
		tcp.nagle = false;
		http_client_set_tcp(pg->hc, &tcp);
	}
	if (!pg->hc) {
		snprintf(err, 128, "cannot make an HTTP client on %s", nd->name);
		free(pg->url);
		free(pg->origin);
		free(pg->name);
		free(pg->obj_bytes);
		free(pg);
		w->next_id--;
		return NULL;
	}
	xgrow((void **)&w->pages, &w->cap, w->npages + 1, sizeof(*w->pages));
	w->pages[w->npages++] = pg;
	sim_at(s, at, page_begin, pg, 0);
	return pg;
}
