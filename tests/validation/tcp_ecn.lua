-- ECN (RFC 3168).  Negotiation: the SYN carries ECE and CWR (§6.1.1), the
-- SYN-ACK ECE alone; then data is sent ECT(0).  A FIFO that marks CE at 40
-- packets (step marking, as DCTCP's switches) signals congestion without
-- dropping: the receiver echoes ECE until it sees CWR (§6.1.3), and the
-- sender reduces cwnd once per window (CWR state, PRR) and sets CWR on its
-- next new data (§6.1.2).  So: no drops, no retransmissions, and, since the
-- marking threshold exceeds the bandwidth-delay product (10 Mbps * 40 ms =
-- 33 packets), a halved window (33 + 40) / 2 still fills the pipe: the link
-- stays busy.
local s, r, d = node "s", router "r", node "d"
link(s, r, { rate = "1Gbps", delay = "1ms" })
local l = link(r, d, { rate = "10Mbps", delay = "19ms", queue = fifo { limit = 100, mark_at = 40 } })
local f = tcp.bulk { from = s, to = d, ecn = true, cc = "reno", measure_from = "5s" }
record { "tcp_trace" }
run("30s")

local first = query("select detail from events where entity = 'bulk1' and kind = 'tcp_tx' order by rowid limit 1")[1].detail
assert(first:match("^SEC "), "the SYN should carry ECE and CWR: " .. first)
local synack = query("select detail from events where kind = 'tcp_tx' and detail like 'SA%' order by rowid limit 1")[1].detail
assert(synack:match("^SAE "), "the SYN-ACK should carry ECE and not CWR: " .. synack)
local q = query("select dropped, marked from queues where entity = 'r->d'")[1]
local st = f:stats()
local cwr = query("select count(*) as n from events where kind = 'ecn_cwr'")[1].n
local cwr_flags = query("select count(*) as n from events where entity = 'bulk1' and kind = 'tcp_tx' and detail like '%C% seq=%' and detail not like 'S%'")[1].n
print(string.format("marked %d, dropped %d, retrans %d, cwnd reductions %d, CWR sent %d, goodput %.2f Mbps",
                    q.marked, q.dropped, st.retrans, cwr, cwr_flags, st.goodput_bps / 1e6))
assert(q.marked > 0, "nothing was marked")
assert(q.dropped == 0 and st.retrans == 0, "ECN should have avoided every loss")
assert(cwr > 5 and cwr_flags == cwr, "each reduction should be signalled with one CWR")
assert(st.goodput_bps > 0.9 * 10e6 * 1448 / 1500, "the link was not kept busy")
