/* emu: a userspace bottleneck between two veth interfaces, for running
 * real Linux TCP through the same path a wirelab scenario models (the
 * kernel here has no netem).  It bridges Ethernet frames with AF_PACKET
 * sockets:
 *
 *   IN  -> drop-tail FIFO of at most N frames -> served at RATE bit/s
 *       -> fixed propagation DELAY -> OUT                    (data)
 *   OUT -> fixed DELAY -> IN, no rate limit, no drops        (ACKs)
 *
 * A frame's transmission time is its IP length (frame - 14 B) * 8 / RATE,
 * so a 1500-byte IP packet takes 1.2 ms at 10 Mbit/s, as on a wirelab
 * link.  The limit counts every frame not yet fully transmitted (the one
 * on the wire too).  One thread, epoll and an absolute CLOCK_MONOTONIC
 * timerfd; the timer fires EMU_SPIN_US early (default 200 us) and the loop
 * polls until the release instant, because timer wake-ups on a VM come
 * 100 us and more late.  Times are ns.
 *
 * usage: emu IN_IF OUT_IF N [RATE_BPS=1e7] [DELAY_MS=20] [PERSEC_FILE]
 * At exit (SIGINT/SIGTERM) it prints, per direction, frames in / dropped
 * / sent, the largest queue and frame, socket drops and release lateness;
 * PERSEC_FILE gets one line per second: time, data frames in, dropped,
 * sent, max and current queue, ACK frames in, sent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define SLOT 2048        /* bytes per frame slot; offloads must be off */
#define RING 16384       /* frames per direction, queued or propagating */
#define NS_PER_S 1000000000LL

struct frame {
	int64_t depart;  /* end of transmission, ns */
	int64_t release; /* when it is written to the other side, ns */
	int len;
	unsigned char buf[SLOT];
};

struct dir {
	const char *name;
	int in_fd, out_fd, out_ifindex;
	int limited;       /* rate and FIFO limit (the data direction) */
	struct frame *ring;
	uint64_t head;     /* next to release */
	uint64_t qhead;    /* first frame still being transmitted or waiting */
	uint64_t tail;     /* next free slot */
	int64_t last_depart;
	uint64_t in, fifo_drop, ring_drop, oversize, sent, send_err;
	int max_q, max_len;
	int sec_maxq;
	uint64_t sec_in, sec_drop, sec_sent;
	int64_t late_max;  /* release lateness, ns */
	double late_sum;
	uint64_t late_n, late_hist[6];
};

static volatile sig_atomic_t stop;
static double rate_bps = 1e7;
static int64_t prop_ns = 20000000;
static int qlimit;

static void on_signal(int s)
{
	(void)s;
	stop = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int open_if(const char *ifname, int *ifindex)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket");
	int idx = (int)if_nametoindex(ifname);
	if (!idx) {
		fprintf(stderr, "emu: no interface %s\n", ifname);
		exit(1);
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = idx };
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	int one = 1, size = 8 << 20;
	/* our own sends must not come back as input (the pkttype check in
	 * on_rx is the fallback for kernels without this option) */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0)
		perror("emu: PACKET_IGNORE_OUTGOING");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		perror("emu: SO_RCVBUFFORCE");
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		perror("emu: SO_SNDBUFFORCE");
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0)
		perror("emu: PACKET_QDISC_BYPASS");
	*ifindex = idx;
	return fd;
}

/* Frames still in transmission or waiting: the FIFO's length. */
static int queue_len(struct dir *d, int64_t t)
{
	while (d->qhead < d->tail && d->ring[d->qhead % RING].depart <= t)
		d->qhead++;
	return (int)(d->tail - d->qhead);
}

