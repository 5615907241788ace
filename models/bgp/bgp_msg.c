/* BGP-4 messages on the wire: framing of the byte stream (RFC 4271 §4.1,
 * §6.1), OPEN with capabilities (§4.2, §6.2; RFC 5492, RFC 4760, RFC 2918,
 * RFC 6793), UPDATE (§4.3, §6.3; the path attributes are in
 * bgp_attr_codec.c), NOTIFICATION (§4.5), KEEPALIVE (§4.4) and
 * ROUTE-REFRESH (RFC 2918 §3).  Every length is checked before the bytes
 * it covers are read; every error is the NOTIFICATION code and subcode
 * RFC 4271 §6 assigns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/bgp/bgp_priv.h"

const char *bgp_msg_type_name(int type)
{
	switch (type) {
	case BGP_MSG_OPEN: return "OPEN";
	case BGP_MSG_UPDATE: return "UPDATE";
	case BGP_MSG_NOTIFICATION: return "NOTIFICATION";
	case BGP_MSG_KEEPALIVE: return "KEEPALIVE";
	case BGP_MSG_ROUTE_REFRESH: return "ROUTE-REFRESH";
	}
	return "unknown";
}

static const char *const err_names[7] = {
	"Unspecific", "Message Header Error", "OPEN Message Error", "UPDATE Message Error",
	"Hold Timer Expired", "Finite State Machine Error", "Cease",
};

static const char *err_sub_name(uint8_t code, uint8_t sub)
{
	static const char *const hdr[] = { "", "Connection Not Synchronized", "Bad Message Length",
					   "Bad Message Type" };
	static const char *const open[] = { "", "Unsupported Version Number", "Bad Peer AS",
					    "Bad BGP Identifier", "Unsupported Optional Parameter",
					    "(deprecated)", "Unacceptable Hold Time",
					    "Unsupported Capability" };
	static const char *const upd[] = { "", "Malformed Attribute List",
					   "Unrecognized Well-known Attribute",
					   "Missing Well-known Attribute", "Attribute Flags Error",
					   "Attribute Length Error", "Invalid ORIGIN Attribute",
					   "(deprecated)", "Invalid NEXT_HOP Attribute",
					   "Optional Attribute Error", "Invalid Network Field",
					   "Malformed AS_PATH" };
	static const char *const fsm[] = { "Unspecified", "in OpenSent", "in OpenConfirm",
					   "in Established" };
	static const char *const cease[] = { "", "Maximum Number of Prefixes Reached",
					     "Administrative Shutdown", "Peer De-configured",
					     "Administrative Reset", "Connection Rejected",
					     "Other Configuration Change",
					     "Connection Collision Resolution", "Out of Resources" };
	const char *s = NULL;
	switch (code) {
	case 1: s = sub < 4 ? hdr[sub] : NULL; break;
	case 2: s = sub < 8 ? open[sub] : NULL; break;
	case 3: s = sub < 12 ? upd[sub] : NULL; break;
	case 5: s = sub < 4 ? fsm[sub] : NULL; break;
	case 6: s = sub < 9 ? cease[sub] : NULL; break;
	}
	return s && *s ? s : sub ? "?" : "Unspecific";
}

const char *bgp_err_str(uint8_t code, uint8_t subcode, char *buf, size_t n)
{
	snprintf(buf, n, "%u/%u %s / %s", code, subcode, code < 7 ? err_names[code] : "?",
		 err_sub_name(code, subcode));
	return buf;
}

void bgp_msg_free(struct bgp_msg *m)
{
	if (m->type == BGP_MSG_UPDATE) {
		free(m->u.update.withdrawn);
		free(m->u.update.nlri);
		bgp_attrs_clear(&m->u.update.attrs);
	} else if (m->type == BGP_MSG_NOTIFICATION) {
		free(m->u.notif.data);
	}
	memset(m, 0, sizeof *m);
}

/* ---- framing (RFC 4271 §4.1, §6.1) ---- */

