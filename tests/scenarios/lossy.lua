-- A small lossy network used by the determinism test (determinism.sh):
-- Bernoulli loss on one link, Gilbert-Elliott on another, and an on/off
-- source with exponential periods, all drawing from named random streams.
local p = params { time = "5s" }
local a, r, b = node "a", router "r", node "b"
link(a, r, { rate = "20Mbps", delay = "2ms", loss = 0.02 })
link(r, b, { rate = "10Mbps", delay = "5ms", queue = fifo { limit = 50 },
             loss = { model = "gilbert", p = 0.01, r = 0.3, loss_bad = 0.5 } })
udp.onoff { from = a, to = b, rate = "15Mbps", on = "300ms", off = "200ms" }
udp.cbr { from = b, to = a, rate = "1Mbps", size = 500 }
ping { from = a, to = b, every = "50ms" }
record { "queue", "throughput", every = "100ms" }
record { "ping", "drops" }
run(p.time)
