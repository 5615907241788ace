/* The qdisc core: registry, shared counters, sojourn measurement, series and
 * parameter parsing.  See qdisc.h for the contract with disciplines. */
#include "qdisc.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/db.h"
#include "sim/record.h"
#include "sim/units.h"
#include "sim/util.h"

extern const struct qdisc_ops fifo_ops, red_ops, codel_ops, fq_codel_ops, pie_ops, policer_ops;

/* Adding a discipline: one file and one line here. */
static const struct qdisc_ops *const qdisc_table[] = {
	&fifo_ops,
	&red_ops,
	&codel_ops,
	&fq_codel_ops,
	&pie_ops,
	&policer_ops,
};

const struct qdisc_ops *qdisc_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(qdisc_table); i++)
		if (strcmp(qdisc_table[i]->name, name) == 0)
			return qdisc_table[i];
	return NULL;
}

const struct qdisc_ops *qdisc_nth(size_t i)
{
	return i < ARRAY_LEN(qdisc_table) ? qdisc_table[i] : NULL;
}

void qdisc_names(char *buf, size_t n)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(qdisc_table) && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", qdisc_table[i]->name);
}

/* ---- metrics ---- */

enum { M_PKTS, M_BYTES, M_SOJOURN, M_DROPS, M_COUNT };

struct qdisc_metrics {
	int id[M_COUNT];
};

void qdisc_define_metrics(struct sim *s, int id[4])
{
	id[M_PKTS] = rec_metric_def(s, "queue_pkts", "queue", "packets",
				    REC_CAN_SAMPLE | REC_CAN_EVENT, "packets in the queue");
	id[M_BYTES] = rec_metric_def(s, "queue_bytes", "queue", "bytes",
				     REC_CAN_SAMPLE | REC_CAN_EVENT, "bytes in the queue");
	id[M_SOJOURN] = rec_metric_def(s, "sojourn_ns", "queue", "ns",
				       REC_CAN_SAMPLE | REC_CAN_EVENT,
				       "time a packet spent queued (sampled: mean over the interval)");
	id[M_DROPS] = rec_metric_def(s, "drops", "drops", "", REC_CAN_EVENT,
				     "one events row per dropped packet");
}

static double sample_pkts(void *obj, simtime_t now)
{
	(void)now;
	return ((struct qdisc *)obj)->qlen;
}

static double sample_bytes(void *obj, simtime_t now)
{
	(void)now;
	return (double)((struct qdisc *)obj)->backlog;
}

static double sample_sojourn(void *obj, simtime_t now)
{
	(void)now;
	struct qdisc *q = obj;
	if (q->sojourn_n == 0)
		return NAN;
	double v = (double)q->sojourn_sum / q->sojourn_n;
	q->sojourn_sum = 0;
	q->sojourn_n = 0;
	return v;
}


struct qdisc *qdisc_new(struct sim *s, const struct qdisc_ops *ops, struct qparams *p,
			const char *entity, struct errbuf *err)
{
	size_t priv = (ops->priv_size + 15) / 16 * 16;
	size_t size = (sizeof(struct qdisc) + priv + QDISC_ENTITY_MAX + 63) / 64 * 64;
	struct qdisc *q = aligned_alloc(64, size);
	if (!q) {
		fprintf(stderr, "wirelab: out of memory for a queue\n");
		abort();
	}
	memset(q, 0, size);
	q->ops = ops;
	q->sim = s;
	q->entity = (char *)q + sizeof(struct qdisc) + priv;
	snprintf(q->entity, QDISC_ENTITY_MAX, "%s", entity);
	struct qparams none = { 0, NULL };
	if (!p)
		p = &none;
	if (ops->init(q, p, err) < 0 || qparams_check_used(p, ops->name, err) < 0) {
		if (ops->destroy)
			ops->destroy(q);
		free(q);
		return NULL;
	}
	qdisc_define_metrics(s, q->metric);
	q->probes[0] = rec_probe_add(s, q->metric[M_PKTS], entity, sample_pkts, q);
	q->probes[1] = rec_probe_add(s, q->metric[M_BYTES], entity, sample_bytes, q);
	q->probes[2] = rec_probe_add(s, q->metric[M_SOJOURN], entity, sample_sojourn, q);
	return q;
}

