/* DNS messages: building them, and their wire format (RFC 1035 §4.1) with
 * EDNS(0) (RFC 6891 §6) and truncation (RFC 2181 §9, RFC 9471).
 *
 * Decoding is strict, as a server should be with what it parses: more
 * than one question, a count larger than the bytes could hold, RDATA that
 * does not match its type's layout, an OPT RR outside the additional
 * section, not owned by the root or seen twice (RFC 6891 §6.1.1), option
 * lengths that overrun the OPT RDATA, or bytes after the last RR are all
 * FORMERR.  Encoding writes whole RRsets or none. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "models/dns/dns_rr.h"
#include "sim/util.h"

void dns_msg_init(struct dns_msg *m)
{
	memset(m, 0, sizeof(*m));
}

void dns_msg_free(struct dns_msg *m)
{
	for (int s = 0; s < DNS_NSECTIONS; s++) {
		for (int i = 0; i < m->n[s]; i++)
			free(m->rr[s][i].data);
		free(m->rr[s]);
	}
	free(m->edns_opts);
	dns_msg_init(m);
}

void dns_msg_set_question(struct dns_msg *m, const struct dns_name *name, uint16_t type,
			  uint16_t cls)
{
	m->has_question = true;
	m->q.name = *name;
	m->q.type = type;
	m->q.cls = cls;
}

/* A new initialised slot at the end of a section. */
static struct dns_rr *push(struct dns_msg *m, enum dns_section sec)
{
	if (m->n[sec] == m->cap[sec]) {
		uint16_t cap = m->cap[sec] ? (uint16_t)(m->cap[sec] * 2u > 65535 ? 65535 : m->cap[sec] * 2u) : 4;
		m->rr[sec] = realloc(m->rr[sec], cap * sizeof(struct dns_rr));
		if (!m->rr[sec])
			abort();
		m->cap[sec] = cap;
	}
	struct dns_rr *rr = &m->rr[sec][m->n[sec]++];
	dns_rr_init(rr);
	return rr;
}

struct dns_rr *dns_msg_add(struct dns_msg *m, enum dns_section sec, const struct dns_rr *rr)
{
	assert(m->n[sec] < 65535);
	struct dns_rr *d = push(m, sec);
	dns_rr_copy(d, rr);
	return d;
}

void dns_msg_query(struct dns_msg *m, uint16_t id, const struct dns_name *name, uint16_t type,
		   bool rd, uint16_t edns_udp_size)
{
	dns_msg_init(m);
	m->id = id;
	m->rd = rd;
	m->opcode = DNS_OP_QUERY;
	dns_msg_set_question(m, name, type, DNS_C_IN);
	if (edns_udp_size) {
		m->edns = true;
		m->edns_udp_size = edns_udp_size;
	}
}

void dns_msg_reply(struct dns_msg *r, const struct dns_msg *q, uint16_t our_udp_size)
{
	dns_msg_init(r);
	r->id = q->id;
	r->qr = true;
	r->opcode = q->opcode;
	r->rd = q->rd;
	r->cd = q->cd;
	if (q->has_question)
		dns_msg_set_question(r, &q->q.name, q->q.type, q->q.cls);
	if (q->edns) {
		r->edns = true;
		r->edns_udp_size = our_udp_size;
	}
}

/* ---- decoding ---- */

static int decode_opt(struct dns_msg *m, struct dns_rbuf *r, uint16_t cls, uint32_t ttl)
{
	m->edns = true;
	m->edns_udp_size = cls;
	m->rcode = (uint16_t)(m->rcode | (ttl >> 24) << 4);
	m->edns_version = (uint8_t)(ttl >> 16);
	m->edns_do = (ttl & 0x8000) != 0;
	size_t n = r->end - r->off;
	/* options: {code u16, length u16, data}, RFC 6891 §6.1.2 */
	for (size_t i = r->off; i < r->end;) {
		if (i + 4 > r->end)
			return -1;
		size_t ol = (size_t)(r->msg[i + 2] << 8 | r->msg[i + 3]);
		if (i + 4 + ol > r->end)
			return -1;
		i += 4 + ol;
	}
	if (n > 0) {
		m->edns_opts = xmalloc(n);
		memcpy(m->edns_opts, r->msg + r->off, n);
		m->edns_opts_len = (uint16_t)n;
	}
	r->off = r->end;
	return 0;
}

