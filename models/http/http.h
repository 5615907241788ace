/* HTTP client and server (HTTP/1.0 RFC 1945, HTTP/1.1 RFC 9112, HTTP/2
 * RFC 9113 through libnghttp2), the C API the page-load workload and the
 * Lua load client use.
 *
 * Real bytes on the wire: request and status lines and header fields (or
 * HTTP/2 frames with HPACK), bodies as filler bytes.  Each connection runs
 * over plain TCP (models/tcp/tcp.h) or TLS (models/tls/tls.h), chosen per
 * client and per server.
 *
 * A client keeps a pool of connections per origin (scheme, host, port):
 * at most max_conns_per_origin (6, as Chrome and Firefox) for HTTP/1.x, one
 * for h2 (every request a stream on it).  Requests that find every
 * connection busy wait in the origin's queue (HAR "blocked").  Names are
 * resolved through the stub resolver (models/dns/dns_stub.h: dns_lookup);
 * a dotted quad needs no lookup.  Each request writes one http_requests row
 * (sim/db.h: db_http_request) and calls its done callback with a struct
 * http_result carrying the HAR 1.2 phases.
 *
 * A server listens on a node and port, serves resources by path (a size
 * each, or a default size, or a Lua function of the path), holds each
 * request for a service time (fixed or drawn from a distribution) in one
 * of `workers` workers (requests beyond that wait in a FIFO queue), closes
 * connections idle for keepalive_timeout (nginx's 75 s), and answers over
 * TLS with ALPN when configured. */
#ifndef WL_HTTP_H
#define WL_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "models/net/net.h"

struct tls_config;       /* models/tls/tls.h */
struct http_client;
struct http_server;

/* Protocol choice.  HTTP_PROTO_AUTO: over TLS offer ALPN {"h2",
 * "http/1.1"} and use what the server picks; over plain TCP http/1.1. */
enum http_proto {
	HTTP_PROTO_AUTO = 0,
	HTTP_PROTO_1_0,          /* "http/1.0": one connection per request */
	HTTP_PROTO_1_1,          /* "http/1.1": keep-alive, one request at a time per connection */
	HTTP_PROTO_1_1_PIPELINED,/* "http/1.1-pipelined": requests written back to back */
	HTTP_PROTO_H2,           /* "h2": ALPN h2 over TLS, prior-knowledge h2c over TCP */
};
/* "http/1.0", "http/1.1", "http/1.1-pipelined", "h2", "auto" <-> enum;
 * http_proto_parse returns -1 for an unknown name. */
int http_proto_parse(const char *name);
const char *http_proto_name(enum http_proto p);
/* The names above joined by ", " for error messages. */
const char *http_proto_names(void);

/* ------------------------------------------------------------------ client */

struct http_client_config {
	enum http_proto proto;          /* default HTTP_PROTO_1_1 */
	int max_conns_per_origin;       /* default 6 (Chrome, Firefox network.http.max-persistent-connections-per-server) */
	int max_pipeline_depth;         /* http/1.1-pipelined: requests in flight per connection, default 16 */
	bool keepalive;                 /* default true (HTTP/1.1 persistent connections) */
	simtime_t idle_timeout;         /* client closes idle pooled connections after this; default 300 s (Chrome) */
	const struct tls_config *tls;   /* used for https:// URLs (copied; SNI and ALPN are set per
					 * origin); NULL: tls_config_default() */
	const char *name;               /* for rows and events; default the node's name */
	/* HTTP/2 SETTINGS the client sends; 0 = nghttp2's defaults
	 * (initial window 65535, RFC 9113 §6.5.2) */
	uint32_t h2_initial_window;     /* SETTINGS_INITIAL_WINDOW_SIZE */
	uint32_t h2_max_concurrent;     /* SETTINGS_MAX_CONCURRENT_STREAMS (0: not sent) */
};
void http_client_config_default(struct http_client_config *c);

/* What one request got.  Times are ns; a phase is -1 where it does not
 * apply (HAR 1.2: dns -1 when no lookup, connect/ssl -1 on a reused
 * connection, ssl -1 without TLS).  connect includes ssl, as HAR 1.2 says. */
