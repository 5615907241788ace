/* Internals shared by the HTTP model's files: the server's and client's
 * connection records, the per-simulation state (request and connection
 * ids), and the HTTP/2 glue each side calls (http_server_h2.c,
 * http_client_h2.c).  Not for other models: they use http.h. */
#ifndef WL_HTTP_PRIV_H
#define WL_HTTP_PRIV_H

#include <stddef.h>

#include <nghttp2/nghttp2.h>

#include "http.h"
#include "http1.h"
#include "http_xport.h"
#include "models/tls/tls.h"
#include "sim/sim.h"

#define HTTP_IN_BUF 8192

/* Requests and connections come and go by the tens of thousands: their
 * records are carved from slabs of 64 and a freed one goes on a list for
 * the next, sparing malloc's bins (a large malloc sorts every small chunk
 * freed since) and handing back warm memory; all freed with the simulation.
 * Under AddressSanitizer plain malloc/free, so a use after free is still
 * caught.  One pool serves one record size. */
struct http_pool {
	void *free;                     /* records given back, linked through their first word */
	void *slabs;                    /* linked through their first word */
	char *cur;                      /* the current slab's next record */
	int left;                       /* records left in it */
};
void *http_pool_get(struct http_pool *p, size_t size); /* not zeroed */
void http_pool_put(struct http_pool *p, void *rec);
void http_pool_drain(struct http_pool *p);
/* a request record, zeroed */
void *http_rec_get(struct http_pool *p, size_t size);
/* A connection's input buffer (HTTP_IN_BUF bytes) is held only while it
 * has bytes to read: taken before a read (http_in_get: *in, allocated if
 * NULL) and given back when a read finds nothing (http_in_put: *in = NULL),
 * so ten thousand idle keep-alive connections share a few warm buffers
 * instead of 8 KB each. */
uint8_t *http_in_get(struct sim *s, uint8_t **in);
void http_in_put(struct sim *s, uint8_t **in);

/* per-simulation: ids unique in a run */
struct http_sim {
	int64_t next_req_id, next_conn_id;
	struct http_server *servers;    /* freed with the simulation */
	struct http_client *clients;
	struct http_pool creq, sreq, cconn, sconn, inbuf; /* the records' memory (http_pool_get) */
};
struct http_sim *http_sim_of(struct sim *s);
void http_client_destroy_all(struct http_client *c);
void http_server_destroy_all(struct http_server *s);

/* ---- server ---- */

struct srv_res {
	struct srv_res *next;
	char *path, *mime;
	int64_t size;
};

struct srv_conn;

struct srv_req {
	struct srv_conn *conn;          /* NULL once the connection is gone */
	struct http_server *srv;
	struct srv_req *qnext;          /* the worker queue */
	struct srv_req *rprev, *rnext;  /* every live request of the server */
	struct srv_req *cprev, *cnext;  /* the requests of conn, newest first */
	struct timer t_svc;
	int32_t stream_id;              /* h2; 0 for HTTP/1.x */
	int status;
	int64_t size;                   /* body bytes */
	uint64_t body_left;             /* h2: still to frame */
	const char *mime;
	char path[1024];
	char method[16];
	int version_minor;
	bool close_after, head, cancelled, in_service, queued, deferred, submitted, counted;
	simtime_t arrived;
};

struct srv_conn {
	struct http_server *srv;
	struct srv_conn *next, *prev;
	struct srv_req *reqs;           /* its requests (srv_req.conn == this), newest first */
	struct http_xport x;
	bool dead, h2, sniffed, closing, peer_closed, in_input;
	int64_t id;
	uint8_t *in;                    /* HTTP_IN_BUF bytes while it holds input (http_in_get) */
	uint32_t in_off, in_len;
	/* HTTP/1.x */
	struct h1_parser *p;
	struct srv_req *cur;            /* in service or being written (one at a time, as nginx) */
	uint64_t out_left;              /* body bytes of cur still to write */
	bool writing;
	int nreq;
	struct timer t_idle;
	/* HTTP/2 */
	nghttp2_session *ng;
	int streams;                    /* requests open on it */
	int ndeferred;                  /* streams waiting for send space */
	bool h2_flushing;
};

struct http_server {
	struct http_server *sim_next;
	struct node *node;
	struct http_server_config cfg;
	char name[64];
	char mime[64];
	struct tcp_sock *lst;
	struct srv_res *res[256];
	struct srv_conn *conns;
	struct srv_conn *dead;          /* killed, freed by a later event */
	struct srv_req *reqs;
	struct rng *rng;
	int busy;
	struct srv_req *qhead, *qtail;
	struct http_server_stats st;
	const char *alpn[3];
	void *owned;                    /* freed with the server (the Lua size function) */
	struct tls_config tls_cfg;      /* the copy cfg.tls points to */
};

