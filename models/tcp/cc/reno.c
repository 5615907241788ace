/* Reno (RFC 5681; Jacobson 1988, 1990): slow start, additive increase of
 * one segment per round trip, halving on loss.  Without SACK its fast
 * recovery ends at the first ACK of new data (RFC 5681 §3.2 step 6), so
 * several losses in one window cost several halvings or a timeout; NewReno
 * (newreno.c) fixes that.  With SACK both recover the same way. */
#include "cc.h"

#include "../tcp_priv.h"

static void reno_init(struct tcp_sock *tp)
{
	(void)tp;
}

const struct cc_ops reno_ops = {
	.name = "reno",
	.init = reno_init,
	.ssthresh = tcp_reno_ssthresh,
	.cong_avoid = tcp_reno_cong_avoid,
	.undo_cwnd = tcp_reno_undo_cwnd,
	.reno_recovery = true,
};
