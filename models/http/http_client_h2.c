/* The HTTP/2 side of the client (RFC 9113) through libnghttp2: one
 * connection per origin, every request a stream on it.  Cleartext h2c
 * starts with the connection preface at once (prior knowledge, RFC 9113
 * §3.3); over TLS the server picked "h2" by ALPN.  SETTINGS as Chrome sends
 * them (net/http2 defaults, spdy_session.cc): HEADER_TABLE_SIZE 65536,
 * ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 6 MiB, MAX_HEADER_LIST_SIZE 256 KiB,
 * and a connection window raised to 15 MiB; SETTINGS_MAX_CONCURRENT_STREAMS
 * from the server limits open streams (nghttp2 holds the rest).  Stream
 * priorities are nghttp2's defaults (weight 16, no dependencies).  Window
 * updates are nghttp2's automatic ones.  A protocol error from the server
 * fails the streams and closes the connection. */
#include "http_priv.h"

#include <stdio.h>
#include <string.h>

#include "sim/util.h"

static ssize_t h2c_send(nghttp2_session *ng, const uint8_t *data, size_t len, int flags, void *user)
{
	(void)ng;
	(void)flags;
	struct cli_conn *c = user;
	uint64_t space = xp_space(&c->x);
	if (!space)
		return NGHTTP2_ERR_WOULDBLOCK;
	size_t n = len < space ? len : (size_t)space;
	xp_write(&c->x, data, (uint32_t)n);
	return (ssize_t)n;
}

static struct cli_req *stream_req(nghttp2_session *ng, int32_t id)
{
	return id > 0 ? nghttp2_session_get_stream_user_data(ng, id) : NULL;
}

static int h2c_begin_headers(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	struct cli_conn *c = user;
	struct cli_req *r = stream_req(ng, frame->hd.stream_id);
	if (r && !r->got_bytes) {
		r->got_bytes = true;
		r->t_first = cli_sim(c->cl)->now;
	}
	return 0;
}

static int h2c_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
		      const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
	(void)flags;
	(void)user;
	struct cli_req *r = stream_req(ng, frame->hd.stream_id);
	if (!r || frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	if (namelen == 7 && memcmp(name, ":status", 7) == 0) {
		int st = 0;
		for (size_t i = 0; i < valuelen && i < 3; i++)
			st = st * 10 + (value[i] - '0');
		r->status = st;
	} else if (namelen == 12 && memcmp(name, "content-type", 12) == 0) {
		size_t n = valuelen < sizeof(r->mime) - 1 ? valuelen : sizeof(r->mime) - 1;
		memcpy(r->mime, value, n);
		r->mime[n] = '\0';
	}
	return 0;
}

static int h2c_data(nghttp2_session *ng, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
		    void *user)
{
	(void)flags;
	(void)data;
	struct cli_conn *c = user;
	struct cli_req *r = stream_req(ng, stream_id);
	if (r) {
		if (!r->got_bytes) {
			r->got_bytes = true;
			r->t_first = cli_sim(c->cl)->now;
		}
		r->body_bytes += (int64_t)len;
	}
	return 0;
}

static int h2c_frame_recv(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	(void)user;
	struct cli_req *r = stream_req(ng, frame->hd.stream_id);
	if (r && (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA))
		r->resp_bytes += (int64_t)frame->hd.length + 9;
	return 0;
}

static int h2c_frame_send(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	struct cli_conn *c = user;
	struct cli_req *r = stream_req(ng, frame->hd.stream_id);
	if (r && frame->hd.type == NGHTTP2_HEADERS) {
		r->req_bytes += (int64_t)frame->hd.length + 9;
		r->t_send_end = cli_sim(c->cl)->now;
	}
	return 0;
}

static void fl_remove(struct cli_conn *c, struct cli_req *r)
{
	if (!r->on_fl)
		return;
	r->on_fl = false;
	if (r->fprev)
		r->fprev->next = r->next;
	else
		c->fl_head = r->next;
	if (r->next)
		r->next->fprev = r->fprev;
	else
		c->fl_tail = r->fprev;
	r->next = r->fprev = NULL;
	c->nfl--;
}

static int h2c_stream_close(nghttp2_session *ng, int32_t stream_id, uint32_t error_code, void *user)
{
	struct cli_conn *c = user;
	struct cli_req *r = stream_req(ng, stream_id);
	if (!r)
		return 0;
	nghttp2_session_set_stream_user_data(ng, stream_id, NULL);
	fl_remove(c, r);
	if (error_code) {
		snprintf(r->errbuf, sizeof(r->errbuf), "h2: stream reset (%s)", nghttp2_http2_strerror(error_code));
		cli_req_finish(r, r->errbuf);
	} else if (!r->status) {
		cli_req_finish(r, "h2: stream closed without a response");
	} else {
		cli_req_finish(r, NULL);
	}
	if (!c->dead && !c->nfl)
		cli_idle_arm(c);
	return 0;
}

