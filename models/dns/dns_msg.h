/* DNS messages (RFC 1035 §4) as C structs, and their wire format.
 *
 * A message is a header, at most one question and three sections of
 * resource records (answer, authority, additional).  EDNS(0) (RFC 6891) is
 * not kept as an RR: its OPT record's fields are the message's edns_*
 * fields, and the extended RCODE is merged into rcode (12 bits).
 *
 * Names are kept in uncompressed wire form (struct dns_name: length-
 * prefixed labels ending with the root's zero byte, at most 255 bytes), so
 * any name from the wire round-trips exactly; dns_name_from_str and
 * dns_name_to_str convert to and from the dotted text form ("www.example.test",
 * with \. and \DDD escapes as RFC 1035 §5.1 for odd bytes).  Comparisons
 * are case-insensitive for ASCII (RFC 4343).
 *
 * Record data is typed for A, AAAA, NS, CNAME, SOA, MX, TXT and SRV; any
 * other type keeps its RDATA as opaque bytes (RFC 3597).  The codecs are
 * one table (dns_rr.c) with decode, encode, format and parse hooks per
 * type.
 *
 * dns_encode compresses names (RFC 1035 §4.1.4) and, given a size limit,
 * leaves out whole RRsets and sets TC (RFC 2181 §9).  dns_decode never
 * reads outside the buffer it is given: pointer loops, forward pointers,
 * labels over 63 bytes, names over 255, RDATA that overruns its RR or its
 * type's layout, counts larger than the message: all FORMERR. */
#ifndef WL_DNS_MSG_H
#define WL_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255          /* wire bytes, RFC 1035 §2.3.4 */
#define DNS_LABEL_MAX 63
/* Room for any name's text form: 127 labels of \DDD escapes plus dots. */
#define DNS_NAME_STRLEN 1024
#define DNS_MSG_MAX 65535
/* UDP payload without EDNS (RFC 1035 §2.3.4) and the EDNS(0) default
 * (DNS Flag Day 2020; Unbound edns-buffer-size, BIND edns-udp-size). */
#define DNS_UDP_SIZE_PLAIN 512
#define DNS_EDNS_UDP_SIZE 1232
/* A TTL above 2^31-1 is read as 0 (RFC 2181 §8). */
#define DNS_TTL_MAX 0x7fffffffu

enum dns_type {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_MX = 15,
	DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33, DNS_T_OPT = 41, DNS_T_ANY = 255,
};
enum { DNS_C_IN = 1, DNS_C_ANY = 255 };
enum dns_opcode { DNS_OP_QUERY = 0, DNS_OP_IQUERY = 1, DNS_OP_STATUS = 2, DNS_OP_NOTIFY = 4,
		  DNS_OP_UPDATE = 5 };
enum dns_rcode {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2, DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5, DNS_R_BADVERS = 16, /* RFC 6891 §9 */
};
enum dns_section { DNS_SEC_AN = 0, DNS_SEC_NS = 1, DNS_SEC_AR = 2, DNS_NSECTIONS = 3 };

/* A name in uncompressed wire form: len bytes of labels, the last byte 0.
 * The root is len 1, b[0] = 0.  len 0 means "no name" (never valid on
 * the wire). */
struct dns_name {
	uint8_t len;
	uint8_t b[DNS_NAME_MAX];
};

struct dns_question {
	struct dns_name name;
	uint16_t type, cls;
};

struct dns_soa {
	struct dns_name mname, rname;
	uint32_t serial, refresh, retry, expire, minimum; /* seconds but serial */
};

/* One resource record.  rd holds the data of the typed records; TXT and
 * unknown types keep their RDATA bytes (for TXT, the <character-string>s
 * with their length bytes) in data/data_len, owned by the RR. */
struct dns_rr {
	struct dns_name name;
	uint16_t type, cls;
	uint32_t ttl;                     /* seconds */
	union {
		uint32_t a;               /* host byte order, as node addresses */
		uint8_t aaaa[16];
		struct dns_name ns;       /* NS */
		struct dns_name cname;    /* CNAME */
		struct dns_soa soa;
		struct { uint16_t pref; struct dns_name exchange; } mx;
		struct { uint16_t prio, weight, port; struct dns_name target; } srv;
	} rd;
	uint8_t *data;                    /* TXT and opaque RDATA; NULL if none */
	uint16_t data_len;
};

struct dns_msg {
	uint16_t id;
	bool qr, aa, tc, rd, ra, ad, cd;
	uint8_t opcode;
	uint16_t rcode;                   /* 12 bits with EDNS, else 4 */
	bool has_question;                /* qdcount 1 (0 otherwise; >1 is FORMERR) */
	struct dns_question q;
	struct dns_rr *rr[DNS_NSECTIONS]; /* owned arrays */
	uint16_t n[DNS_NSECTIONS], cap[DNS_NSECTIONS];
	/* Leading additional RRs that must fit or the message gets TC (glue
	 * for in-domain name servers, RFC 9471); the rest of the additional
	 * section is left out silently when it does not fit (RFC 2181 §9). */
	uint16_t ar_required;
	/* EDNS(0), RFC 6891 §6.1.3: from the OPT RR */
	bool edns;
	uint16_t edns_udp_size;           /* requestor's payload size, bytes */
	uint8_t edns_version;
	bool edns_do;                     /* DNSSEC OK */
	uint8_t *edns_opts;               /* raw {code, len, data} options, owned */
	uint16_t edns_opts_len;
};

/* ---- messages ---- */

/* Zeroes m (no question, empty sections, no EDNS). */
void dns_msg_init(struct dns_msg *m);
/* Frees what m owns and re-initialises it. */
void dns_msg_free(struct dns_msg *m);
/* Sets the question (has_question = true). */
void dns_msg_set_question(struct dns_msg *m, const struct dns_name *name, uint16_t type,
			  uint16_t cls);
