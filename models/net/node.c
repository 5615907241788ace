/* The network object, nodes and their interfaces, pcap and summary rows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/queue/qdisc.h"
#include "net.h"
#include "sim/pcap.h"
#include "sim/record.h"
#include "sim/util.h"

static void route_timer_fired(struct sim *s, void *obj)
{
	(void)s;
	net_routes_compute(obj);
}

static void net_destroy(void *obj)
{
	struct net *n = obj;
	net_pcap_close(n);
	for (size_t i = 0; i < n->nlinks; i++) {
		struct link *l = n->links[i];
		for (int k = 0; k < 2; k++) {
			qdisc_free(l->end[k]->q);
			loss_free(l->dir[k].loss);
			free(l->end[k]);
		}
		free(l);
	}
	for (size_t i = 0; i < n->nnodes; i++) {
		struct node *nd = n->nodes[i];
		fib_free(&nd->fib);
		free(nd->ifs);
		free(nd->echo);
		free(nd->echo_used);
		free(nd);
	}
	timer_destroy(n->sim, &n->route_timer);
	free(n->nodes);
	free(n->links);
	free(n);
}

struct net *net_get(struct sim *s)
{
	struct net *n = sim_ext_get(s, "net");
	if (n)
		return n;
	n = xcalloc(1, sizeof(*n));
	n->sim = s;
	n->spf = true;
	n->next_flow_id = 1;
	timer_init(s, &n->route_timer, route_timer_fired, n);
	n->m_route = rec_metric_def(s, "routes", "routes", "", REC_CAN_EVENT,
				    "routing tables: an events row per changed route");
	n->m_drops = rec_metric_def(s, "drops", "drops", "", REC_CAN_EVENT,
				    "one events row per dropped packet");
	sim_ext_set(s, "net", n, net_destroy);
	return n;
}

struct node *node_new(struct net *n, const char *name, bool router, struct errbuf *err)
{
	if (!*name || strlen(name) >= sizeof(((struct node *)0)->name)) {
		err_set(err, "node name '%s' must have 1 to 31 characters", name);
		return NULL;
	}
	for (const char *c = name; *c; c++)
		if (*c == ' ' || *c == '>' || *c == '-' || *c == '/' || *c == ':') {
			err_set(err, "node name '%s': no spaces or any of > - / : please", name);
			return NULL;
		}
	if (net_find_node(n, name)) {
		err_set(err, "there is already a node named '%s'", name);
		return NULL;
	}
	/* line-aligned: a packet reads the node's first line only (net.h) */
	size_t size = (sizeof(struct node) + 63) / 64 * 64;
	struct node *nd = aligned_alloc(64, size);
	if (!nd) {
		fprintf(stderr, "wirelab: out of memory for a node\n");
		abort();
	}
	memset(nd, 0, size);
	nd->net = n;
	nd->id = (uint32_t)n->nnodes;
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->router = router;
	nd->next_echo_id = 1;
	fib_init(&nd->fib);
	xgrow((void **)&n->nodes, &n->capnodes, n->nnodes + 1, sizeof(*n->nodes));
	n->nodes[n->nnodes++] = nd;
	return nd;
}

struct node *net_find_node(struct net *n, const char *name)
{
	for (size_t i = 0; i < n->nnodes; i++)
		if (strcmp(n->nodes[i]->name, name) == 0)
			return n->nodes[i];
	return NULL;
}

struct node *net_node_of_addr(struct net *n, uint32_t addr)
{
	for (size_t i = 0; i < n->nlinks; i++)
		for (int k = 0; k < 2; k++)
			if (n->links[i]->end[k]->addr == addr)
				return n->links[i]->end[k]->node;
	return NULL;
}

uint32_t node_addr(const struct node *nd)
{
	return nd->nifs ? nd->ifs[0]->addr : 0;
}

bool node_has_addr(const struct node *nd, uint32_t addr)
{
	const struct route *r = fib_get(&nd->fib, addr, 32);
	return r && r->type == RT_LOCAL;
}

struct iface *node_iface_to(const struct node *nd, const struct node *peer)
{
	for (size_t i = 0; i < nd->nifs; i++) {
		struct iface *ifc = nd->ifs[i];
		if (ifc->link->end[1 - ifc->side]->node == peer)
			return ifc;
	}
	return NULL;
}

void net_register_l4(struct net *n, int l4, uint8_t proto, l4_input_fn in, l4_error_fn err)
{
	(void)proto;
	n->input[l4] = in;
	n->error[l4] = err;
}

void net_drop(struct net *n, const char *entity, const char *why, struct packet *p)
{
	if (rec_on_event(n->sim, n->m_drops))
		rec_log(n->sim, entity, "drop", "%s uid=%llu len=%u proto=%u", why,
			(unsigned long long)p->uid, p->ip.tot_len, p->ip.proto);
	pkt_free(n->sim, p);
}

/* ---- pcap: one file per interface, "<node>-eth<i>.pcap" ---- */

/* Opens the file of one interface, unless it has one already. */
int net_pcap_open_iface(struct iface *ifc, const char *dir, struct errbuf *err)
{
	if (ifc->pcap)
		return 0;
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/%s-eth%d.pcap", dir, ifc->node->name, ifc->index) >=
	    (int)sizeof(path)) {
		err_set(err, "--pcap: the folder name '%s' is too long", dir);
		return -1;
	}
	ifc->pcap = pcap_open(path, 0);
	if (!ifc->pcap) {
		err_set(err, "--pcap: cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int net_pcap_open(struct net *n, const char *dir, struct errbuf *err)
{
	if (mkdir(dir, 0777) < 0) {
		int e = errno;
		struct stat st;
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			err_set(err, "--pcap: cannot create folder '%s': %s", dir,
				strerror(e == EEXIST ? ENOTDIR : e));
			return -1;
		}
	}
	for (size_t i = 0; i < n->nnodes; i++) {
		struct node *nd = n->nodes[i];
		for (size_t k = 0; k < nd->nifs; k++)
			if (net_pcap_open_iface(nd->ifs[k], dir, err) < 0)
				return -1;
	}
	return 0;
}

void net_pcap_close(struct net *n)
{
	for (size_t i = 0; i < n->nnodes; i++) {
		struct node *nd = n->nodes[i];
		for (size_t k = 0; k < nd->nifs; k++) {
			int rc = nd->ifs[k]->pcap ? pcap_close(nd->ifs[k]->pcap) : 0;
			if (rc < 0)
				sim_fail(n->sim, "writing the pcap file of %s failed: %s", nd->ifs[k]->name,
					 strerror(-rc));
			nd->ifs[k]->pcap = NULL;
		}
	}
}

/* The queues table: one row per interface that carried traffic. */
void net_report(struct net *n)
{
	for (size_t i = 0; i < n->nlinks; i++)
		for (int k = 0; k < 2; k++) {
			struct iface *ifc = n->links[i]->end[k];
			if (ifc->q && (ifc->q->st.enqueued || ifc->q->st.dropped))
				qdisc_report(ifc->q);
		}
}
