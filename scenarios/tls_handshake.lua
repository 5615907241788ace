-- Time to first byte over TLS 1.2 and 1.3, full, resumed and 0-RTT, at a
-- given round-trip time: the answer to "why is TLS 1.3 faster, and what
-- does 0-RTT buy?".  One client, one server, one small request each; every
-- run is a new TCP connection, so each TTFB includes the TCP handshake.
--
--   client --(bw, rtt/2)-- server:443   (sizes as OpenSSL 3 sends them)
--
-- Expected (RFC 8446 §2, RFC 5246 §7.3, RFC 5077): plain TCP 2 RTT,
-- TLS 1.2 4, TLS 1.2 resumed 3, TLS 1.3 3, TLS 1.3 resumed 3 (with a 1-RTT
-- handshake and no certificate or signature), TLS 1.3 0-RTT 2, plus the
-- server's signing time on full handshakes, plus one RTT when the server's
-- flight (the certificate chain) is larger than the initial window
-- (10 segments, RFC 6928).  Run with --pcap DIR to see the records in
-- Wireshark.  Each TTFB is printed and recorded as metric ttfb_ms.
local p = params {
  rtt = "100ms",
  bw = "100Mbps",
  cert_chain = "4KB",     -- a leaf and an intermediate are 2-5 KB on the web
  sign = "ecdsa",         -- "rsa" (RSA-2048) or "ecdsa" (P-256)
  request = "200B",
  response = "1KB",
}

local rtt_ns = units.ns(p.rtt)
local client, server = node "client", node "server"
link(client, server, { rate = p.bw, delay = units.duration(rtt_ns // 2) })

local plain = tcp.reqresp { from = client, to = server, port = 80, count = 1,
  request = p.request, response = p.response, name = "plain" }
local srv = tls.server { node = server, port = 443, version = "1.3", cert_chain = p.cert_chain,
  sign = p.sign, early_data = true, response = p.response }

local results = {}
local runs = {
  { tag = "tls1.2",          version = "1.2", server_name = "v12.example.test" },
  { tag = "tls1.2-resumed",  version = "1.2", server_name = "v12.example.test" },
  { tag = "tls1.3",          version = "1.3", server_name = "v13.example.test" },
  { tag = "tls1.3-resumed",  version = "1.3", server_name = "v13.example.test" },
  { tag = "tls1.3-0rtt",     version = "1.3", server_name = "v13.example.test", early_data = true },
}
-- one at a time, a second apart (well past every handshake at any sane rtt)
for i, r in ipairs(runs) do
  tls.client { node = client, server = server, port = 443, version = r.version,
    server_name = r.server_name, early_data = r.early_data or false, request = p.request,
    start = string.format("%ds", i),
    on_done = function(res) results[r.tag] = res end }
end
run(string.format("%ds", #runs + 2))

local function report(tag, ttfb_s, extra)
  local ms = ttfb_s * 1e3
  print(string.format("%-16s ttfb %8.2f ms = %4.2f RTT  %s", tag, ms, ms * 1e6 / rtt_ns, extra or ""))
  metric("ttfb_ms", tag, ms)
end

print(string.format("rtt %s, bandwidth %s, certificate chain %s, %s signature", p.rtt, p.bw,
  p.cert_chain, p.sign))
local st = plain:stats()
if st.completed == 1 then
  report("tcp", st.latency_min_ns / 1e9, "(plain TCP request/response)")
else
  print("tcp: the request did not complete")
end
for _, r in ipairs(runs) do
  local res = results[r.tag]
  if not res or res.error then
    print(string.format("%-16s failed: %s", r.tag, res and res.error or "no result"))
  else
    report(r.tag, res.ttfb, string.format("(handshake %.2f ms, resumed %s, 0-RTT %s, alpn %s)",
      res.handshake * 1e3, tostring(res.resumed), tostring(res.early_accepted), res.alpn))
    metric("handshake_ms", r.tag, res.handshake * 1e3)
  end
end
local s = srv:stats()
print(string.format("server: %d handshakes, %d full, %d resumed, 0-RTT %d accepted / %d offered",
  s.handshakes, s.full, s.resumed, s.early_accepted, s.early_offered))