int bgp_msg_frame(const uint8_t *buf, size_t avail, struct bgp_err *err)
{
	size_t n = avail < 16 ? avail : 16;
	for (size_t i = 0; i < n; i++)
		if (buf[i] != 0xFF) {
			bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_NOT_SYNC, NULL, 0);
			return -1;
		}
	if (avail < BGP_HDR_LEN)
		return 0;
	uint16_t len = bgp_get16(buf + 16);
	uint8_t type = buf[18];
	if (type < BGP_MSG_OPEN || type > BGP_MSG_ROUTE_REFRESH) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_TYPE, &buf[18], 1);
		return -1;
	}
	bool bad = len < BGP_HDR_LEN || len > BGP_MAX_MSG_LEN;
	switch (type) {
	case BGP_MSG_OPEN: bad |= len < BGP_OPEN_MIN_LEN; break;
	case BGP_MSG_UPDATE: bad |= len < BGP_UPDATE_MIN_LEN; break;
	case BGP_MSG_NOTIFICATION: bad |= len < BGP_NOTIF_MIN_LEN; break;
	case BGP_MSG_KEEPALIVE: bad |= len != BGP_HDR_LEN; break;
	case BGP_MSG_ROUTE_REFRESH: bad |= len != BGP_HDR_LEN + 4; break;
	}
	if (bad) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, buf + 16, 2);
		return -1;
	}
	return avail >= len ? len : 0;
}

/* ---- OPEN ---- */

static int decode_caps(const uint8_t *p, uint32_t len, struct bgp_open *o, struct bgp_err *err)
{
	for (uint32_t i = 0; i < len; ) {
		if (len - i < 2 || p[i + 1] > len - i - 2) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
			return -1;
		}
		uint8_t code = p[i], cl = p[i + 1];
		const uint8_t *v = p + i + 2;
		switch (code) {
		case 1:                                   /* RFC 4760 §8 */
			if (cl != 4) goto bad;
			if (bgp_get16(v) == 1 && v[3] == 1)
				o->cap_mp_ipv4_unicast = true;
			break;
		case 2:                                   /* RFC 2918 §2 */
			if (cl != 0) goto bad;
			o->cap_route_refresh = true;
			break;
		case 65:                                  /* RFC 6793 §3 */
			if (cl != 4) goto bad;
			o->cap_as4 = true;
			o->as = bgp_get32(v);
			break;
		default:                                  /* RFC 5492 §3: ignore */
			break;
		}
		i += 2u + cl;
	}
	return 0;
bad:
	bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
	return -1;
}

static int decode_open(const uint8_t *b, size_t len, struct bgp_open *o, struct bgp_err *err)
{
	memset(o, 0, sizeof *o);
	o->version = b[19];
	if (o->version != BGP_VERSION) {
		uint8_t v[2] = { 0, BGP_VERSION };   /* RFC 4271 §6.2: our version */
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION, v, 2);
		return -1;
	}
	o->my_as16 = bgp_get16(b + 20);
	o->as = o->my_as16;
	o->hold_time_s = bgp_get16(b + 22);
	o->bgp_id = bgp_get32(b + 24);
	uint8_t optlen = b[28];
	if ((size_t)BGP_OPEN_MIN_LEN + optlen != len) {
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, b + 16, 2);
		return -1;
	}
	const uint8_t *p = b + 29;
	for (uint32_t i = 0; i < optlen; ) {
		if (optlen - i < 2 || p[i + 1] > optlen - i - 2) {
			bgp_err_set(err, BGP_ERR_OPEN, 0, NULL, 0);
			return -1;
		}
		uint8_t type = p[i], pl = p[i + 1];
		if (type != 2) {                          /* RFC 5492: 2 = Capabilities */
			bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_UNSUPPORTED_OPT, p + i, 2u + pl);
			return -1;
		}
		if (decode_caps(p + i + 2, pl, o, err) < 0)
			return -1;
		i += 2u + pl;
	}
	return 0;
}

