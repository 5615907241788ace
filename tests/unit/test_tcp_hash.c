/* The 4-tuple table (tcp_stack.c, open addressing with backward-shift
 * deletion, Knuth 6.4 Algorithm R): after any mix of inserts, growths and
 * deletions, every connection is found under its 4-tuple, and nothing
 * else is. */
#include "tcp_helper.h"

#define N 3000

static void test_insert_delete_lookup(void **state)
{
	(void)state;
	struct th w;
	th_init(&w, 11);
	static struct tcp_sock *c[N];
	static bool gone[N];
	for (int i = 0; i < N; i++) {
		c[i] = th_socket(&w, NULL);
		assert_int_equal(tcp_connect(c[i], w.b_addr, (uint16_t)(1000 + i % 7)), 0);
		gone[i] = false;
	}
	struct tcp_stack *st = w.a->l4[L4_TCP];
	assert_int_equal(st->hcount, N);
	assert_true(st->hcap >= 2 * N);
	/* remove in an order unrelated to the table's: every third, then
	 * every fifth of the rest, from the end */
	for (int i = N - 1; i >= 0; i--)
		if (i % 3 == 0 || (i % 5 == 0 && i % 2)) {
			tcp_abort(c[i]);
			gone[i] = true;
		}
	uint32_t left = 0;
	for (int i = 0; i < N; i++) {
		struct tcp_sock *f = tcp_lookup_tuple(st, c[i]->laddr, c[i]->lport, c[i]->raddr, c[i]->rport);
		assert_ptr_equal(f, gone[i] ? NULL : c[i]);
		left += !gone[i];
	}
	assert_int_equal(st->hcount, left);
	tcp_check_stack(st);
	/* and a 4-tuple never used */
	assert_null(tcp_lookup_tuple(st, w.a_addr, 1, w.b_addr, 1));
	th_finish(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_delete_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