static void on_rx(struct dir *d, unsigned char *tmp)
{
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(d->in_fd, tmp, 65536, MSG_TRUNC, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				perror("emu: recvfrom");
			return;
		}
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		int64_t t = now_ns();
		d->in++;
		d->sec_in++;
		if (n > d->max_len)
			d->max_len = (int)n;
		if (n > SLOT) {
			d->oversize++;
			continue;
		}
		if (d->tail - d->head >= RING) {
			d->ring_drop++;
			continue;
		}
		struct frame *f = &d->ring[d->tail % RING];
		if (d->limited) {
			int q = queue_len(d, t);
			if (q >= qlimit) {
				d->fifo_drop++;
				d->sec_drop++;
				continue;
			}
			int64_t iplen = n > 14 ? n - 14 : 0;
			int64_t tx = (int64_t)((double)iplen * 8.0 * 1e9 / rate_bps + 0.5);
			f->depart = (d->last_depart > t ? d->last_depart : t) + tx;
			d->last_depart = f->depart;
			q++;
			if (q > d->max_q)
				d->max_q = q;
			if (q > d->sec_maxq)
				d->sec_maxq = q;
		} else {
			f->depart = t;
		}
		f->release = f->depart + prop_ns;
		f->len = (int)n;
		memcpy(f->buf, tmp, (size_t)n);
		d->tail++;
	}
}

static void release_due(struct dir *d)
{
	int64_t t = now_ns();
	while (d->head < d->tail) {
		struct frame *f = &d->ring[d->head % RING];
		if (f->release > t)
			break;
		int64_t late = t - f->release;
		if (late > d->late_max)
			d->late_max = late;
		d->late_sum += (double)late;
		d->late_n++;
		d->late_hist[late < 10000 ? 0 : late < 100000 ? 1 : late < 1000000 ? 2 :
			     late < 5000000 ? 3 : late < 20000000 ? 4 : 5]++;
		struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = d->out_ifindex,
					  .sll_halen = 6 };
		memcpy(to.sll_addr, f->buf, 6);
		if (sendto(d->out_fd, f->buf, (size_t)f->len, 0, (struct sockaddr *)&to, sizeof(to)) == f->len) {
			d->sent++;
			d->sec_sent++;
		} else {
			d->send_err++;
		}
		d->head++;
		if (d->qhead < d->head)
			d->qhead = d->head;
		t = now_ns();
	}
}

static void print_stats(struct dir *d, int fd)
{
	struct tpacket_stats st = { 0 };
	socklen_t sl = sizeof(st);
	getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &sl);
	printf("[%s] frames_in=%llu fifo_dropped=%llu sent=%llu ring_drop=%llu oversize=%llu send_err=%llu "
	       "max_queue=%d max_frame_len=%d sock_rx_drops=%u "
	       "release_lateness_us: mean=%.2f max=%.1f\n",
	       d->name, (unsigned long long)d->in, (unsigned long long)d->fifo_drop,
	       (unsigned long long)d->sent, (unsigned long long)d->ring_drop,
	       (unsigned long long)d->oversize, (unsigned long long)d->send_err, d->max_q, d->max_len,
	       st.tp_drops, d->late_n ? d->late_sum / (double)d->late_n / 1000.0 : 0.0,
	       (double)d->late_max / 1000.0);
	printf("[%s] lateness <10us:%llu 10-100us:%llu 0.1-1ms:%llu 1-5ms:%llu 5-20ms:%llu >=20ms:%llu\n",
	       d->name, (unsigned long long)d->late_hist[0], (unsigned long long)d->late_hist[1],
	       (unsigned long long)d->late_hist[2], (unsigned long long)d->late_hist[3],
	       (unsigned long long)d->late_hist[4], (unsigned long long)d->late_hist[5]);
}

