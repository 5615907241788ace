/* How a request ends: its HAR 1.2 phases (blocked, dns, connect, ssl, send,
 * wait, receive; -1 where a phase does not apply, the parts adding up to
 * the request's time), its http_requests row (sim/db.h) and its done
 * callback; and the protocol names and client defaults of http.h. */
#include "http_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/packet.h"

static const char *const proto_names[] = {
	[HTTP_PROTO_AUTO] = "auto", [HTTP_PROTO_1_0] = "http/1.0", [HTTP_PROTO_1_1] = "http/1.1",
	[HTTP_PROTO_1_1_PIPELINED] = "http/1.1-pipelined", [HTTP_PROTO_H2] = "h2",
};

int http_proto_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(proto_names) / sizeof(proto_names[0])); i++)
		if (strcmp(name, proto_names[i]) == 0)
			return i;
	return -1;
}

const char *http_proto_name(enum http_proto p)
{
	return (unsigned)p < sizeof(proto_names) / sizeof(proto_names[0]) ? proto_names[p] : "?";
}

const char *http_proto_names(void)
{
	return "\"http/1.0\", \"http/1.1\", \"http/1.1-pipelined\", \"h2\", \"auto\"";
}

void http_client_config_default(struct http_client_config *c)
{
	memset(c, 0, sizeof(*c));
	c->proto = HTTP_PROTO_1_1;
	c->max_conns_per_origin = 6;    /* Chrome; Firefox network.http.max-persistent-connections-per-server */
	c->max_pipeline_depth = 32;     /* Firefox network.http.pipelining.maxrequests */
	c->keepalive = true;
	c->idle_timeout = SIM_S(300);   /* Chrome: used idle sockets kept 5 minutes */
}

/* ---- finishing a request ---- */

static int64_t span(simtime_t a, simtime_t b) { return a >= 0 && b >= a ? b - a : 0; }

void cli_req_finish(struct cli_req *r, const char *error)
{
	if (r->finished)
		return;
	r->finished = true;
	struct http_client *cl = r->cl;
	struct sim *s = cli_sim(cl);
	r->t_end = s->now;
	struct http_result res = {
		.req_id = r->id, .page_id = r->page_id, .url = r->url, .status = error ? 0 : r->status,
		.proto = r->conn ? r->conn->proto : (cl->cfg.proto == HTTP_PROTO_AUTO ? HTTP_PROTO_1_1 : cl->cfg.proto),
		.conn_id = r->conn ? r->conn->id : -1, .stream_id = r->conn && r->conn->h2 ? r->stream_id : -1,
		.server_addr = r->o->addr, .server_port = r->o->port, .req_bytes = r->req_bytes,
		.resp_bytes = r->resp_bytes, .body_bytes = r->body_bytes, .mime = r->mime[0] ? r->mime : NULL,
		.error = error, .reused = r->reused, .started = r->t_start,
		.dns = r->dns_ns, .connect = r->connect_ns, .ssl = r->ssl_ns,
		.first_byte = r->got_bytes ? r->t_first : -1, .finished = r->t_end,
	};
	if (error && r->status && !r->error)
		res.status = r->status;
	/* HAR 1.2: blocked + dns + connect + send + wait + receive = time (ssl
	 * is inside connect); phases not reached are -1 (send, wait, receive
	 * stay 0 when the request was never written) */
	simtime_t send_start = r->t_send_start >= 0 ? r->t_send_start : r->t_end;
	int64_t pre = span(r->t_start, send_start);
	int64_t used = (res.dns > 0 ? res.dns : 0) + (res.connect > 0 ? res.connect : 0);
	res.blocked = pre > used ? pre - used : 0;
	if (r->t_send_start >= 0) {
		simtime_t send_end = r->t_send_end >= 0 ? r->t_send_end : r->t_end;
		res.send = span(r->t_send_start, send_end);
		simtime_t first = r->got_bytes ? r->t_first : r->t_end;
		res.wait = span(send_end, first);
		res.receive = r->got_bytes ? span(r->t_first, r->t_end) : 0;
	}
	if (s->db) {
		char ip[16];
		struct db_http_request row = {
			.req_id = r->id, .page_id = r->page_id, .client = cl->name, .url = r->url, .method = "GET",
			.status = res.status, .proto = http_proto_name(res.proto == HTTP_PROTO_1_1_PIPELINED ? HTTP_PROTO_1_1 : res.proto),
			.conn_id = res.conn_id, .stream_id = res.stream_id,
			.server_ip = r->o->addr ? ipv4_fmt(ip, r->o->addr) : NULL, .started_ns = r->t_start,
			.blocked_ns = res.blocked, .dns_ns = res.dns, .connect_ns = res.connect, .ssl_ns = res.ssl,
			.send_ns = res.send, .wait_ns = res.wait, .receive_ns = res.receive,
			.req_bytes = r->req_bytes, .resp_bytes = r->resp_bytes, .mime = res.mime, .error = error,
		};
		db_http_request(s->db, s->run_id, &row);
	}
	/* unlink before the callback: it may issue requests or free the client */
	if (r->aprev)
		r->aprev->anext = r->anext;
	else
		cl->all = r->anext;
	if (r->anext)
		r->anext->aprev = r->aprev;
	if (r->done)
		r->done(r->ctx, &res);
	free(r->url);
	http_pool_put(&http_sim_of(s)->creq, r);
}