static int decode_rr(struct dns_msg *m, enum dns_section sec, struct dns_rbuf *r)
{
	struct dns_name name;
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	if (dns_r_name(r, &name) < 0 || dns_r_u16(r, &type) < 0 || dns_r_u16(r, &cls) < 0 ||
	    dns_r_u32(r, &ttl) < 0 || dns_r_u16(r, &rdlen) < 0)
		return -1;
	if (rdlen > r->end - r->off)
		return -1;
	struct dns_rbuf rd = { .msg = r->msg, .msglen = r->msglen, .off = r->off,
			       .end = r->off + rdlen };
	r->off += rdlen;
	if (type == DNS_T_OPT) {
		if (sec != DNS_SEC_AR || m->edns || name.len != 1)
			return -1;
		return decode_opt(m, &rd, cls, ttl);
	}
	struct dns_rr *rr = push(m, sec);
	rr->name = name;
	rr->type = type;
	rr->cls = cls;
	rr->ttl = ttl > DNS_TTL_MAX ? 0 : ttl; /* RFC 2181 §8 */
	const struct dns_rr_codec *c = dns_rr_codec(type);
	int rc = c ? c->decode(rr, &rd) : dns_rr_decode_opaque(rr, &rd);
	if (rc < 0 || rd.off != rd.end)
		return -1; /* the RR stays in m and is freed with it */
	return 0;
}

int dns_decode(struct dns_msg *m, const uint8_t *buf, size_t len)
{
	dns_msg_init(m);
	if (len < DNS_HDR_LEN)
		return DNS_E_SHORT;
	m->id = dns_wire_id(buf);
	m->qr = buf[2] & 0x80;
	m->opcode = (buf[2] >> 3) & 0x0f;
	m->aa = buf[2] & 0x04;
	m->tc = buf[2] & 0x02;
	m->rd = buf[2] & 0x01;
	m->ra = buf[3] & 0x80;
	m->ad = buf[3] & 0x20;
	m->cd = buf[3] & 0x10;
	m->rcode = buf[3] & 0x0f;
	uint16_t qd = dns_wire_count(buf, 0);
	uint32_t nrr = (uint32_t)dns_wire_count(buf, 1) + dns_wire_count(buf, 2) +
		       dns_wire_count(buf, 3);
	/* a question takes at least 5 bytes, an RR 11: reject impossible
	 * counts before allocating anything */
	if (qd > 1 || len > DNS_MSG_MAX || DNS_HDR_LEN + qd * 5u + nrr * 11u > len)
		return DNS_E_FORMERR;
	struct dns_rbuf r = { .msg = buf, .msglen = len, .off = DNS_HDR_LEN, .end = len };
	if (qd == 1) {
		if (dns_r_name(&r, &m->q.name) < 0 || dns_r_u16(&r, &m->q.type) < 0 ||
		    dns_r_u16(&r, &m->q.cls) < 0)
			return DNS_E_FORMERR;
		m->has_question = true;
	}
	for (int s = 0; s < DNS_NSECTIONS; s++)
		for (uint16_t i = 0, n = dns_wire_count(buf, 1 + s); i < n; i++)
			if (decode_rr(m, (enum dns_section)s, &r) < 0)
				return DNS_E_FORMERR;
	if (r.off != len)
		return DNS_E_FORMERR; /* bytes after the last RR */
	return DNS_OK;
}

/* ---- encoding ---- */

