/* Helpers shared by the BGP codec files (bgp_msg.c, bgp_attr_codec.c) and
 * the session: big-endian byte access and the attribute-list codec entry
 * points.  Not for use outside models/bgp. */
#ifndef WL_BGP_PRIV_H
#define WL_BGP_PRIV_H

#include <string.h>

#include "models/bgp/bgp_msg.h"

static inline uint16_t bgp_get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t bgp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void bgp_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void bgp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static inline void bgp_err_set(struct bgp_err *e, uint8_t code, uint8_t sub,
			       const uint8_t *data, size_t len)
{
	e->code = code;
	e->subcode = sub;
	if (len > BGP_ERR_DATA_MAX)
		len = BGP_ERR_DATA_MAX;
	e->data_len = (uint16_t)len;
	if (len)
		memcpy(e->data, data, len);
}

/* Decodes the path attributes field p[0..len) of an UPDATE into u->attrs
 * (RFC 4271 §4.3, §6.3 with RFC 7606's revisions).  has_nlri: the UPDATE
 * carries NLRI, so the mandatory attributes must be there.  Returns 0
 * (u->treat_as_withdraw and u->tw_err set when RFC 7606 says so), or -1
 * with err set when the session must be reset. */
int bgp_attrs_decode(const uint8_t *p, uint32_t len, const struct bgp_codec_ctx *ctx,
		     bool has_nlri, struct bgp_update *u, struct bgp_err *err);
/* Encodes a's attributes into buf; the byte count, or -1 if over cap. */
int bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_codec_ctx *ctx,
		     const struct bgp_attrs *a);

#endif
