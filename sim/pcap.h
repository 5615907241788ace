/* pcap writer: classic libpcap format with nanosecond timestamps (magic
 * 0xa1b23c4d) and link type LINKTYPE_RAW (101, bare IPv4), which tcpdump,
 * tshark and Wireshark read.  One file per interface, both directions. */
#ifndef WL_PCAP_H
#define WL_PCAP_H

#include <stdint.h>

#include "time.h"

struct packet;
struct pcap_writer;

/* NULL with errno set if the file cannot be created. */
struct pcap_writer *pcap_open(const char *path, uint32_t snaplen);
/* Writes the packet as it is on the wire at time t. */
void pcap_write(struct pcap_writer *w, simtime_t t, const struct packet *p);
/* 0, or -errno of the first write (or the close) that failed. */
int pcap_close(struct pcap_writer *w);
uint64_t pcap_count(const struct pcap_writer *w);

#endif
