/* HTTP/1.x message parsing and writing (RFC 9112), for both directions.
 *
 * The parser is incremental: bytes arrive in any split, h1_feed consumes
 * what it can and says where it stands.  It keeps only what the model needs
 * (method, target, version, status, Content-Length, Content-Type, Host,
 * Connection) and enforces limits so no input can make it misbehave: a
 * start line of at most H1_LINE_MAX bytes (nginx large_client_header_buffers
 * 8k), headers of at most H1_HEAD_MAX bytes in total and H1_FIELDS_MAX
 * fields.  Anything malformed (a bad token, a missing colon, obs-fold, a
 * bad or repeated-and-different Content-Length, Transfer-Encoding, a bare
 * CR) puts the parser in H1_ERROR with a reason; the server answers 400 and
 * closes, the client fails the request.  Bodies are counted, not stored:
 * the model's bodies are filler bytes. */
#ifndef WL_HTTP1_H
#define WL_HTTP1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define H1_LINE_MAX 8192
#define H1_HEAD_MAX 32768
#define H1_FIELDS_MAX 100

enum h1_kind { H1_REQUEST, H1_RESPONSE };

enum h1_status {
	H1_MORE,        /* consumed everything given; needs more */
	H1_HEADERS,     /* the head is complete (fields below are valid) */
	H1_DONE,        /* the whole message, body included, is in */
	H1_ERROR,       /* malformed: see error */
};

enum h1_state { H1S_START, H1S_HEAD, H1S_BODY, H1S_BODY_EOF, H1S_DONE, H1S_ERROR };

struct h1_parser {
	enum h1_kind kind;
	enum h1_state state;
	/* the line being gathered */
	char *line;                     /* grows to H1_LINE_MAX + 1 as lines need */
	uint32_t line_len, line_cap;
	bool cr;                        /* the last byte was CR */
	uint32_t head_bytes;            /* start line and fields so far */
	uint32_t nfields;
	/* the message */
	char method[16];
	char target[1024];
	char host[256];
	char content_type[128];
	int version_minor;              /* HTTP/1.<minor> */
	int status;                     /* responses */
	int64_t content_length;         /* -1: absent */
	bool conn_close, conn_keepalive;
	bool head_request;              /* response parser: the request was HEAD (no body) */
	uint64_t body_left;
	uint64_t body_bytes;            /* body bytes consumed so far */
	const char *error;
};

void h1_init(struct h1_parser *p, enum h1_kind kind);
void h1_free(struct h1_parser *p);
/* Ready for the next message on the same connection. */
void h1_reset(struct h1_parser *p);
/* Consumes bytes from buf; *used says how many.  Stops after the head
 * (H1_HEADERS) and after the message (H1_DONE) so the caller can act; call
 * again with the rest.  In the body, h1_body_left() bytes are wanted: the
 * caller may instead skip them with h1_body_skip (no copy). */
enum h1_status h1_feed(struct h1_parser *p, const uint8_t *buf, size_t len, size_t *used);
/* Body bytes still wanted: 0 outside a body, UINT64_MAX while the body runs
 * to the end of the connection (a response without Content-Length). */
uint64_t h1_body_left(const struct h1_parser *p);
/* n body bytes arrived (n <= h1_body_left); H1_DONE when they end it. */
enum h1_status h1_body_skip(struct h1_parser *p, uint64_t n);
/* The connection ended: H1_DONE if the message was read to its end (a
 * response delimited by the close), H1_ERROR if it was cut short, H1_MORE
 * if no message had begun. */
enum h1_status h1_eof(struct h1_parser *p);

/* Writers: the head of a GET request or of a response, into buf (size
 * cap); the length, or -1 if it does not fit. */
int h1_write_request(char *buf, size_t cap, const char *method, const char *target, const char *host,
		     int version_minor, bool keepalive_hdr, bool close_hdr);
int h1_write_response(char *buf, size_t cap, int status, int version_minor, int64_t content_length,
		      const char *content_type, bool close, bool keepalive_hdr, int64_t now_s);
const char *h1_reason(int status);

#endif