int bgp_open_check(const struct bgp_open *o, uint32_t expected_as, uint32_t local_id,
		   struct bgp_err *err)
{
	if (o->version != BGP_VERSION) {
		uint8_t v[2] = { 0, BGP_VERSION };
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_VERSION, v, 2);
		return -1;
	}
	/* RFC 6793 §4.1: a 4-octet AS in the capability with a 2-octet field
	 * other than AS_TRANS (or the AS itself) is Bad Peer AS. */
	if ((expected_as && o->as != expected_as) ||
	    (o->cap_as4 && o->as > 65535 && o->my_as16 != BGP_AS_TRANS) ||
	    (o->cap_as4 && o->as <= 65535 && o->my_as16 != o->as && o->my_as16 != BGP_AS_TRANS) ||
	    o->as == 0) {
		uint8_t d[2];
		bgp_put16(d, o->my_as16);
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_PEER_AS, d, 2);
		return -1;
	}
	if (o->bgp_id == 0 || o->bgp_id == local_id || o->bgp_id == 0xFFFFFFFFu ||
	    (o->bgp_id >> 28) == 0xE) {
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_BAD_BGP_ID, NULL, 0);
		return -1;
	}
	if (o->hold_time_s == 1 || o->hold_time_s == 2) {      /* RFC 4271 §6.2 */
		bgp_err_set(err, BGP_ERR_OPEN, BGP_OPEN_UNACCEPTABLE_HOLD, NULL, 0);
		return -1;
	}
	return 0;
}

/* ---- UPDATE ---- */

/* Parses a list of prefixes (RFC 4271 §4.3: length octet, then the
 * shortest number of octets holding it).  Host bits are cleared. */
static int parse_prefixes(const uint8_t *p, uint32_t len, struct bgp_prefix **out, uint32_t *n)
{
	uint32_t cnt = 0;
	for (uint32_t i = 0; i < len; ) {
		uint8_t pl = p[i];
		uint32_t bytes = (pl + 7u) / 8u;
		if (pl > 32 || bytes > len - i - 1)
			return -1;
		i += 1 + bytes;
		cnt++;
	}
	*n = 0;
	*out = NULL;
	if (!cnt)
		return 0;
	*out = malloc(cnt * sizeof **out);
	if (!*out)
		return -1;
	for (uint32_t i = 0; i < len; ) {
		uint8_t pl = p[i];
		uint32_t bytes = (pl + 7u) / 8u, a = 0;
		for (uint32_t k = 0; k < bytes; k++)
			a |= (uint32_t)p[i + 1 + k] << (24 - 8 * k);
		a &= pl ? ~0u << (32 - pl) : 0;
		(*out)[(*n)++] = (struct bgp_prefix){ .addr = a, .len = pl };
		i += 1 + bytes;
	}
	return 0;
}

static int decode_update(const uint8_t *b, size_t len, const struct bgp_codec_ctx *ctx,
			 struct bgp_update *u, struct bgp_err *err)
{
	memset(u, 0, sizeof *u);
	uint32_t wl = bgp_get16(b + 19);
	/* RFC 4271 §6.3: the two length fields overrunning the message */
	if ((size_t)BGP_UPDATE_MIN_LEN + wl > len) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, NULL, 0);
		return -1;
	}
	uint32_t tal = bgp_get16(b + 21 + wl);
	if ((size_t)BGP_UPDATE_MIN_LEN + wl + tal > len) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_UPD_MALFORMED_ATTR_LIST, NULL, 0);
		return -1;
	}
	const uint8_t *wp = b + 21, *ap = b + 23 + wl, *np = ap + tal;
	uint32_t nlen = (uint32_t)(len - BGP_UPDATE_MIN_LEN - wl - tal);
	if (parse_prefixes(wp, wl, &u->withdrawn, &u->n_withdrawn) < 0 ||
	    parse_prefixes(np, nlen, &u->nlri, &u->n_nlri) < 0) {
		/* RFC 4271 §6.3 Invalid Network Field; RFC 7606 §5.3 session reset */
		free(u->withdrawn);
		memset(u, 0, sizeof *u);
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_UPD_INVALID_NETWORK, NULL, 0);
		return -1;
	}
	u->has_attrs = tal > 0;
	if (bgp_attrs_decode(ap, tal, ctx, nlen > 0, u, err) < 0) {
		free(u->withdrawn);
		free(u->nlri);
		memset(u, 0, sizeof *u);
		return -1;
	}
	return 0;
}