/* Appends a deep copy of rr to a section; returns the copy. */
struct dns_rr *dns_msg_add(struct dns_msg *m, enum dns_section sec, const struct dns_rr *rr);
/* A query: id, RD as given, the question, EDNS with udp_size if nonzero. */
void dns_msg_query(struct dns_msg *m, uint16_t id, const struct dns_name *name, uint16_t type,
		   bool rd, uint16_t edns_udp_size);
/* Starts the response to q in r: same id, opcode, RD, CD and question,
 * QR set, EDNS (our udp_size, version 0) if q had it. */
void dns_msg_reply(struct dns_msg *r, const struct dns_msg *q, uint16_t our_udp_size);

/* Decode results.  After DNS_E_FORMERR (or NOTIMP for an opcode other
 * than QUERY with a question) the header fields of m (id, opcode, flags)
 * are valid, so a server can answer FORMERR; after DNS_E_SHORT they are
 * not (drop the message). */
enum { DNS_OK = 0, DNS_E_FORMERR = -1, DNS_E_SHORT = -2 };
/* Parses len bytes into m (which it initialises; free with dns_msg_free
 * whatever the result).  Returns DNS_OK, DNS_E_FORMERR or DNS_E_SHORT. */
int dns_decode(struct dns_msg *m, const uint8_t *buf, size_t len);

/* Encodes m into buf, using at most limit bytes (12 <= limit <= 65535;
 * buf has room for limit bytes).  Names are compressed.  If the answer or
 * authority section (or the required part of the additional section)
 * does not fit, the RRset that does not fit and every RR after it are
 * left out and TC is set; other additional RRs that do not fit are left
 * out without TC.  The OPT RR is always kept (its room is reserved).
 * Returns the length, or -1 if even the header and question do not fit. */
int dns_encode(const struct dns_msg *m, uint8_t *buf, size_t limit);

static inline uint16_t dns_wire_id(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline bool dns_wire_tc(const uint8_t *b) { return (b[2] & 0x02) != 0; }
static inline uint16_t dns_wire_count(const uint8_t *b, int i) /* 0 QD, 1 AN, 2 NS, 3 AR */
{
	return (uint16_t)(b[4 + 2 * i] << 8 | b[5 + 2 * i]);
}

/* ---- names ---- */

/* Parses "www.example.test" (a trailing dot is optional; "." and "" are
 * the root; \. and \DDD escapes).  0, or -1 for an empty label, a label
 * over 63 bytes or a name over 255. */
int dns_name_from_str(struct dns_name *n, const char *s);
/* The text form without the trailing dot ("." for the root); returns buf.
 * n of DNS_NAME_STRLEN always suffices. */
char *dns_name_to_str(char *buf, size_t size, const struct dns_name *n);
void dns_name_root(struct dns_name *n);
bool dns_name_eq(const struct dns_name *a, const struct dns_name *b);
/* true if n is zone or below it. */
bool dns_name_is_sub(const struct dns_name *n, const struct dns_name *zone);
int dns_name_labels(const struct dns_name *n);        /* root: 0 */
/* Removes the first label (the root stays the root); returns false at the root. */
bool dns_name_parent(struct dns_name *n);
/* Lowercases ASCII letters in place (for cache keys). */
void dns_name_lower(struct dns_name *n);
/* prefix + "." + suffix (prefix may be a relative text name, "@" is
 * suffix itself).  0, or -1 if malformed or too long. */
int dns_name_join(struct dns_name *out, const char *prefix, const struct dns_name *suffix);
/* Case-insensitive FNV-1a of the wire form, for hash tables. */
uint32_t dns_name_hash(const struct dns_name *n);

/* ---- types, classes, rcodes ---- */

/* "A", "AAAA", ... or NULL for a type without a name here. */
const char *dns_type_name(uint16_t type);
/* Writes the name or "TYPE<n>" (RFC 3597 §5); returns buf. */
char *dns_type_str(char *buf, size_t size, uint16_t type);
/* The code for a name ("a" and "A", "TYPE123"), or -1. */
int dns_type_from_str(const char *s);
/* "NOERROR", "NXDOMAIN", ..., or "RCODE<n>" in buf. */
const char *dns_rcode_name(uint16_t rcode, char *buf, size_t size);

/* ---- resource records ---- */

void dns_rr_init(struct dns_rr *rr);
/* Frees the RR's data (rr itself is the caller's) and re-initialises it. */
void dns_rr_clear(struct dns_rr *rr);
/* Deep copy: dst is initialised first (do not pass a live RR). */
void dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src);
/* Same owner, type, class and RDATA (names case-insensitively). */
bool dns_rr_same_data(const struct dns_rr *a, const struct dns_rr *b);
/* Parses presentation RDATA for rr->type (already set): "10.0.0.5",
 * "2001:db8::1", "ns1.example.test" (relative names are below origin;
 * a trailing dot makes them absolute), "10 mail", "0 5 5060 sip",
 * TXT as one string (split into 255-byte pieces), SOA as seven fields.
 * 0, or -1 with a sentence in err ("expected an IPv4 address like
 * 10.0.0.5, got 'x'"). */
int dns_rr_parse(struct dns_rr *rr, const char *text, const struct dns_name *origin,
		 char *err, size_t errlen);
/* The RR in zone-file form ("www.example.test. 300 IN A 10.0.0.5"), or
 * only the RDATA if rdata_only; returns buf (truncated to size). */
char *dns_rr_to_str(char *buf, size_t size, const struct dns_rr *rr, bool rdata_only);
/* True for a type dns_rr_parse knows (typed codecs). */
bool dns_type_known(uint16_t type);

#endif
