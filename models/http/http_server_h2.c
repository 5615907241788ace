/* The HTTP/2 side of the server (RFC 9113) through libnghttp2, which has no
 * I/O of its own: bytes read from the transport go to
 * nghttp2_session_mem_recv, and nghttp2_session_send hands frames to our
 * send callbacks, which stage them on the transport (DATA payloads as
 * filler, NGHTTP2_DATA_FLAG_NO_COPY, so a large body is never copied).
 * Each request stream goes through the server's worker queue like an
 * HTTP/1.x request; its response is HEADERS then DATA frames, framed only
 * as far as the send buffer has room (the rest when it drains), with
 * nghttp2's flow control and priority scheduling deciding which stream
 * goes next.  SETTINGS as nginx sends them (ngx_http_v2.c
 * ngx_http_v2_send_settings): MAX_CONCURRENT_STREAMS 128, INITIAL_WINDOW_SIZE
 * 65536 (http2_body_preread_size), MAX_FRAME_SIZE 16384, and a connection
 * WINDOW_UPDATE to 2^31-1.  A protocol error ends the connection with
 * GOAWAY (nghttp2 sends it), never a crash. */
#include "http_priv.h"

#include <stdio.h>
#include <string.h>

#include "sim/util.h"

static struct sim *c_sim(struct srv_conn *c) { return c->srv->node->net->sim; }

static ssize_t h2s_send(nghttp2_session *ng, const uint8_t *data, size_t len, int flags, void *user)
{
	(void)ng;
	(void)flags;
	struct srv_conn *c = user;
	uint64_t space = xp_space(&c->x);
	if (!space)
		return NGHTTP2_ERR_WOULDBLOCK;
	size_t n = len < space ? len : (size_t)space;
	xp_write(&c->x, data, (uint32_t)n);
	return (ssize_t)n;
}

static int h2s_send_data(nghttp2_session *ng, nghttp2_frame *frame, const uint8_t *framehd, size_t length,
			 nghttp2_data_source *source, void *user)
{
	(void)ng;
	(void)source;
	struct srv_conn *c = user;
	if (xp_space(&c->x) < 9 + length + frame->data.padlen)
		return NGHTTP2_ERR_WOULDBLOCK;
	xp_write(&c->x, framehd, 9);
	if (frame->data.padlen > 0) {
		uint8_t pl = (uint8_t)(frame->data.padlen - 1);
		xp_write(&c->x, &pl, 1);
	}
	xp_write_zeros(&c->x, length);
	if (frame->data.padlen > 1)
		xp_write_zeros(&c->x, frame->data.padlen - 1);
	return 0;
}

static ssize_t h2s_read(nghttp2_session *ng, int32_t stream_id, uint8_t *buf, size_t length,
			uint32_t *data_flags, nghttp2_data_source *source, void *user)
{
	(void)ng;
	(void)stream_id;
	(void)buf;
	struct srv_conn *c = user;
	struct srv_req *r = source->ptr;
	uint64_t space = xp_space(&c->x);
	if (r->body_left && space <= 9) {
		if (!r->deferred)
			c->ndeferred++;
		r->deferred = true;
		return NGHTTP2_ERR_DEFERRED;
	}
	uint64_t n = length;
	if (n > r->body_left)
		n = r->body_left;
	if (n > space - 9)
		n = space - 9;
	r->body_left -= n;
	*data_flags |= NGHTTP2_DATA_FLAG_NO_COPY;
	if (!r->body_left)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

static int h2s_begin_headers(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	struct srv_conn *c = user;
	if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
		return 0;
	struct srv_req *r = srv_req_new(c);
	r->stream_id = frame->hd.stream_id;
	r->version_minor = 1;
	nghttp2_session_set_stream_user_data(ng, frame->hd.stream_id, r);
	return 0;
}

static int h2s_header(nghttp2_session *ng, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
		      const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
	(void)flags;
	(void)user;
	if (frame->hd.type != NGHTTP2_HEADERS)
		return 0;
	struct srv_req *r = nghttp2_session_get_stream_user_data(ng, frame->hd.stream_id);
	if (!r)
		return 0;
	if (namelen == 5 && memcmp(name, ":path", 5) == 0) {
		size_t n = valuelen < sizeof(r->path) - 1 ? valuelen : sizeof(r->path) - 1;
		memcpy(r->path, value, n);
		r->path[n] = '\0';
	} else if (namelen == 7 && memcmp(name, ":method", 7) == 0) {
		size_t n = valuelen < sizeof(r->method) - 1 ? valuelen : sizeof(r->method) - 1;
		memcpy(r->method, value, n);
		r->method[n] = '\0';
	}
	return 0;
}

static int h2s_frame_recv(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	struct srv_conn *c = user;
	if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
	    !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM))
		return 0;
	struct srv_req *r = nghttp2_session_get_stream_user_data(ng, frame->hd.stream_id);
	if (!r || r->in_service || r->queued || r->submitted)
		return 0;
	/* a whole request: the connection is busy until its stream closes
	 * (a stream still arriving does not hold off the idle timeout) */
	c->streams++;
	r->counted = true;
	timer_cancel(&c->t_idle);
	srv_lookup(c->srv, r);
	srv_req_submit(c->srv, r);
	return 0;
}

