/* Private to models/dns: the per-simulation registry of DNS objects, so
 * what a run made is freed when its simulation is (sim_ext "dns"): the
 * servers, the zones scripts made (the registry holds their reference)
 * and the queries still waiting for an answer. */
#ifndef WL_DNS_PRIV_H
#define WL_DNS_PRIV_H

#include "models/dns/dns_server.h"

struct dns_query;

struct dns_reg {
	struct dns_server **srv;
	int nsrv, capsrv;
	struct dns_zone **zones;
	int nzones, capzones;
	struct dns_query *queries; /* pending, linked through their own field */
};

struct dns_reg *dns_reg(struct sim *s);
void dns_reg_add_zone(struct sim *s, struct dns_zone *z);
/* dns_query.c: frees a pending query's memory (not its sockets). */
void dns_query_free_all(struct dns_reg *r);

#endif