void srv_respond_ready(struct srv_req *r);      /* service over: send it */
void srv_req_submit(struct http_server *s, struct srv_req *r);
struct srv_req *srv_req_new(struct srv_conn *c);
void srv_req_free(struct srv_req *r);
void srv_req_detach(struct srv_req *r);         /* r->conn = NULL, off the connection's list */
void srv_h1_input(struct srv_conn *c);
void srv_lookup(struct http_server *s, struct srv_req *r);
void srv_conn_kill(struct srv_conn *c);
void srv_idle_arm(struct srv_conn *c);

/* http_server_h2.c */
int srv_h2_start(struct srv_conn *c);           /* 0 or -1 */
void srv_h2_input(struct srv_conn *c);          /* feed c->in and the socket to nghttp2 */
void srv_h2_respond(struct srv_req *r);
void srv_h2_flush(struct srv_conn *c);
void srv_h2_free(struct srv_conn *c);           /* memory only */
void srv_h2_idle_close(struct srv_conn *c);

/* ---- client ---- */

struct cli_origin;
struct cli_conn;

struct cli_req {
	struct cli_req *next;           /* origin's pending queue, or conn's in-flight FIFO */
	struct cli_req *fprev;          /* h2: the one before it in the in-flight list (on_fl) */
	struct cli_req *aprev, *anext;  /* every live request of the client */
	struct http_client *cl;
	struct cli_origin *o;
	struct cli_conn *conn;
	int64_t id, page_id;
	char *url;
	char path[1024];
	http_done_fn done;
	void *ctx;
	simtime_t t_start, t_ready, t_send_start, t_send_end, t_first, t_end;
	int64_t dns_ns, connect_ns, ssl_ns;
	int status;
	int32_t stream_id;
	int64_t req_bytes, resp_bytes, body_bytes;
	char mime[128];
	const char *error;
	char errbuf[160];
	int retries;
	bool reused, got_bytes, finished;
	bool on_fl;                     /* h2: on its connection's in-flight list */
};

struct cli_origin {
	struct cli_origin *next;
	struct http_client *cl;
	bool https;
	char host[256];
	char authority[280];
	uint16_t port;
	uint32_t addr;
	enum { DNS_NONE, DNS_RESOLVING, DNS_DONE, DNS_FAILED } dns;
	simtime_t dns_start, dns_end, dns_expires;
	char dns_err[128];
	struct cli_req *pend_head, *pend_tail;
	int npend;
	struct cli_conn *conns;
	int nconns, nconnecting;
	bool dispatch_armed;            /* a dispatch is scheduled for now */
	bool proto_known, is_h2;        /* a connection has come up and said which */
};

struct cli_conn {
	struct cli_conn *next, *prev;   /* origin's list, then the client's dead list */
	struct cli_origin *o;
	struct http_client *cl;
	struct http_xport x;
	int64_t id;
	bool dead, up, h2, closing, used;
	enum http_proto proto;          /* what it speaks once up */
	struct cli_req *fl_head, *fl_tail;
	int nfl;                        /* requests in flight (h2: open streams) */
	struct h1_parser *p;
	uint8_t *in;                    /* HTTP_IN_BUF bytes while it holds input (http_in_get) */
	uint32_t in_off, in_len;
	struct timer t_idle;
	nghttp2_session *ng;
	bool h2_flushing;
};

struct http_client {
	struct http_client *sim_next;
	struct node *node;
	struct http_client_config cfg;
	char name[64];
	struct tcp_config tcp;
	struct tls_config tls_cfg;      /* the copy cfg.tls points to (TLS defaults if none given) */
	struct cli_origin *origins;
	struct cli_conn *dead;
	struct cli_req *all;
	int open_conns;
	int64_t conns_opened;
	bool freeing;
};

struct sim *cli_sim(const struct http_client *c);
void cli_req_finish(struct cli_req *r, const char *error);
void cli_conn_kill(struct cli_conn *c, const char *why);
void cli_dispatch(struct cli_origin *o);
void cli_idle_arm(struct cli_conn *c);

/* http_client_h2.c */
int cli_h2_start(struct cli_conn *c);
void cli_h2_submit(struct cli_conn *c, struct cli_req *r);
void cli_h2_input(struct cli_conn *c);
void cli_h2_flush(struct cli_conn *c);
void cli_h2_free(struct cli_conn *c);
bool cli_h2_can_take(const struct cli_conn *c);

/* ---- URLs ---- */
struct http_url {
	bool https;
	char host[256];
	uint16_t port;
	char path[1024];
	char authority[280];            /* host[:port] as the Host header has it */
};
/* 0, or -1 with a reason in err (128 bytes). */
int http_url_parse(const char *url, struct http_url *u, char *err);

#endif