static int h2s_stream_close(nghttp2_session *ng, int32_t stream_id, uint32_t error_code, void *user)
{
	(void)error_code;
	struct srv_conn *c = user;
	struct srv_req *r = nghttp2_session_get_stream_user_data(ng, stream_id);
	if (!r)
		return 0;
	nghttp2_session_set_stream_user_data(ng, stream_id, NULL);
	if (r->counted)
		c->streams--;
	if (r->submitted && !r->body_left && !error_code)
		c->srv->st.responses++;
	if (r->deferred) {
		r->deferred = false;
		c->ndeferred--;
	}
	if (r->in_service || r->queued) {
		r->cancelled = true; /* RST_STREAM while it waited: the worker drops it */
		srv_req_detach(r);
	} else {
		srv_req_free(r);
	}
	if (!c->streams)
		srv_idle_arm(c);
	return 0;
}

/* A GOAWAY with an error is how nghttp2 answers a protocol error: counted
 * as a bad request, as the 400s of HTTP/1.x */
static int h2s_frame_send(nghttp2_session *ng, const nghttp2_frame *frame, void *user)
{
	(void)ng;
	struct srv_conn *c = user;
	if (frame->hd.type == NGHTTP2_GOAWAY && frame->goaway.error_code != NGHTTP2_NO_ERROR)
		c->srv->st.bad_requests++;
	return 0;
}

int srv_h2_start(struct srv_conn *c)
{
	nghttp2_session_callbacks *cbs;
	if (nghttp2_session_callbacks_new(&cbs))
		return -1;
	nghttp2_session_callbacks_set_send_callback(cbs, h2s_send);
	nghttp2_session_callbacks_set_send_data_callback(cbs, h2s_send_data);
	nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, h2s_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cbs, h2s_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, h2s_frame_recv);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, h2s_stream_close);
	nghttp2_session_callbacks_set_on_frame_send_callback(cbs, h2s_frame_send);
	int rv = nghttp2_session_server_new(&c->ng, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (rv)
		return -1;
	c->h2 = true;
	const struct http_server_config *cfg = &c->srv->cfg;
	nghttp2_settings_entry iv[] = {
		{ NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, cfg->h2_max_concurrent ? cfg->h2_max_concurrent : 128 },
		{ NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, cfg->h2_initial_window ? cfg->h2_initial_window : 65536 },
		{ NGHTTP2_SETTINGS_MAX_FRAME_SIZE, 16384 },
	};
	nghttp2_submit_settings(c->ng, NGHTTP2_FLAG_NONE, iv, 3);
	nghttp2_session_set_local_window_size(c->ng, NGHTTP2_FLAG_NONE, 0, 2147483647);
	return 0;
}

void srv_h2_flush(struct srv_conn *c)
{
	if (c->dead || !c->ng || c->h2_flushing || c->in_input)
		return; /* inside srv_h2_input: its end flushes */
	c->h2_flushing = true;
	for (struct srv_req *r = c->reqs; r && c->ndeferred; r = r->cnext)
		if (r->deferred) {
			r->deferred = false;
			c->ndeferred--;
			nghttp2_session_resume_data(c->ng, r->stream_id);
		}
	int rv = nghttp2_session_send(c->ng);
	xp_push(&c->x);
	c->h2_flushing = false;
	if (rv < 0 || (!nghttp2_session_want_read(c->ng) && !nghttp2_session_want_write(c->ng)))
		srv_conn_kill(c);
}

void srv_h2_input(struct srv_conn *c)
{
	if (c->in_input)
		return;
	c->in_input = true;
	while (!c->dead) {
		if (c->in_off == c->in_len) {
			c->in_off = 0;
			c->in_len = (uint32_t)xp_recv(&c->x, HTTP_IN_BUF, http_in_get(c_sim(c), &c->in));
			if (!c->in_len) {
				http_in_put(c_sim(c), &c->in);
				break;
			}
		}
		ssize_t n = nghttp2_session_mem_recv(c->ng, c->in + c->in_off, c->in_len - c->in_off);
		if (n < 0) {
			c->in_off = c->in_len = 0;
			c->in_input = false;
			nghttp2_session_terminate_session(c->ng, NGHTTP2_PROTOCOL_ERROR);
			srv_h2_flush(c);
			srv_conn_kill(c);
			return;
		}
		c->in_off += (uint32_t)n;
	}
	c->in_input = false;
	srv_h2_flush(c);
}

void srv_h2_respond(struct srv_req *r)
{
	struct srv_conn *c = r->conn;
	char len[24], date[8];
	snprintf(len, sizeof(len), "%lld", (long long)r->size);
	snprintf(date, sizeof(date), "%d", r->status);
	const char *mime = r->mime ? r->mime : "application/octet-stream";
#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }
	nghttp2_nv nva[] = {
		NV(":status", date), NV("server", "wirelab"), NV("content-type", mime), NV("content-length", len),
	};
#undef NV
	r->body_left = r->head ? 0 : (uint64_t)r->size;
	nghttp2_data_provider dp = { .source.ptr = r, .read_callback = h2s_read };
	r->submitted = true;
	if (nghttp2_submit_response(c->ng, r->stream_id, nva, 4, r->body_left ? &dp : NULL) != 0) {
		nghttp2_submit_rst_stream(c->ng, NGHTTP2_FLAG_NONE, r->stream_id, NGHTTP2_INTERNAL_ERROR);
	}
	srv_h2_flush(c);
}

void srv_h2_idle_close(struct srv_conn *c)
{
	/* nginx: GOAWAY (NO_ERROR) on an idle HTTP/2 connection, then close */
	nghttp2_session_terminate_session(c->ng, NGHTTP2_NO_ERROR);
	srv_h2_flush(c);
	srv_conn_kill(c);
}

void srv_h2_free(struct srv_conn *c)
{
	if (c->ng)
		nghttp2_session_del(c->ng);
	c->ng = NULL;
	(void)c_sim;
}
