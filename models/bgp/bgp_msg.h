/* BGP-4 messages in C form and on the wire (RFC 4271 §4, RFC 6793 4-octet
 * AS numbers, RFC 5492 capabilities, RFC 4760 multiprotocol capability,
 * RFC 2918 route refresh, RFC 1997 communities, RFC 8092 large communities,
 * RFC 4456 ORIGINATOR_ID and CLUSTER_LIST,
 * RFC 7606 revised error handling).
 *
 * A message decodes into struct bgp_msg; an UPDATE's path attributes into
 * struct bgp_attrs.  The decoder never reads past the bytes it is given:
 * every error comes back as the NOTIFICATION code and subcode RFC 4271 §6
 * names (struct bgp_err), or, where RFC 7606 allows it, as an UPDATE marked
 * treat_as_withdraw whose NLRI the receiver must handle as withdrawn.
 *
 * Attribute sets are shared: bgp_attrs_intern() returns one ref-counted,
 * hashed copy per distinct set (BIRD's rta cache, FRR's attr intern), so the
 * RIB stores a pointer per route and compares two routes' attributes with
 * ==.  A set being built or edited by policy is a plain struct bgp_attrs
 * owned by its caller (bgp_attrs_init / bgp_attrs_copy / bgp_attrs_clear).
 *
 * Each attribute has one row in a codec table (bgp_attr.c: flags, decode,
 * encode, as BIRD's bgp_attr_table). */
#ifndef WL_BGP_MSG_H
#define WL_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BGP_PORT          179
#define BGP_VERSION       4
#define BGP_HDR_LEN       19       /* marker 16, length 2, type 1 (RFC 4271 §4.1) */
#define BGP_MAX_MSG_LEN   4096     /* RFC 4271 §4.1 */
#define BGP_OPEN_MIN_LEN  29       /* header + 10 (RFC 4271 §4.2) */
#define BGP_UPDATE_MIN_LEN 23      /* header + 4 (RFC 4271 §4.3) */
#define BGP_NOTIF_MIN_LEN 21       /* header + 2 (RFC 4271 §4.5) */
#define BGP_AS_TRANS      23456    /* RFC 6793 §9 */

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,   /* RFC 2918 */
};
const char *bgp_msg_type_name(int type);

/* NOTIFICATION error codes and subcodes (RFC 4271 §4.5, §6; RFC 4486 for
 * the Cease subcodes; RFC 6608 for the FSM subcodes). */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
};
enum bgp_err_header_sub {           /* 1/x */
	BGP_HDR_NOT_SYNC = 1,           /* Connection Not Synchronized (marker) */
	BGP_HDR_BAD_LENGTH = 2,
	BGP_HDR_BAD_TYPE = 3,
};
enum bgp_err_open_sub {             /* 2/x */
	BGP_OPEN_BAD_VERSION = 1,
	BGP_OPEN_BAD_PEER_AS = 2,
	BGP_OPEN_BAD_BGP_ID = 3,
	BGP_OPEN_UNSUPPORTED_OPT = 4,
	BGP_OPEN_UNACCEPTABLE_HOLD = 6,
	BGP_OPEN_UNSUPPORTED_CAP = 7,   /* RFC 5492 */
};
enum bgp_err_update_sub {           /* 3/x */
	BGP_UPD_MALFORMED_ATTR_LIST = 1,
	BGP_UPD_UNRECOGNIZED_WELLKNOWN = 2,
	BGP_UPD_MISSING_WELLKNOWN = 3,
	BGP_UPD_ATTR_FLAGS = 4,
	BGP_UPD_ATTR_LENGTH = 5,
	BGP_UPD_INVALID_ORIGIN = 6,
	BGP_UPD_INVALID_NEXT_HOP = 8,
	BGP_UPD_OPTIONAL_ATTR = 9,
	BGP_UPD_INVALID_NETWORK = 10,
	BGP_UPD_MALFORMED_AS_PATH = 11,
};
enum bgp_err_fsm_sub {              /* 5/x, RFC 6608 */
	BGP_FSM_UNSPECIFIED = 0,
	BGP_FSM_IN_OPENSENT = 1,
	BGP_FSM_IN_OPENCONFIRM = 2,
	BGP_FSM_IN_ESTABLISHED = 3,
};
enum bgp_err_cease_sub {            /* 6/x, RFC 4486 */
	BGP_CEASE_MAX_PREFIX = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONFIGURED = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_CONN_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_OUT_OF_RESOURCES = 8,
};

/* A protocol error: what the NOTIFICATION carries (RFC 4271 §4.5).  data
 * holds the bytes §6 asks for (the bad length field, the bad attribute),
 * cut to BGP_ERR_DATA_MAX. */