static void arm(int tfd, int64_t at)
{
	struct itimerspec its = { .it_value = { .tv_sec = at / NS_PER_S, .tv_nsec = at % NS_PER_S } };
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 7) {
		fprintf(stderr, "usage: %s IN_IF OUT_IF N [RATE_BPS] [DELAY_MS] [PERSEC_FILE]\n", argv[0]);
		return 2;
	}
	qlimit = atoi(argv[3]);
	if (argc > 4)
		rate_bps = atof(argv[4]);
	if (argc > 5)
		prop_ns = (int64_t)(atof(argv[5]) * 1e6);
	if (qlimit < 1 || rate_bps <= 0 || prop_ns < 0) {
		fprintf(stderr, "emu: N must be >= 1, RATE_BPS > 0, DELAY_MS >= 0\n");
		return 2;
	}
	FILE *persec = NULL;
	if (argc > 6 && !(persec = fopen(argv[6], "w")))
		die(argv[6]);
	const char *spin = getenv("EMU_SPIN_US");
	int64_t spin_ns = (int64_t)((spin ? atof(spin) : 200.0) * 1000);

	/* best effort: a real-time, unswappable emulator keeps time better */
	prctl(PR_SET_TIMERSLACK, 1UL);
	struct sched_param sp = { .sched_priority = 50 };
	if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
		perror("emu: SCHED_FIFO");
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		perror("emu: mlockall");

	static struct dir a, b;
	int ia, ib;
	int fa = open_if(argv[1], &ia), fb = open_if(argv[2], &ib);
	a = (struct dir){ .name = "data", .in_fd = fa, .out_fd = fb, .out_ifindex = ib, .limited = 1 };
	b = (struct dir){ .name = "ack", .in_fd = fb, .out_fd = fa, .out_ifindex = ia, .limited = 0 };
	a.ring = calloc(RING, sizeof(*a.ring));
	b.ring = calloc(RING, sizeof(*b.ring));
	unsigned char *tmp = malloc(65536);
	if (!a.ring || !b.ring || !tmp)
		die("calloc");

	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	int ep = epoll_create1(0);
	if (tfd < 0 || ep < 0)
		die("timerfd/epoll");
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.u32 = 1;
	epoll_ctl(ep, EPOLL_CTL_ADD, fa, &ev);
	ev.data.u32 = 2;
	epoll_ctl(ep, EPOLL_CTL_ADD, fb, &ev);
	ev.data.u32 = 3;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "emu: %s -> %s N=%d rate=%.0f bit/s delay=%.3f ms spin=%.0f us\n", argv[1], argv[2],
		qlimit, rate_bps, (double)prop_ns / 1e6, (double)spin_ns / 1e3);

	int64_t t0 = now_ns(), next_sec = t0 + NS_PER_S, armed = -1;
	while (!stop) {
		int64_t t = now_ns(), next = INT64_MAX;
		if (a.head < a.tail)
			next = a.ring[a.head % RING].release;
		if (b.head < b.tail && b.ring[b.head % RING].release < next)
			next = b.ring[b.head % RING].release;
		int wait_ms = 200;
		if (next != INT64_MAX) {
			if (next - t <= spin_ns)
				wait_ms = 0; /* poll until the release instant */
			else if (next - spin_ns != armed)
				arm(tfd, armed = next - spin_ns);
		}
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, wait_ms);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u32 == 1) {
				on_rx(&a, tmp);
			} else if (evs[i].data.u32 == 2) {
				on_rx(&b, tmp);
			} else {
				uint64_t x;
				if (read(tfd, &x, sizeof(x)) < 0 && errno != EAGAIN)
					perror("emu: timerfd");
				armed = -1;
			}
		}
		release_due(&a);
		release_due(&b);
		t = now_ns();
		if (t >= next_sec) {
			if (persec) {
				fprintf(persec, "%.3f %llu %llu %llu %d %d %llu %llu\n", (double)(t - t0) / 1e9,
					(unsigned long long)a.sec_in, (unsigned long long)a.sec_drop,
					(unsigned long long)a.sec_sent, a.sec_maxq, queue_len(&a, t),
					(unsigned long long)b.sec_in, (unsigned long long)b.sec_sent);
				fflush(persec);
			}
			a.sec_in = a.sec_drop = a.sec_sent = 0;
			a.sec_maxq = 0;
			b.sec_in = b.sec_sent = 0;
			next_sec += NS_PER_S;
		}
	}
	printf("emu ran %.1f s, N=%d\n", (double)(now_ns() - t0) / 1e9, qlimit);
	print_stats(&a, fa);
	print_stats(&b, fb);
	return 0;
}
