/* Simulated time: signed 64-bit nanoseconds since the start of the run; no
 * floating-point time exists anywhere in the simulator (DESIGN §2).
 *
 * 2^63 ns is about 292 years, but a script can still ask for a time or a
 * duration near that ("2562047h"), and `now + delay` then overflows.  So
 * every time and duration a script gives is bounded by SIM_TIME_LIMIT
 * (2^61 ns, about 73 years), checked where it enters (the Lua bindings):
 * a time below the limit plus three durations below it (a transmission, a
 * delay and a jitter) still fits in 63 bits.  simtime_add() is the checked
 * sum for bindings; simtime_add_sat() is for a model's own timers, whose
 * next expiry may lie past the end of time and then never comes. */
#ifndef WL_TIME_H
#define WL_TIME_H

#include <stdint.h>

typedef int64_t simtime_t;

#define SIM_NS(x) ((simtime_t)(x))
#define SIM_US(x) ((simtime_t)(x) * 1000)
#define SIM_MS(x) ((simtime_t)(x) * 1000000)
#define SIM_S(x)  ((simtime_t)(x) * 1000000000)

#define SIM_TIME_MAX INT64_MAX
#define SIM_NEVER    INT64_MAX

/* The largest time or duration a scenario may give: 2^61 ns, 73.07 years. */
#define SIM_TIME_LIMIT ((simtime_t)1 << 61)

/* *out = a + b and 0; or -1, *out untouched, if the sum overflows. */
static inline int simtime_add(simtime_t a, simtime_t b, simtime_t *out)
{
	simtime_t r;
	if (__builtin_add_overflow(a, b, &r))
		return -1;
	*out = r;
	return 0;
}

/* a + b for b >= 0, or SIM_NEVER if that lies beyond int64. */
static inline simtime_t simtime_add_sat(simtime_t a, simtime_t b)
{
	simtime_t r;
	return __builtin_add_overflow(a, b, &r) ? SIM_NEVER : r;
}

/* Seconds as a double, for printing and statistics only. */
static inline double sim_to_sec(simtime_t t) { return (double)t / 1e9; }

/* Time to put `bytes` on a wire of `rate_bps`, rounded up to a nanosecond.
 * Callers that need exactness over many packets carry the remainder (see
 * link.c); this is for one-off figures. */
static inline simtime_t sim_tx_time(uint64_t bytes, uint64_t rate_bps)
{
	unsigned __int128 num = (unsigned __int128)bytes * 8u * 1000000000u;
	return (simtime_t)((num + rate_bps - 1) / rate_bps);
}

#endif