#define BGP_ERR_DATA_MAX 64
struct bgp_err {
	uint8_t code, subcode;
	uint16_t data_len;
	uint8_t data[BGP_ERR_DATA_MAX];
};
/* "3/11 UPDATE Message Error / Malformed AS_PATH" into buf. */
const char *bgp_err_str(uint8_t code, uint8_t subcode, char *buf, size_t n);

/* An IPv4 prefix; addr has its host bits zero. */
struct bgp_prefix {
	uint32_t addr;
	uint8_t len;                    /* 0..32 */
};

/* ---- OPEN (RFC 4271 §4.2) ---- */

struct bgp_open {
	uint8_t version;                /* 4 */
	uint32_t as;                    /* the speaker's AS: from the 4-octet AS
	                                 * capability when present, else my_as16 */
	uint16_t my_as16;               /* the 2-octet field; AS_TRANS when as > 65535 */
	uint16_t hold_time_s;           /* 0 or >= 3 */
	uint32_t bgp_id;                /* host order, nonzero */
	/* capabilities (RFC 5492) */
	bool cap_mp_ipv4_unicast;       /* RFC 4760, AFI 1 SAFI 1 */
	bool cap_route_refresh;         /* RFC 2918, code 2 */
	bool cap_as4;                   /* RFC 6793, code 65 */
};

/* ---- path attributes (RFC 4271 §4.3, §5) ---- */

enum bgp_attr_code {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,        /* RFC 1997 */
	BGP_ATTR_ORIGINATOR_ID = 9,      /* RFC 4456 §8 */
	BGP_ATTR_CLUSTER_LIST = 10,      /* RFC 4456 §8 */
	BGP_ATTR_AS4_PATH = 17,          /* RFC 6793 */
	BGP_ATTR_AS4_AGGREGATOR = 18,    /* RFC 6793 */
	BGP_ATTR_LARGE_COMMUNITY = 32,   /* RFC 8092 */
};
/* Attribute flags (RFC 4271 §4.3). */
#define BGP_AF_OPTIONAL   0x80
#define BGP_AF_TRANSITIVE 0x40
#define BGP_AF_PARTIAL    0x20
#define BGP_AF_EXTLEN     0x10

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };

/* AS_PATH segment types (RFC 4271 §4.3; RFC 5065 for the confed ones,
 * accepted and counted as RFC 5065 §5.3 says: not at all). */
enum bgp_seg_type {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

/* An AS_PATH as a flat array of 32-bit words: each segment is one header
 * word, (type << 8) | count with count 1..255, followed by count ASNs.
 * Flat so that hashing, comparing and copying are one memcmp/memcpy. */
struct bgp_aspath {
	uint32_t *w;
	uint32_t nw;                     /* words used */
};
#define BGP_SEG_HDR(type, count) (((uint32_t)(type) << 8) | (uint32_t)(count))
#define BGP_SEG_TYPE(hdr)  ((uint8_t)((hdr) >> 8))
#define BGP_SEG_COUNT(hdr) ((uint8_t)(hdr))

/* Path length for the decision process (RFC 4271 §9.1.2.2 a): a SEQUENCE
 * counts its ASNs, a SET counts 1, confederation segments count 0. */
uint32_t bgp_aspath_length(const struct bgp_aspath *p);
/* The first AS of the leftmost AS_SEQUENCE (the neighbour AS, §9.1.2.2 c),
 * or 0 when the path is empty or starts with a set. */
uint32_t bgp_aspath_first_as(const struct bgp_aspath *p);
/* The origin AS: the last ASN of a path ending in a SEQUENCE, 0 otherwise
 * (RFC 6811 §2: a path ending in a SET has no origin AS). */
uint32_t bgp_aspath_origin_as(const struct bgp_aspath *p);
/* Whether asn appears anywhere (loop detection, RFC 4271 §9.1.2). */
bool bgp_aspath_contains(const struct bgp_aspath *p, uint32_t asn);
/* Puts asn n times at the front (RFC 4271 §5.1.2: into the leftmost
 * AS_SEQUENCE, or a new one; a full segment of 255 starts another).
 * Returns 0 or -1 when out of memory. */
int bgp_aspath_prepend(struct bgp_aspath *p, uint32_t asn, unsigned n);
/* "65001 65002 {65003,65004}" into buf; returns buf. */
const char *bgp_aspath_str(const struct bgp_aspath *p, char *buf, size_t n);
/* Builds a path of one AS_SEQUENCE from asns[0..n); 0 or -1. */
int bgp_aspath_from_seq(struct bgp_aspath *p, const uint32_t *asns, unsigned n);

struct bgp_large_comm {              /* RFC 8092 */
	uint32_t global, local1, local2;
};

/* Which attributes a set holds: bit (1 << code) for codes < 32, and
 * BGP_AP_LARGE_COMMUNITY for code 32. */
#define BGP_AP(code) ((uint64_t)1 << (code))
#define BGP_AP_LARGE_COMMUNITY BGP_AP(BGP_ATTR_LARGE_COMMUNITY)

struct bgp_attrs {
	/* interning: meaningful only for a set returned by bgp_attrs_intern */
	uint32_t refs;
	uint32_t hash;
	struct bgp_attrs *next;          /* hash-bucket chain */

