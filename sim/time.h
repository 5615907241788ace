/* Simulated time: signed 64-bit nanoseconds since the start of the run.
 * 2^63 ns is about 292 years, so overflow is not a practical concern; no
 * floating-point time exists anywhere in the simulator (DESIGN §2). */
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
