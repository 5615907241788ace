/* One DNS query over TCP, as a stub or a resolver asks again after a
 * truncated UDP answer (RFC 1035 §4.2.2, RFC 7766 §5): connect to the
 * server's port, send the query with its 2-byte length prefix, read one
 * length-prefixed answer, close.  Used by dns_stub.c and dns_resolver.c. */
#ifndef WL_DNS_RES_TCP_H
#define WL_DNS_RES_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "models/net/net.h"

struct dns_tcpq;

/* The answer's bytes (valid during the call), or msg NULL and err a
 * negative TCP error (connection refused, reset, timed out, or -1 when
 * the peer closed before a whole message came). */
typedef void (*dns_tcpq_fn)(void *ctx, const uint8_t *msg, size_t len, int err);

/* Starts the query; fn is called exactly once, from an event, unless
 * dns_tcpq_cancel is called first. */
struct dns_tcpq *dns_tcpq_start(struct node *nd, uint32_t dst, uint16_t port, const uint8_t *query,
				size_t qlen, dns_tcpq_fn fn, void *ctx);
/* fn will not be called; the connection is closed. */
void dns_tcpq_cancel(struct dns_tcpq *t);

#endif