int bgp_msg_decode(const uint8_t *buf, size_t len, const struct bgp_codec_ctx *ctx,
		   struct bgp_msg *m, struct bgp_err *err)
{
	memset(m, 0, sizeof *m);
	memset(err, 0, sizeof *err);
	int fr = bgp_msg_frame(buf, len, err);
	if (fr < 0)
		return -1;
	if (fr == 0 || (size_t)fr != len) {
		uint8_t d[2];
		bgp_put16(d, (uint16_t)len);
		bgp_err_set(err, BGP_ERR_HEADER, BGP_HDR_BAD_LENGTH, d, 2);
		return -1;
	}
	uint8_t type = buf[18];
	m->len = (uint16_t)len;
	int rc = 0;
	switch (type) {
	case BGP_MSG_OPEN:
		rc = decode_open(buf, len, &m->u.open, err);
		break;
	case BGP_MSG_UPDATE:
		rc = decode_update(buf, len, ctx, &m->u.update, err);
		break;
	case BGP_MSG_NOTIFICATION:
		m->u.notif.code = buf[19];
		m->u.notif.subcode = buf[20];
		m->u.notif.data_len = (uint16_t)(len - BGP_NOTIF_MIN_LEN);
		if (m->u.notif.data_len) {
			m->u.notif.data = malloc(m->u.notif.data_len);
			if (!m->u.notif.data) {
				bgp_err_set(err, BGP_ERR_CEASE, BGP_CEASE_OUT_OF_RESOURCES, NULL, 0);
				return -1;
			}
			memcpy(m->u.notif.data, buf + BGP_NOTIF_MIN_LEN, m->u.notif.data_len);
		}
		break;
	case BGP_MSG_KEEPALIVE:
		break;
	case BGP_MSG_ROUTE_REFRESH:
		m->u.refresh.afi = bgp_get16(buf + 19);
		m->u.refresh.safi = buf[22];
		break;
	}
	if (rc < 0) {
		memset(m, 0, sizeof *m);
		return -1;
	}
	m->type = type;
	return 0;
}

/* ---- encoding ---- */

static void put_header(uint8_t *buf, uint16_t len, uint8_t type)
{
	memset(buf, 0xFF, 16);
	bgp_put16(buf + 16, len);
	buf[18] = type;
}

int bgp_encode_open(uint8_t *buf, size_t cap, const struct bgp_open *o)
{
	uint8_t caps[64];
	size_t cl = 0;
	if (o->cap_mp_ipv4_unicast) {
		const uint8_t c[] = { 1, 4, 0, 1, 0, 1 };
		memcpy(caps + cl, c, sizeof c);
		cl += sizeof c;
	}
	if (o->cap_route_refresh) {
		caps[cl++] = 2;
		caps[cl++] = 0;
	}
	if (o->cap_as4) {
		caps[cl++] = 65;
		caps[cl++] = 4;
		bgp_put32(caps + cl, o->as);
		cl += 4;
	}
	/* one Capabilities parameter holding them all (RFC 5492 §4) */
	size_t optlen = cl ? 2 + cl : 0;
	size_t len = BGP_OPEN_MIN_LEN + optlen;
	if (len > cap)
		return -1;
	put_header(buf, (uint16_t)len, BGP_MSG_OPEN);
	buf[19] = BGP_VERSION;
	bgp_put16(buf + 20, o->as > 65535 ? BGP_AS_TRANS : (uint16_t)o->as);
	bgp_put16(buf + 22, o->hold_time_s);
	bgp_put32(buf + 24, o->bgp_id);
	buf[28] = (uint8_t)optlen;
	if (cl) {
		buf[29] = 2;
		buf[30] = (uint8_t)cl;
		memcpy(buf + 31, caps, cl);
	}
	return (int)len;
}

