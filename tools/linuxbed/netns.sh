#!/bin/sh
# netns.sh up|down S: three network namespaces for one testbed,
#   snd$S (s0, 10.77.0.1/24) --veth-- rtr$S (r0 | emu | r1) --veth-- rcv$S (d0, 10.77.0.2/24)
# rtr$S has no addresses: emu bridges r0 and r1.  Offloads are off, so
# every frame is one MTU-sized packet, as on a wirelab link; TCP's buffer
# autotuning may grow to 32 MiB, so no flow is window-limited.  Needs root.
set -eu
cmd=$1 S=$2
if [ "$cmd" = down ]; then
	for ns in snd rtr rcv; do ip netns del "$ns$S" 2>/dev/null || true; done
	exit 0
fi
[ "$cmd" = up ] || { echo "usage: $0 up|down SUFFIX" >&2; exit 2; }
command -v ethtool >/dev/null || { echo "netns.sh: needs ethtool (apt-get install ethtool)" >&2; exit 1; }
for ns in snd rtr rcv; do ip netns add "$ns$S"; done
ip link add "s0x$S" type veth peer name "r0x$S"
ip link add "r1x$S" type veth peer name "d0x$S"
ip link set "s0x$S" netns "snd$S" && ip -n "snd$S" link set "s0x$S" name s0
ip link set "r0x$S" netns "rtr$S" && ip -n "rtr$S" link set "r0x$S" name r0
ip link set "r1x$S" netns "rtr$S" && ip -n "rtr$S" link set "r1x$S" name r1
ip link set "d0x$S" netns "rcv$S" && ip -n "rcv$S" link set "d0x$S" name d0
for ns in snd rtr rcv; do
	ip netns exec "$ns$S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns$S" link set lo up
done
for p in snd:s0 rtr:r0 rtr:r1 rcv:d0; do
	ns=${p%:*}$S dev=${p#*:}
	ip -n "$ns" link set dev "$dev" mtu 1500
	ip netns exec "$ns" ethtool -K "$dev" tso off gso off gro off tx off rx off sg off >/dev/null 2>&1 || true
	ip -n "$ns" link set dev "$dev" gso_max_size 1500 2>/dev/null || true
	ip -n "$ns" link set dev "$dev" up
done
ip -n "snd$S" addr add 10.77.0.1/24 dev s0
ip -n "rcv$S" addr add 10.77.0.2/24 dev d0
for ns in snd rcv; do
	ip netns exec "$ns$S" sysctl -qw net.ipv4.tcp_rmem="4096 131072 33554432" \
		net.ipv4.tcp_wmem="4096 16384 33554432" net.ipv4.tcp_no_metrics_save=1
done