	uint64_t present;                /* BGP_AP(code) bits */
	uint8_t origin;                  /* enum bgp_origin */
	struct bgp_aspath as_path;       /* 4-octet ASNs, AS4_PATH already merged */
	uint32_t next_hop;               /* host order */
	uint32_t med;                    /* when present & BGP_AP(BGP_ATTR_MED) */
	uint32_t local_pref;             /* when present & BGP_AP(BGP_ATTR_LOCAL_PREF) */
	/* ATOMIC_AGGREGATE: present bit only */
	uint32_t aggregator_as;          /* 4-octet, AS4_AGGREGATOR merged */
	uint32_t aggregator_addr;
	uint32_t *communities;           /* RFC 1997, (asn << 16) | value; kept sorted */
	uint32_t n_communities;
	struct bgp_large_comm *large;    /* RFC 8092, kept sorted */
	uint32_t n_large;
	uint32_t originator_id;          /* RFC 4456 §8, when present */
	uint32_t *cluster_list;          /* RFC 4456 §8, nearest reflector first */
	uint32_t n_cluster;
	/* Unknown optional transitive attributes, as encoded TLVs (flags, code,
	 * length, value) in order of code, the Partial bit already set
	 * (RFC 4271 §5: passed on with Partial set).  Unknown optional
	 * non-transitive ones are dropped on decode. */
	uint8_t *unknown;
	uint32_t unknown_len;
};

static inline bool bgp_attrs_has(const struct bgp_attrs *a, int code)
{
	return (a->present & BGP_AP(code)) != 0;
}

void bgp_attrs_init(struct bgp_attrs *a);            /* empty, owned by caller */
/* A deep copy of src into dst (dst's old contents are not freed); 0 or -1. */
int bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src);
void bgp_attrs_clear(struct bgp_attrs *a);           /* frees the arrays, empties */
/* Sets / adds / removes a community (kept sorted, no duplicates); 0 or -1. */
int bgp_attrs_add_community(struct bgp_attrs *a, uint32_t comm);
bool bgp_attrs_has_community(const struct bgp_attrs *a, uint32_t comm);
void bgp_attrs_del_community(struct bgp_attrs *a, uint32_t comm);
int bgp_attrs_add_large(struct bgp_attrs *a, struct bgp_large_comm lc);
bool bgp_attrs_has_large(const struct bgp_attrs *a, struct bgp_large_comm lc);
/* Well-known communities (RFC 1997). */
#define BGP_COMM_NO_EXPORT           0xFFFFFF01u
#define BGP_COMM_NO_ADVERTISE        0xFFFFFF02u
#define BGP_COMM_NO_EXPORT_SUBCONFED 0xFFFFFF03u

/* Value equality of two sets (interning fields ignored). */
bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b);
uint32_t bgp_attrs_hash(const struct bgp_attrs *a);

/* The intern table: one per simulation is enough (bgp_attr_cache_of).  A
 * set returned by bgp_attrs_intern is immutable and shared; the caller
 * holds one reference and drops it with bgp_attrs_unref.  Two interned
 * sets are equal iff their pointers are. */
struct bgp_attr_cache;
struct sim;
struct bgp_attr_cache *bgp_attr_cache_new(void);
void bgp_attr_cache_free(struct bgp_attr_cache *c);
/* The simulation's shared table, created on first use, freed with the sim. */
struct bgp_attr_cache *bgp_attr_cache_of(struct sim *s);
const struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_cache *c, const struct bgp_attrs *a);
const struct bgp_attrs *bgp_attrs_ref(const struct bgp_attrs *a);
void bgp_attrs_unref(struct bgp_attr_cache *c, const struct bgp_attrs *a);
size_t bgp_attr_cache_count(const struct bgp_attr_cache *c);   /* distinct sets */

/* ---- UPDATE (RFC 4271 §4.3) ---- */

struct bgp_update {
	struct bgp_prefix *withdrawn;
	uint32_t n_withdrawn;
	bool has_attrs;                  /* path attributes present (NLRI or MP) */
	struct bgp_attrs attrs;          /* not interned; owned by the message */
	struct bgp_prefix *nlri;
	uint32_t n_nlri;
	/* RFC 7606: the attributes were malformed in a way that §7 says to
	 * handle as "treat-as-withdraw": the receiver withdraws nlri[] (and
	 * withdrawn[]) and keeps the session up; err says what was wrong. */
	bool treat_as_withdraw;
	struct bgp_err tw_err;
	/* RFC 7606 "attribute discard" happened (e.g. a malformed MED on
	 * eBGP is dropped from the set): for logs and tests. */
	uint16_t n_discarded;
};

