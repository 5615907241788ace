/* TCP information for results: the metric ids of a simulation, the
 * "events" log of a connection, the sampled and on-change series (cwnd,
 * ssthresh, srtt, rto, inflight, rwnd and the cc group) and tcp_info. */
#include "tcp_priv.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/packet.h"
#include "sim/rng.h"
#include "sim/units.h"
#include "sim/util.h"

/* ---- per-simulation state: metrics ---- */

static void world_free(void *p) { free(p); }

struct tcp_world *tcp_world(struct sim *s)
{
	struct tcp_world *w = sim_ext_get(s, "tcp");
	if (w)
		return w;
	w = xcalloc(1, sizeof(*w));
	w->sim = s;
	unsigned both = REC_CAN_SAMPLE | REC_CAN_EVENT;
	w->m_cwnd = rec_metric_def(s, "cwnd", "tcp", "bytes", both, "congestion window");
	w->m_ssthresh = rec_metric_def(s, "ssthresh", "tcp", "bytes", both, "slow-start threshold");
	w->m_srtt = rec_metric_def(s, "srtt", "tcp", "ns", both, "smoothed RTT");
	w->m_rto = rec_metric_def(s, "rto", "tcp", "ns", both, "retransmission timeout");
	w->m_inflight = rec_metric_def(s, "inflight", "tcp", "bytes", both, "bytes in flight");
	w->m_rwnd = rec_metric_def(s, "rwnd", "tcp", "bytes", both, "peer's receive window");
	w->m_rtt = rec_metric_def(s, "rtt", "rtt", "ns", REC_CAN_EVENT, "each RTT sample of a TCP flow");
	w->m_cc[0] = rec_metric_def(s, "pacing_rate", "cc", "bytes/s", both, "pacing rate (paced senders)");
	w->m_cc[1] = rec_metric_def(s, "cc_bw", "cc", "bytes/s", both,
				    "the congestion control's bandwidth estimate (BBR)");
	w->m_cc[2] = rec_metric_def(s, "cc_min_rtt", "cc", "ns", both,
				    "the congestion control's minimum RTT (BBR min_rtt, Vegas base RTT)");
	w->m_cc[3] = rec_metric_def(s, "pacing_gain", "cc", "", both, "pacing rate / bandwidth estimate (BBR)");
	w->m_state = rec_metric_def(s, "tcp_state", "tcp_events", "", REC_CAN_EVENT,
				    "an events row per TCP state change");
	w->m_seg = rec_metric_def(s, "tcp_segments", "tcp_trace", "", REC_CAN_EVENT,
				  "an events row per TCP segment sent, as a packet trace");
	sim_ext_set(s, "tcp", w, world_free);
	return w;
}

/* ---- logging and recording ---- */

