/* NewReno (RFC 6582): Reno's window, with fast recovery that stays in
 * recovery until everything outstanding at its start is acknowledged,
 * retransmitting one segment per partial ACK.  This is what Linux's "reno"
 * module does (the recovery lives in the core); with SACK the two are the
 * same. */
#include "cc.h"

#include "../tcp_priv.h"

static void newreno_init(struct tcp_sock *tp)
{
	(void)tp;
}

const struct cc_ops newreno_ops = {
	.name = "newreno",
	.init = newreno_init,
	.ssthresh = tcp_reno_ssthresh,
	.cong_avoid = tcp_reno_cong_avoid,
	.undo_cwnd = tcp_reno_undo_cwnd,
	.reno_recovery = false,
};
