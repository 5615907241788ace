/* Unit test of the ICMP echo identifiers a node hands to its pings
 * (models/net/icmp.c): every one of the 65535 non-zero 16-bit values
 * (RFC 792: the identifier is 16 bits; 0 is kept for "none here") is
 * given once, the 65536th request is refused with 0 instead of looping
 * for ever, and an identifier given back is handed out again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "models/net/net.h"

static void on_reply(void *obj, struct node *nd, const struct packet *p)
{
	(void)obj;
	(void)nd;
	(void)p;
}

static void test_all_ids_then_refusal(void **state)
{
	(void)state;
	struct sim *s = sim_new(1);
	struct errbuf err;
	struct node *nd = node_new(net_get(s), "h1", false, &err);
	assert_non_null(nd);
	static uint8_t seen[65536];
	for (int i = 0; i < 65535; i++) {
		uint16_t id = icmp_listen_echo(nd, 0, on_reply, NULL);
		assert_int_not_equal(id, 0);
		assert_int_equal(seen[id], 0); /* never the same one twice */
		seen[id] = 1;
	}
	assert_int_equal(icmp_listen_echo(nd, 0, on_reply, NULL), 0); /* all taken */
	icmp_unlisten_echo(nd, 777);
	assert_int_equal(icmp_listen_echo(nd, 0, on_reply, NULL), 777); /* the one free again */
	assert_int_equal(icmp_listen_echo(nd, 0, on_reply, NULL), 0);
	sim_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_ids_then_refusal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