struct http_result {
	int64_t req_id;                 /* unique in the run */
	int64_t page_id;                /* as passed to http_client_get */
	const char *url;                /* as passed (valid during the callback) */
	int status;                     /* HTTP status, 0 if no response */
	enum http_proto proto;          /* what the connection spoke (1_0, 1_1, 1_1_PIPELINED, H2) */
	int64_t conn_id;                /* the client's connection number, -1 if none */
	int64_t stream_id;              /* h2 stream id, -1 for HTTP/1.x */
	uint32_t server_addr;           /* IPv4, host order; 0 if never resolved */
	uint16_t server_port;
	int64_t req_bytes, resp_bytes;  /* on the wire: headers and body (h2: frame payloads) */
	int64_t body_bytes;             /* response body */
	const char *mime;               /* the response's Content-Type, NULL if none */
	const char *error;              /* NULL on success; else "dns: NXDOMAIN",
					 * "connect: connection refused", "tls: ...",
					 * "protocol: ...", "reset", "closed" ... */
	bool reused;                    /* sent on a connection opened before this request */
	/* HAR 1.2 timings */
	simtime_t started;              /* when http_client_get was called */
	int64_t blocked, dns, connect, ssl, send, wait, receive;
	simtime_t first_byte;           /* absolute time of the first response byte, -1 if none */
	simtime_t finished;             /* absolute time of the last response byte (or the error) */
};

typedef void (*http_done_fn)(void *ctx, const struct http_result *r);

/* A client on node nd; cfg NULL for the defaults (copied). */
struct http_client *http_client_new(struct node *nd, const struct http_client_config *cfg);
/* TCP options for the client's connections (default tcp_config_default). */
struct tcp_config;
void http_client_set_tcp(struct http_client *c, const struct tcp_config *tcp);
/* Closes every connection; requests in flight complete with error
 * "cancelled" (their callbacks run before this returns).  The memory goes
 * with the simulation. */
void http_client_free(struct http_client *c);

/* GET url ("http://host[:port]/path" or "https://..."); host a name
 * (dns_lookup) or a dotted quad.  done runs exactly once, later (never
 * inside this call).  page_id -1 when not part of a page.  Returns the
 * request id (>= 0), or -1 when the URL cannot be parsed (then done is not
 * called; err, if non-NULL, gets a message of up to 128 bytes). */
int64_t http_client_get(struct http_client *c, const char *url, int64_t page_id,
			http_done_fn done, void *ctx, char *err);

/* Connections the client holds now (all origins) and has opened so far. */
int http_client_open_conns(const struct http_client *c);
int64_t http_client_conns_opened(const struct http_client *c);

/* ------------------------------------------------------------------ server */

/* Service time: fixed, or exponential with the given mean ("exp:1ms"),
 * drawn from the server's named rng stream. */
enum http_svc_dist { HTTP_SVC_FIXED, HTTP_SVC_EXP };

/* Size of a resource for a path, when the table has no entry: return the
 * body size in bytes, or -1 for 404.  NULL: default_size for every path. */
typedef int64_t (*http_size_fn)(void *ctx, const char *path);

struct http_server_config {
	uint16_t port;                  /* default 80, 443 with TLS */
	const struct tls_config *tls;   /* NULL: plain TCP; else copied (ALPN from h1/h2) */
	bool h1, h2;                    /* protocols offered (ALPN over TLS; over TCP an h2c
					 * preface is recognised when h2 is on).  default both */
	int64_t default_size;           /* bytes for paths not in the table; -1: 404. default 10 KB */
	simtime_t service_time;         /* default 0 */
	enum http_svc_dist service_dist;
	int workers;                    /* concurrent requests in service; default 64 */
	simtime_t keepalive_timeout;    /* idle HTTP/1.1 or h2 connection closed after; default 75 s (nginx) */
	int keepalive_requests;         /* requests per connection before close; default 1000 (nginx) */
	const char *mime;               /* Content-Type; default "application/octet-stream" */
	const char *name;               /* for events and the rng stream; default "http@node:port" */
	http_size_fn size_fn;           /* consulted for paths not in the table */
	void *size_ctx;
	/* HTTP/2 SETTINGS the server sends; 0 = nghttp2's defaults */
	uint32_t h2_initial_window;
	uint32_t h2_max_concurrent;     /* default 128 (nginx http2_max_concurrent_streams) */
};
void http_server_config_default(struct http_server_config *c);

/* Starts listening; NULL with a message in err (128 bytes) if the port is
 * taken or the config is invalid. */
struct http_server *http_server_new(struct node *nd, const struct http_server_config *cfg, char *err);
/* Adds or replaces a resource (path as in the request line, e.g. "/obj1"). */
void http_server_add_resource(struct http_server *s, const char *path, int64_t size, const char *mime);
void http_server_free(struct http_server *s);

/* Counters for tests and results. */
struct http_server_stats {
	int64_t requests, responses, bad_requests, not_found;
	int64_t conns_accepted, conns_open, idle_closed;
	int busy_workers, queued, max_queued;
};
void http_server_get_stats(const struct http_server *s, struct http_server_stats *st);

#endif