void qdisc_free(struct qdisc *q)
{
	if (!q)
		return;
	if (q->ops->destroy)
		q->ops->destroy(q);
	for (int i = 0; i < 3; i++)
		rec_probe_remove(q->sim, q->probes[i]);
	free(q);
}

static void log_len(struct qdisc *q)
{
	if (rec_on_event(q->sim, q->metric[M_PKTS]))
		rec_value(q->sim, q->metric[M_PKTS], q->entity, q->qlen);
	if (rec_on_event(q->sim, q->metric[M_BYTES]))
		rec_value(q->sim, q->metric[M_BYTES], q->entity, (double)q->backlog);
}

static void count_drop(struct qdisc *q, struct packet *pkt, const char *why)
{
	q->st.dropped++;
	q->st.bytes_dropped += pkt->ip.tot_len;
	if (rec_on_event(q->sim, q->metric[M_DROPS]))
		rec_log(q->sim, q->entity, "drop", "%s uid=%llu len=%u proto=%u", why,
			(unsigned long long)pkt->uid, pkt->ip.tot_len, pkt->ip.proto);
}

bool qdisc_enqueue(struct qdisc *q, struct packet *pkt, simtime_t now)
{
	pkt->enq_ns = now;
	q->qlen++;
	q->backlog += pkt->ip.tot_len;
	q->drop_why = NULL;
	if (!q->ops->enqueue(q, pkt, now)) {
		q->qlen--;
		q->backlog -= pkt->ip.tot_len;
		count_drop(q, pkt, q->drop_why ? q->drop_why : "overflow");
		pkt_free(q->sim, pkt);
		return false;
	}
	q->st.enqueued++;
	if (q->qlen > q->st.max_pkts)
		q->st.max_pkts = q->qlen;
	if (q->backlog > q->st.max_bytes)
		q->st.max_bytes = q->backlog;
	log_len(q);
	return true;
}

struct packet *qdisc_dequeue(struct qdisc *q, simtime_t now)
{
	if (q->qlen == 0)
		return NULL;
	struct packet *pkt = q->ops->dequeue(q, now);
	if (!pkt)
		return NULL;
	q->qlen--;
	q->backlog -= pkt->ip.tot_len;
	q->st.dequeued++;
	simtime_t soj = now - pkt->enq_ns;
	q->sojourn_sum += soj;
	q->sojourn_n++;
	if (rec_on_event(q->sim, q->metric[M_SOJOURN]))
		rec_value(q->sim, q->metric[M_SOJOURN], q->entity, (double)soj);
	log_len(q);
	return pkt;
}

void qdisc_drop_queued(struct qdisc *q, struct packet *pkt, const char *why)
{
	q->qlen--;
	q->backlog -= pkt->ip.tot_len;
	count_drop(q, pkt, why);
	pkt_free(q->sim, pkt);
}

bool qdisc_mark(struct qdisc *q, struct packet *pkt)
{
	if ((pkt->ip.tos & 3) == ECN_NOT_ECT)
		return false;
	pkt->ip.tos |= ECN_CE;
	q->st.marked++;
	return true;
}

void qdisc_report(struct qdisc *q)
{
	if (!q->sim->db)
		return;
	char params[256] = "";
	if (q->ops->describe)
		q->ops->describe(q, params, sizeof(params));
	struct db_queue row = {
		.entity = q->entity, .qdisc = q->ops->name, .params = params,
		.enqueued = (int64_t)q->st.enqueued, .dequeued = (int64_t)q->st.dequeued,
		.dropped = (int64_t)q->st.dropped, .marked = (int64_t)q->st.marked,
		.bytes_dropped = (int64_t)q->st.bytes_dropped,
		.max_pkts = q->st.max_pkts, .max_bytes = (int64_t)q->st.max_bytes,
	};
	db_queue(q->sim->db, q->sim->run_id, &row);
}

void pktq_purge(struct sim *s, struct pktq *l)
{
	struct packet *p;
	while ((p = pktq_pop(l)))
		pkt_free(s, p);
}

/* ---- parameters ---- */

static struct qparam *find(struct qparams *p, const char *key)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->kv[i].key, key) == 0) {
			p->kv[i].used = true;
			return &p->kv[i];
		}
	return NULL;
}

