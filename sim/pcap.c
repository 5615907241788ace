/* pcap writer; see pcap.h.  Format: https://www.tcpdump.org/manpages/pcap-savefile.5.html */
#include "pcap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "util.h"

#define PCAP_MAGIC_NS 0xa1b23c4du
#define LINKTYPE_RAW 101

struct pcap_writer {
	FILE *f;
	uint32_t snaplen;
	uint64_t count;
	int failed;           /* errno of the first failed write, or 0 */
	uint8_t buf[65536];
};

static void put_u32(uint8_t *b, uint32_t v) { memcpy(b, &v, 4); } /* native order, as the magic */
static void put_u16(uint8_t *b, uint16_t v) { memcpy(b, &v, 2); }

struct pcap_writer *pcap_open(const char *path, uint32_t snaplen)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	struct pcap_writer *w = xcalloc(1, sizeof(*w));
	w->f = f;
	w->snaplen = snaplen ? snaplen : 65535;
	uint8_t h[24];
	put_u32(h, PCAP_MAGIC_NS);
	put_u16(h + 4, 2);
	put_u16(h + 6, 4);
	put_u32(h + 8, 0);  /* thiszone */
	put_u32(h + 12, 0); /* sigfigs */
	put_u32(h + 16, w->snaplen);
	put_u32(h + 20, LINKTYPE_RAW);
	if (fwrite(h, sizeof(h), 1, f) != 1 && !w->failed)
		w->failed = errno ? errno : EIO;
	return w;
}

void pcap_write(struct pcap_writer *w, simtime_t t, const struct packet *p)
{
	size_t len = pkt_serialize(p, w->buf, w->snaplen);
	size_t cap = len < w->snaplen ? len : w->snaplen;
	uint8_t h[16];
	put_u32(h, (uint32_t)(t / 1000000000));
	put_u32(h + 4, (uint32_t)(t % 1000000000));
	put_u32(h + 8, (uint32_t)cap);
	put_u32(h + 12, (uint32_t)len);
	if ((fwrite(h, sizeof(h), 1, w->f) != 1 || fwrite(w->buf, cap, 1, w->f) != 1) && !w->failed)
		w->failed = errno ? errno : EIO;
	w->count++;
}

uint64_t pcap_count(const struct pcap_writer *w) { return w->count; }

int pcap_close(struct pcap_writer *w)
{
	if (!w)
		return 0;
	int rc = -w->failed;
	if (fclose(w->f) != 0 && !rc)
		rc = errno ? -errno : -EIO;
	free(w);
	return rc;
}