void tcp_log(struct tcp_sock *tp, const char *kind, const char *fmt, ...)
{
	if (!tp->sim->db)
		return;
	char detail[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	rec_log(tp->sim, tp->name, kind, "%s", detail);
}

static double probe_cwnd(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return (double)t->snd_cwnd * t->mss; }
static double probe_ssthresh(void *o, simtime_t now)
{
	(void)now;
	struct tcp_sock *t = o;
	return t->snd_ssthresh >= 0x7fffffff / 2 ? NAN : (double)t->snd_ssthresh * t->mss;
}
static double probe_srtt(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return t->srtt8 ? (double)(t->srtt8 >> 3) : NAN; }
static double probe_rto(void *o, simtime_t now) { (void)now; return (double)((struct tcp_sock *)o)->rto; }
static double probe_inflight(void *o, simtime_t now) { (void)now; struct tcp_sock *t = o; return (double)tcp_packets_in_flight(t) * t->mss; }
static double probe_rwnd(void *o, simtime_t now) { (void)now; return (double)((struct tcp_sock *)o)->snd_wnd; }

/* The "cc" series of a connection, NAN where there is none. */
static void tcp_cc_values(struct tcp_sock *tp, double v[TCP_NCC])
{
	struct cc_info ci = { NAN, NAN, NAN };
	if (tp->cc->get_info && tp->cc_ready) /* sock_init always sets cc */
		tp->cc->get_info(tp, &ci);
	v[0] = tp->pacing ? (double)tp->pacing_rate : NAN;
	v[1] = ci.bw;
	v[2] = ci.min_rtt;
	v[3] = ci.pacing_gain;
}

static double probe_cc(struct tcp_sock *t, int i)
{
	double v[TCP_NCC];
	tcp_cc_values(t, v);
	return v[i];
}
static double probe_pacing_rate(void *o, simtime_t now) { (void)now; return probe_cc(o, 0); }
static double probe_cc_bw(void *o, simtime_t now) { (void)now; return probe_cc(o, 1); }
static double probe_cc_min_rtt(void *o, simtime_t now) { (void)now; return probe_cc(o, 2); }
static double probe_pacing_gain(void *o, simtime_t now) { (void)now; return probe_cc(o, 3); }

void tcp_probes_add(struct tcp_sock *tp)
{
	struct tcp_world *w = tp->world;
	static const rec_sample_fn fns[TCP_NPROBES] = {
		probe_cwnd, probe_ssthresh, probe_srtt, probe_rto, probe_inflight, probe_rwnd,
		probe_pacing_rate, probe_cc_bw, probe_cc_min_rtt, probe_pacing_gain,
	};
	int ids[TCP_NPROBES] = { w->m_cwnd, w->m_ssthresh, w->m_srtt, w->m_rto, w->m_inflight, w->m_rwnd,
				 w->m_cc[0], w->m_cc[1], w->m_cc[2], w->m_cc[3] };
	bool any = false;
	for (int i = 0; i < TCP_NPROBES; i++)
		any |= tp->sim->rec->m[ids[i]]->mode == REC_SAMPLE;
	if (!any || tp->probed)
		return;
	for (int i = 0; i < TCP_NPROBES; i++)
		tp->probes[i] = rec_probe_add(tp->sim, ids[i], tp->name, fns[i], tp);
	tp->probed = true;
}

void tcp_probes_remove(struct tcp_sock *tp)
{
	if (!tp->probed)
		return;
	for (int i = 0; i < TCP_NPROBES; i++)
		rec_probe_remove(tp->sim, tp->probes[i]);
	tp->probed = false;
}

/* Writes the series that are recorded "on change", for a connection
 * that has sent data, as the sampled ones: a bulk receiver's window says
 * nothing, and before its accept it would not even have its name. */
void tcp_record_change(struct tcp_sock *tp)
{
	struct tcp_world *w = tp->world;
	struct sim *s = tp->sim;
	if (!tp->data_segs_out)
		return;
	if (tp->snd_cwnd != tp->logged_cwnd && rec_on_event(s, w->m_cwnd)) {
		tp->logged_cwnd = tp->snd_cwnd;
		rec_value(s, w->m_cwnd, tp->name, (double)tp->snd_cwnd * tp->mss);
	}
	if (tp->snd_ssthresh != tp->logged_ssthresh && rec_on_event(s, w->m_ssthresh) &&
	    tp->snd_ssthresh < 0x7fffffff / 2) {
		tp->logged_ssthresh = tp->snd_ssthresh;
		rec_value(s, w->m_ssthresh, tp->name, (double)tp->snd_ssthresh * tp->mss);
	}
	if (rec_on_event(s, w->m_inflight))
		rec_value(s, w->m_inflight, tp->name, (double)tcp_packets_in_flight(tp) * tp->mss);
	if (rec_on_event(s, w->m_srtt) && tp->srtt8)
		rec_value(s, w->m_srtt, tp->name, (double)(tp->srtt8 >> 3));
	if (rec_on_event(s, w->m_rwnd))
		rec_value(s, w->m_rwnd, tp->name, tp->snd_wnd);
	if (rec_on_event(s, w->m_rto))
		rec_value(s, w->m_rto, tp->name, (double)tp->rto);
	bool any_cc = false;
	for (int i = 0; i < TCP_NCC; i++)
		any_cc |= rec_on_event(s, w->m_cc[i]);
	if (!any_cc)
		return;
	double v[TCP_NCC];
	tcp_cc_values(tp, v);
	for (int i = 0; i < TCP_NCC; i++)
		if (!isnan(v[i]) && v[i] != tp->logged_cc[i] && rec_on_event(s, w->m_cc[i])) {
			tp->logged_cc[i] = v[i];
			rec_value(s, w->m_cc[i], tp->name, v[i]);
		}
}

void tcp_get_info(const struct tcp_sock *tp, struct tcp_info *i)
{
	memset(i, 0, sizeof(*i));
	i->state = tp->state;
	i->ca_state = tp->ca_state;
	i->mss = tp->mss;
	i->cwnd = tp->snd_cwnd;
	i->ssthresh = tp->snd_ssthresh;
	i->packets_in_flight = tcp_packets_in_flight(tp);
	i->snd_wnd = tp->snd_wnd;
	i->rcv_wnd = tp->rcv_wnd;
	i->srtt = tp->cfg.rto_rfc6298 ? tp->rfc_srtt : tp->srtt8 >> 3;
	i->rttvar = tp->cfg.rto_rfc6298 ? tp->rfc_rttvar : tp->rttvar4 >> 2;
	i->rto = tp->rto;
	i->min_rtt = tcp_min_rtt(tp) == INT64_MAX ? 0 : tcp_min_rtt(tp);
	i->bytes_acked = tp->bytes_acked;
	i->bytes_received = tp->bytes_received;
	i->bytes_sent = tp->bytes_sent;
	i->segs_out = tp->segs_out;
	i->segs_in = tp->segs_in;
	i->data_segs_out = tp->data_segs_out;
	i->retrans_segs = tp->retrans_segs;
	i->rto_count = tp->rto_count;
	i->fast_retrans = tp->fast_retrans;
	i->tlp_count = tp->tlp_count;
	i->spurious_rto = tp->spurious_rto;
	i->zwp_sent = tp->zwp_sent;
	i->dsack_count = tp->dsack_count;
	i->ooo_segs = tp->ooo_segs;
	i->delivered = tp->delivered;
	i->rtt_samples = tp->rtt_samples;
	i->rtt_sum = tp->rtt_sum;
	i->rcvbuf = (uint32_t)tp->rcvbuf;
	i->sndbuf = (uint32_t)tp->sndbuf;
	i->pacing_rate = tp->pacing ? tp->pacing_rate : 0;
}
