/* The CoDel control loop (RFC 8289), shared by the codel and fq_codel
 * disciplines the way Linux shares include/net/codel_impl.h between
 * sch_codel.c and sch_fq_codel.c: the state of one controlled queue
 * (struct codel_vars), its parameters (struct codel_params), and the
 * dequeue step that drops or marks at the head.  The queue itself belongs
 * to the caller, which hands codel_dequeue() a function that pops its head. */
#ifndef WL_CODEL_H
#define WL_CODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qdisc.h"

struct codel_params {
	simtime_t target_ns;       /* acceptable standing delay (RFC 8289 §4), 5 ms */
	simtime_t interval_ns;     /* window, about a worst-case RTT (§4), 100 ms */
	simtime_t ce_threshold_ns; /* CE-mark ECT packets whose sojourn exceeds this
				    * (Linux ce_threshold); SIM_NEVER: off */
	uint32_t mtu_bytes;        /* backlog at or below this never drops (§4) */
	bool ecn;                  /* mark ECT packets instead of dropping them */
};

struct codel_vars {
	uint32_t count;            /* drops (and marks) since dropping state began */
	uint32_t lastcount;        /* count when dropping state was last entered */
	bool dropping;
	simtime_t first_above_ns;  /* when the sojourn will have stayed above target
				    * for an interval; 0 while it is below */
	simtime_t drop_next_ns;    /* time of the next drop, or of the last one */
	simtime_t ldelay_ns;       /* sojourn of the last packet looked at */
};

/* Removes and returns the head of the controlled queue, or NULL if empty;
 * it must also lower the byte count codel_dequeue() was given. */
typedef struct packet *(*codel_pop_fn)(void *ctx);

/* Reads target, interval, ecn, ce_threshold and mtu (qd names the
 * discipline in errors); -1 with err set on a bad value. */
int codel_params_read(struct qparams *p, const char *qd, bool ecn_default,
		      struct codel_params *cp, struct errbuf *err);
/* "target=5ms interval=100ms ecn=true mtu=1500 ce_threshold=off" */
void codel_params_fmt(const struct codel_params *cp, char *buf, size_t n);

/* One dequeue under CoDel control (RFC 8289 §5, Linux codel_dequeue()):
 * pops the head, drops (through qdisc_drop_queued) or marks as the control
 * law says, and returns the packet to send or NULL.  *backlog_bytes is the
 * whole qdisc's backlog, read after each pop. */
struct packet *codel_dequeue(struct qdisc *q, const struct codel_params *cp, struct codel_vars *cv,
			     codel_pop_fn pop, void *ctx, const uint64_t *backlog_bytes,
			     simtime_t now);

#endif
