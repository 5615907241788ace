/* Queueing disciplines behind one ops table, as Linux's Qdisc_ops.
 *
 * An interface owns one qdisc for its egress.  The core wrappers
 * (qdisc_enqueue / qdisc_dequeue) keep the counters every discipline shares
 * (length in packets and bytes, drops, marks, maxima), stamp each packet's
 * arrival so sojourn time is measured in one place, and write the queue's
 * series; a discipline implements only its policy:
 *   - enqueue() takes the packet and returns true, or returns false to have
 *     the core drop it (the core frees it and counts the drop, with the
 *     reason in drop_why if the discipline set it, else "overflow");
 *   - dequeue() returns the next packet or NULL, and may drop packets at the
 *     head itself through qdisc_drop_queued() (CoDel, PIE, FQ-CoDel do);
 *   - a discipline that drops some *other* queued packet to make room calls
 *     qdisc_drop_queued() on it.
 * The core calls dequeue() only while packets are queued (Linux calls it
 * once more on an empty queue); a discipline that keeps state about being
 * empty (CoDel leaves its dropping state, FQ-CoDel takes drained flows off
 * its lists) updates it when its last packet leaves.
 * Parameters arrive as key/value pairs (struct qparams) so disciplines know
 * nothing of Lua; qparam_* read them and reject unknown keys. */
#ifndef WL_QDISC_H
#define WL_QDISC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/packet.h"
#include "sim/sim.h"

struct qdisc;

struct qparam {
	const char *key;
	const char *str;  /* the value as text ("100", "5ms", "true") */
	bool used;        /* set by the qparam_* getters */
};

struct qparams {
	int n;
	struct qparam *kv;
};

struct qdisc_ops {
	const char *name;
	size_t priv_size;
	/* Reads parameters into the private area; -1 with err set. */
	int (*init)(struct qdisc *q, struct qparams *p, struct errbuf *err);
	bool (*enqueue)(struct qdisc *q, struct packet *pkt, simtime_t now);
	struct packet *(*dequeue)(struct qdisc *q, simtime_t now);
	void (*destroy)(struct qdisc *q);                          /* optional */
	/* The parameters as "limit=100 target=5ms", for the results. */
	void (*describe)(const struct qdisc *q, char *buf, size_t n);
};

struct qdisc_stats {
	uint64_t enqueued, dequeued, dropped, marked;
	uint64_t bytes_dropped;
	uint32_t max_pkts;
	uint64_t max_bytes;
};

/* Line-aligned, and what every packet reads or writes (the counters and
 * the discipline's own state) fills the first three lines; the entity's
 * name is stored after the discipline's state. */
#define QDISC_ENTITY_MAX 96
struct qdisc {
	const struct qdisc_ops *ops;
	struct sim *sim;
	const char *drop_why;   /* set by enqueue() before refusing: "early" ... */
	uint32_t qlen;          /* packets queued */
	uint64_t backlog;       /* bytes queued */
	struct qdisc_stats st;
	/* mean sojourn since the last sample, for the sampled series */
	simtime_t sojourn_sum;
	uint32_t sojourn_n;
	int metric[4];          /* recorder ids: packets, bytes, sojourn, drops */
	int probes[3];
	char *entity;           /* "r1->r2", at most QDISC_ENTITY_MAX - 1 bytes */
	_Alignas(16) unsigned char priv[];
};

static inline void *qdisc_priv(struct qdisc *q) { return q->priv; }
static inline const void *qdisc_cpriv(const struct qdisc *q) { return q->priv; }

/* Finds a discipline by name; NULL if none. */
const struct qdisc_ops *qdisc_find(const char *name);
/* The i-th discipline of the table, NULL past the end. */
const struct qdisc_ops *qdisc_nth(size_t i);
/* "fifo, red, codel, ..." for error messages. */
void qdisc_names(char *buf, size_t n);

struct qdisc *qdisc_new(struct sim *s, const struct qdisc_ops *ops, struct qparams *p,
			const char *entity, struct errbuf *err);
void qdisc_free(struct qdisc *q);

bool qdisc_enqueue(struct qdisc *q, struct packet *pkt, simtime_t now);
struct packet *qdisc_dequeue(struct qdisc *q, simtime_t now);

/* For disciplines: drop a packet already counted in the queue. */
void qdisc_drop_queued(struct qdisc *q, struct packet *pkt, const char *why);
/* Sets CE on an ECN-capable packet and counts the mark; false if the packet
 * is not ECN-capable (the caller then drops instead). */
bool qdisc_mark(struct qdisc *q, struct packet *pkt);
/* Sojourn time of a packet at the head, for AQMs. */
static inline simtime_t qdisc_sojourn(const struct packet *pkt, simtime_t now)
{
	return now - pkt->enq_ns;
}

/* Defines the queue metrics (queue_pkts, queue_bytes, sojourn_ns, drops)
 * and stores their ids in id[], if given. */
void qdisc_define_metrics(struct sim *s, int id[4]);

/* Writes the queues-table row. */
void qdisc_report(struct qdisc *q);

/* Parameter getters: the default if absent; -1 with err set if malformed. */
int qparam_int(struct qparams *p, const char *qd, const char *key, int64_t def,
	       int64_t min, int64_t max, int64_t *out, struct errbuf *err);
int qparam_num(struct qparams *p, const char *qd, const char *key, double def,
	       double min, double max, double *out, struct errbuf *err);
/* The longest duration qparam_duration accepts: 2^32 - 1 microseconds. */
#define QPARAM_DURATION_MAX ((simtime_t)4294967295 * 1000)
int qparam_duration(struct qparams *p, const char *qd, const char *key, simtime_t def,
		    simtime_t *out, struct errbuf *err);
int qparam_size(struct qparams *p, const char *qd, const char *key, uint64_t def,
		uint64_t *out, struct errbuf *err);
/* A rate such as "10Mbps", above zero; bits per second. */
int qparam_rate(struct qparams *p, const char *qd, const char *key, uint64_t def,
		uint64_t *out, struct errbuf *err);
int qparam_bool(struct qparams *p, const char *qd, const char *key, bool def,
		bool *out, struct errbuf *err);
/* -1 with err naming the first parameter no getter asked for. */
int qparams_check_used(const struct qparams *p, const char *qd, struct errbuf *err);

/* A simple FIFO list of packets, for disciplines to build on. */
struct pktq {
	struct packet *head, *tail;
	uint32_t len;
	uint64_t bytes;
};
static inline void pktq_push(struct pktq *l, struct packet *p)
{
	p->next = NULL;
	if (l->tail)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	l->len++;
	l->bytes += p->ip.tot_len;
}
static inline struct packet *pktq_pop(struct pktq *l)
{
	struct packet *p = l->head;
	if (!p)
		return NULL;
	l->head = p->next;
	if (!l->head)
		l->tail = NULL;
	l->len--;
	l->bytes -= p->ip.tot_len;
	p->next = NULL;
	return p;
}
/* Frees every packet in the list. */
void pktq_purge(struct sim *s, struct pktq *l);

#endif