int qparam_int(struct qparams *p, const char *qd, const char *key, int64_t def,
	       int64_t min, int64_t max, int64_t *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	char *end;
	const char *t = kv->str;
	errno = 0;
	long long v = strtoll(t, &end, 10);
	if (!isdigit((unsigned char)t[t[0] == '-']) || *end) { /* no blanks or '+' before it */
		err_set(err, "%s: %s: expected an integer, got '%s'", qd, key, t);
		return -1;
	}
	if (errno == ERANGE) {
		err_set(err, "%s: %s: %s is out of range [%lld, %lld]", qd, key, t, (long long)min,
			(long long)max);
		return -1;
	}
	if (v < min || v > max) {
		err_set(err, "%s: %s: %lld is out of range [%lld, %lld]", qd, key, v,
			(long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int qparam_num(struct qparams *p, const char *qd, const char *key, double def,
	       double min, double max, double *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	char *end;
	double v = strtod(kv->str, &end);
	if (!*kv->str || *end || isspace((unsigned char)kv->str[0])) {
		err_set(err, "%s: %s: expected a number, got '%s'", qd, key, kv->str);
		return -1;
	}
	if (!(v >= min && v <= max)) {
		err_set(err, "%s: %s: %g is out of range [%g, %g]", qd, key, v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int qparam_duration(struct qparams *p, const char *qd, const char *key, simtime_t def,
		    simtime_t *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	if (units_parse_duration(kv->str, out) < 0) {
		err_set(err, "%s: %s: expected a duration like '5ms', got '%s'", qd, key, kv->str);
		return -1;
	}
	/* Linux configures these times as u32 microseconds (TCA_CODEL_TARGET,
	 * TCA_CODEL_INTERVAL, TCA_FQ_CODEL_CE_THRESHOLD, TCA_PIE_TARGET,
	 * TCA_PIE_TUPDATE in include/uapi/linux/pkt_sched.h); the bound also
	 * keeps `now + interval` and CoDel's 16 * interval far from overflow. */
	if (*out > QPARAM_DURATION_MAX) {
		err_set(err, "%s: %s: %s is longer than Linux can configure (4294.967295s, u32 microseconds)",
			qd, key, kv->str);
		return -1;
	}
	return 0;
}

int qparam_size(struct qparams *p, const char *qd, const char *key, uint64_t def,
		uint64_t *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	const char *t = kv->str;
	size_t digits = strspn(t, "0123456789");
	if (digits && !t[digits]) { /* a plain number is bytes */
		errno = 0;
		unsigned long long v = strtoull(t, NULL, 10);
		if (errno == ERANGE || v > INT64_MAX) {
			err_set(err, "%s: %s: %s bytes is too large", qd, key, t);
			return -1;
		}
		*out = v;
		return 0;
	}
	if (units_parse_size(kv->str, out) < 0) {
		err_set(err, "%s: %s: expected a size like '1500B' or '64KiB', got '%s'", qd, key, kv->str);
		return -1;
	}
	return 0;
}

int qparam_rate(struct qparams *p, const char *qd, const char *key, uint64_t def,
		uint64_t *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	if (units_parse_rate(kv->str, out) < 0 || *out == 0) {
		err_set(err, "%s: %s: expected a rate like '10Mbps', got '%s'", qd, key, kv->str);
		return -1;
	}
	return 0;
}

int qparam_bool(struct qparams *p, const char *qd, const char *key, bool def,
		bool *out, struct errbuf *err)
{
	struct qparam *kv = find(p, key);
	if (!kv) {
		*out = def;
		return 0;
	}
	if (strcmp(kv->str, "true") == 0 || strcmp(kv->str, "1") == 0)
		*out = true;
	else if (strcmp(kv->str, "false") == 0 || strcmp(kv->str, "0") == 0)
		*out = false;
	else {
		err_set(err, "%s: %s: expected true or false, got '%s'", qd, key, kv->str);
		return -1;
	}
	return 0;
}

int qparams_check_used(const struct qparams *p, const char *qd, struct errbuf *err)
{
	for (int i = 0; i < p->n; i++)
		if (!p->kv[i].used) {
			err_set(err, "%s: unknown parameter '%s'", qd, p->kv[i].key);
			return -1;
		}
	return 0;
}