int bgp_encode_keepalive(uint8_t *buf, size_t cap)
{
	if (cap < BGP_HDR_LEN)
		return -1;
	put_header(buf, BGP_HDR_LEN, BGP_MSG_KEEPALIVE);
	return BGP_HDR_LEN;
}

int bgp_encode_notification(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode,
			    const uint8_t *data, size_t data_len)
{
	size_t len = BGP_NOTIF_MIN_LEN + data_len;
	if (len > cap || len > BGP_MAX_MSG_LEN)
		return -1;
	put_header(buf, (uint16_t)len, BGP_MSG_NOTIFICATION);
	buf[19] = code;
	buf[20] = subcode;
	if (data_len)
		memcpy(buf + 21, data, data_len);
	return (int)len;
}

int bgp_encode_route_refresh(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi)
{
	if (cap < BGP_HDR_LEN + 4)
		return -1;
	put_header(buf, BGP_HDR_LEN + 4, BGP_MSG_ROUTE_REFRESH);
	bgp_put16(buf + 19, afi);
	buf[21] = 0;
	buf[22] = safi;
	return BGP_HDR_LEN + 4;
}

static size_t put_prefixes(uint8_t *p, const struct bgp_prefix *v, uint32_t n)
{
	size_t o = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t bytes = (v[i].len + 7u) / 8u;
		p[o++] = v[i].len;
		for (uint32_t k = 0; k < bytes; k++)
			p[o++] = (uint8_t)(v[i].addr >> (24 - 8 * k));
	}
	return o;
}

static uint32_t prefixes_len(const struct bgp_prefix *v, uint32_t n)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		s += bgp_prefix_wire_len(&v[i]);
	return s;
}

int bgp_encode_update(uint8_t *buf, size_t cap, const struct bgp_codec_ctx *ctx,
		      const struct bgp_prefix *withdrawn, uint32_t nw,
		      const struct bgp_attrs *attrs,
		      const struct bgp_prefix *nlri, uint32_t nn)
{
	if (cap > BGP_MAX_MSG_LEN)
		cap = BGP_MAX_MSG_LEN;
	if (nn && !attrs)
		return -1;
	for (uint32_t i = 0; i < nw; i++)
		if (withdrawn[i].len > 32)
			return -1;
	for (uint32_t i = 0; i < nn; i++)
		if (nlri[i].len > 32)
			return -1;
	uint32_t wl = prefixes_len(withdrawn, nw);
	if ((size_t)BGP_UPDATE_MIN_LEN + wl > cap)
		return -1;
	size_t o = 21;
	bgp_put16(buf + 19, (uint16_t)wl);
	o += put_prefixes(buf + o, withdrawn, nw);
	size_t tal_at = o;
	o += 2;
	int al = 0;
	if (attrs) {
		al = bgp_attrs_encode(buf + o, cap - o, ctx, attrs);
		if (al < 0)
			return -1;
	}
	bgp_put16(buf + tal_at, (uint16_t)al);
	o += (size_t)al;
	if (o + prefixes_len(nlri, nn) > cap)
		return -1;
	o += put_prefixes(buf + o, nlri, nn);
	put_header(buf, (uint16_t)o, BGP_MSG_UPDATE);
	return (int)o;
}

uint32_t bgp_update_fit(const struct bgp_codec_ctx *ctx, const struct bgp_attrs *attrs,
			const struct bgp_prefix *nlri, uint32_t nn)
{
	uint8_t tmp[BGP_MAX_MSG_LEN];
	int al = attrs ? bgp_attrs_encode(tmp, sizeof tmp, ctx, attrs) : 0;
	if (al < 0)
		return 0;
	uint32_t room = BGP_MAX_MSG_LEN - BGP_UPDATE_MIN_LEN - (uint32_t)al, k = 0;
	while (k < nn && bgp_prefix_wire_len(&nlri[k]) <= room) {
		room -= bgp_prefix_wire_len(&nlri[k]);
		k++;
	}
	return k;
}