static void encode_rr(const struct dns_rr *rr, struct dns_wbuf *w)
{
	dns_w_name(w, &rr->name, true);
	dns_w_u16(w, rr->type);
	dns_w_u16(w, rr->cls);
	dns_w_u32(w, rr->ttl);
	size_t at = w->len;
	dns_w_u16(w, 0);
	const struct dns_rr_codec *c = dns_rr_codec(rr->type);
	if (c)
		c->encode(rr, w);
	else
		dns_w_bytes(w, rr->data, rr->data_len);
	if (!w->over) {
		size_t rdlen = w->len - at - 2;
		w->b[at] = (uint8_t)(rdlen >> 8);
		w->b[at + 1] = (uint8_t)rdlen;
	}
}

static bool same_rrset(const struct dns_rr *a, const struct dns_rr *b)
{
	return a->type == b->type && a->cls == b->cls && dns_name_eq(&a->name, &b->name);
}

int dns_encode(const struct dns_msg *m, uint8_t *buf, size_t limit)
{
	if (limit < DNS_HDR_LEN)
		return -1;
	if (limit > DNS_MSG_MAX)
		limit = DNS_MSG_MAX;
	struct dns_wbuf w = { .b = buf, .cap = limit };
	uint8_t hdr[DNS_HDR_LEN] = { 0 };
	dns_w_bytes(&w, hdr, sizeof(hdr));
	if (m->has_question) {
		dns_w_name(&w, &m->q.name, true);
		dns_w_u16(&w, m->q.type);
		dns_w_u16(&w, m->q.cls);
	}
	size_t reserve = m->edns ? 11u + m->edns_opts_len : 0;
	if (w.over || w.len + reserve > limit)
		return -1;
	w.cap = limit - reserve;
	uint16_t count[DNS_NSECTIONS] = { 0 };
	bool tc = m->tc;
	for (int s = 0; s < DNS_NSECTIONS; s++) {
		int i = 0;
		while (i < m->n[s]) {
			int j = i + 1;
			while (j < m->n[s] && same_rrset(&m->rr[s][i], &m->rr[s][j]))
				j++;
			struct dns_wmark mk = dns_w_mark(&w);
			for (int k = i; k < j; k++)
				encode_rr(&m->rr[s][k], &w);
			if (w.over) {
				dns_w_reset(&w, mk);
				if (s != DNS_SEC_AR || i < m->ar_required) {
					tc = true;
					goto done; /* nothing after a truncated RRset */
				}
				break; /* optional additional data: left out */
			}
			count[s] = (uint16_t)(count[s] + (j - i));
			i = j;
		}
	}
done:
	w.cap = limit;
	if (m->edns) {
		dns_w_u8(&w, 0); /* root owner */
		dns_w_u16(&w, DNS_T_OPT);
		dns_w_u16(&w, m->edns_udp_size);
		dns_w_u32(&w, (uint32_t)(m->rcode >> 4 & 0xff) << 24 | (uint32_t)m->edns_version << 16 |
				      (m->edns_do ? 0x8000u : 0));
		dns_w_u16(&w, m->edns_opts_len);
		dns_w_bytes(&w, m->edns_opts, m->edns_opts_len);
		count[DNS_SEC_AR]++;
	}
	assert(!w.over);
	buf[0] = (uint8_t)(m->id >> 8);
	buf[1] = (uint8_t)m->id;
	buf[2] = (uint8_t)((m->qr ? 0x80 : 0) | (m->opcode & 0x0f) << 3 | (m->aa ? 0x04 : 0) |
			   (tc ? 0x02 : 0) | (m->rd ? 0x01 : 0));
	buf[3] = (uint8_t)((m->ra ? 0x80 : 0) | (m->ad ? 0x20 : 0) | (m->cd ? 0x10 : 0) |
			   (m->rcode & 0x0f));
	uint16_t qd = m->has_question ? 1 : 0;
	uint16_t c4[4] = { qd, count[0], count[1], count[2] };
	for (int i = 0; i < 4; i++) {
		buf[4 + 2 * i] = (uint8_t)(c4[i] >> 8);
		buf[5 + 2 * i] = (uint8_t)c4[i];
	}
	return (int)w.len;
}