int cli_h2_start(struct cli_conn *c)
{
	nghttp2_session_callbacks *cbs;
	if (nghttp2_session_callbacks_new(&cbs))
		return -1;
	nghttp2_session_callbacks_set_send_callback(cbs, h2c_send);
	nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, h2c_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cbs, h2c_header);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, h2c_data);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, h2c_frame_recv);
	nghttp2_session_callbacks_set_on_frame_send_callback(cbs, h2c_frame_send);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, h2c_stream_close);
	int rv = nghttp2_session_client_new(&c->ng, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (rv)
		return -1;
	const struct http_client_config *cfg = &c->cl->cfg;
	nghttp2_settings_entry iv[5];
	int n = 0;
	iv[n++] = (nghttp2_settings_entry){ NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, 65536 };
	iv[n++] = (nghttp2_settings_entry){ NGHTTP2_SETTINGS_ENABLE_PUSH, 0 };
	iv[n++] = (nghttp2_settings_entry){ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE,
					    cfg->h2_initial_window ? cfg->h2_initial_window : 6291456 };
	iv[n++] = (nghttp2_settings_entry){ NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, 262144 };
	if (cfg->h2_max_concurrent)
		iv[n++] = (nghttp2_settings_entry){ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, cfg->h2_max_concurrent };
	nghttp2_submit_settings(c->ng, NGHTTP2_FLAG_NONE, iv, (size_t)n);
	nghttp2_session_set_local_window_size(c->ng, NGHTTP2_FLAG_NONE, 0, 15728640);
	return 0;
}

bool cli_h2_can_take(const struct cli_conn *c)
{
	return c->ng && !c->dead && !c->closing && nghttp2_session_want_write(c->ng) >= 0 &&
	       nghttp2_session_get_next_stream_id(c->ng) < (1u << 30);
}

void cli_h2_submit(struct cli_conn *c, struct cli_req *r)
{
	struct sim *s = cli_sim(c->cl);
	r->conn = c;
	r->reused = c->used;
	c->used = true;
	if (c->x.t_up == s->now && r->connect_ns < 0) {
		simtime_t from = r->t_ready > c->x.t_start ? r->t_ready : c->x.t_start;
		r->connect_ns = c->x.t_up - from;
		if (c->x.tls) {
			simtime_t sf = r->t_ready > c->x.t_tcp_up ? r->t_ready : c->x.t_tcp_up;
			r->ssl_ns = c->x.t_up - sf;
		}
	}
	r->t_send_start = s->now;
	const char *scheme = r->o->https ? "https" : "http";
#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }
	nghttp2_nv nva[] = {
		NV(":method", "GET"), NV(":scheme", scheme), NV(":authority", r->o->authority),
		NV(":path", r->path), NV("user-agent", "wirelab"), NV("accept", "*/*"),
	};
#undef NV
	int32_t id = nghttp2_submit_request(c->ng, NULL, nva, 6, NULL, r);
	if (id < 0) {
		snprintf(r->errbuf, sizeof(r->errbuf), "h2: %s", nghttp2_strerror(id));
		cli_req_finish(r, r->errbuf);
		return;
	}
	r->stream_id = id;
	r->next = NULL;
	r->fprev = c->fl_tail;
	r->on_fl = true;
	if (c->fl_tail)
		c->fl_tail->next = r;
	else
		c->fl_head = r;
	c->fl_tail = r;
	c->nfl++;
	timer_cancel(&c->t_idle);
}

void cli_h2_flush(struct cli_conn *c)
{
	if (c->dead || !c->ng || c->h2_flushing)
		return;
	c->h2_flushing = true;
	int rv = nghttp2_session_send(c->ng);
	xp_push(&c->x);
	c->h2_flushing = false;
	if (rv < 0) {
		cli_conn_kill(c, "h2: session error");
		return;
	}
	if (!nghttp2_session_want_read(c->ng) && !nghttp2_session_want_write(c->ng))
		cli_conn_kill(c, "h2: connection closed (GOAWAY)");
}

void cli_h2_input(struct cli_conn *c)
{
	while (!c->dead) {
		if (c->in_off == c->in_len) {
			c->in_off = 0;
			c->in_len = (uint32_t)xp_recv(&c->x, HTTP_IN_BUF, http_in_get(cli_sim(c->cl), &c->in));
			if (!c->in_len) {
				http_in_put(cli_sim(c->cl), &c->in);
				break;
			}
		}
		ssize_t n = nghttp2_session_mem_recv(c->ng, c->in + c->in_off, c->in_len - c->in_off);
		if (n < 0) {
			c->in_off = c->in_len = 0;
			nghttp2_session_terminate_session(c->ng, NGHTTP2_PROTOCOL_ERROR);
			cli_h2_flush(c);
			char why[96];
			snprintf(why, sizeof(why), "h2: %s", nghttp2_strerror((int)n));
			cli_conn_kill(c, why);
			return;
		}
		c->in_off += (uint32_t)n;
	}
	cli_h2_flush(c);
}

void cli_h2_free(struct cli_conn *c)
{
	if (c->ng)
		nghttp2_session_del(c->ng);
	c->ng = NULL;
}