/* ---- NOTIFICATION (RFC 4271 §4.5) ---- */

struct bgp_notification {
	uint8_t code, subcode;
	uint16_t data_len;
	uint8_t *data;                   /* owned by the message; NULL when empty */
};

/* A decoded message.  Arrays are owned by it: bgp_msg_free releases them. */
struct bgp_msg {
	uint8_t type;                    /* enum bgp_msg_type */
	uint16_t len;                    /* bytes on the wire, header included */
	union {
		struct bgp_open open;
		struct bgp_update update;
		struct bgp_notification notif;
		struct { uint16_t afi; uint8_t safi; } refresh;
	} u;
};
void bgp_msg_free(struct bgp_msg *m);

/* What the decoder and encoder must know about the session (negotiated
 * after the OPEN exchange). */
struct bgp_codec_ctx {
	bool as4;                        /* both sides sent the 4-octet AS capability */
	bool ibgp;                       /* LOCAL_PREF expected; MED errors differ (RFC 7606 §7) */
	uint32_t local_as;               /* for AGGREGATOR/AS4 merge and logs */
};

/* ---- framing and decoding ---- */

/* Looks at the first `avail` bytes of a stream.  Returns 0 when more
 * bytes are needed, the message's length (19..4096) when one whole message
 * is there, or -1 with err set: bad marker (1/1), bad length (1/2, data is
 * the length field), bad type (1/3, data is the type).  Checks the length
 * against the type's minimum (RFC 4271 §6.1). */
int bgp_msg_frame(const uint8_t *buf, size_t avail, struct bgp_err *err);

/* Decodes one whole message (buf[0..len), header included, as framed by
 * bgp_msg_frame).  Returns 0 with *m filled (free with bgp_msg_free; a
 * treat-as-withdraw UPDATE also returns 0), or -1 with err set to the
 * NOTIFICATION to send, *m left empty.  Never reads outside buf[0..len). */
int bgp_msg_decode(const uint8_t *buf, size_t len, const struct bgp_codec_ctx *ctx,
		   struct bgp_msg *m, struct bgp_err *err);

/* OPEN checks that need the session's configuration (RFC 4271 §6.2):
 * version 4 (2/1, data = 4 as 2 octets), peer AS matches expected_as
 * unless 0 (2/2), BGP identifier nonzero and not ours (2/3), hold time
 * 0 or >= 3 s (2/6).  0 or -1 with err set. */
int bgp_open_check(const struct bgp_open *o, uint32_t expected_as, uint32_t local_id,
		   struct bgp_err *err);

/* ---- encoding ----
 * Each returns the message length written into buf (header included), or
 * -1 when it does not fit in cap or in BGP_MAX_MSG_LEN. */
int bgp_encode_open(uint8_t *buf, size_t cap, const struct bgp_open *o);
int bgp_encode_keepalive(uint8_t *buf, size_t cap);
int bgp_encode_notification(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode,
			    const uint8_t *data, size_t data_len);
int bgp_encode_route_refresh(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi);
/* An UPDATE with withdrawn[0..nw), attrs (NULL: none; then nn must be 0)
 * and nlri[0..nn).  With ctx->as4 false, 4-octet ASNs become AS_TRANS in
 * AS_PATH/AGGREGATOR and AS4_PATH/AS4_AGGREGATOR are added (RFC 6793 §4.2.2). */
int bgp_encode_update(uint8_t *buf, size_t cap, const struct bgp_codec_ctx *ctx,
		      const struct bgp_prefix *withdrawn, uint32_t nw,
		      const struct bgp_attrs *attrs,
		      const struct bgp_prefix *nlri, uint32_t nn);
/* How many of nlri[0..nn) fit in one UPDATE with these attributes (the
 * rest go in the next): the session splits long lists with this. */
uint32_t bgp_update_fit(const struct bgp_codec_ctx *ctx, const struct bgp_attrs *attrs,
			const struct bgp_prefix *nlri, uint32_t nn);
/* Bytes of one prefix in NLRI / withdrawn routes: 1 + ceil(len/8). */
static inline uint32_t bgp_prefix_wire_len(const struct bgp_prefix *p)
{
	return 1u + ((uint32_t)p->len + 7u) / 8u;
}
/* "10.0.0.0/8" */
const char *bgp_prefix_str(const struct bgp_prefix *p, char *buf, size_t n);

#endif
