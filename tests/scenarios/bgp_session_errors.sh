# bgp.session refuses bad arguments with the script's line and a sentence
# saying what was expected, and never crashes (RFC 4271 §4.2: a hold time
# of 1-2 s cannot be used; OPEN carries whole seconds).
. "$TOP/tests/lib.sh"
hdr='local a, b = router "a", router "b"; link(a, b, { rate = "10Mbps", delay = "1ms" })'
t() { printf '%s\n%s\n' "$hdr" "$2" > t.lua; expect_error "$1" -- $WIRELAB run t.lua --quiet; }
t "t.lua:2: bgp.session: hold: 0 or at least 3s expected" \
  'bgp.session { node = a, peer = b, local_as = 1, peer_as = 2, hold = "2s" }'
t "hold: a whole number of seconds" \
  'bgp.session { node = a, peer = b, local_as = 1, peer_as = 2, hold = "3500ms" }'
t "transport: expected \"tcp\" or \"channel\"" \
  'bgp.session { node = a, peer = b, local_as = 1, transport = "udp" }'
t "local_as is required" 'bgp.session { node = a, peer = b }'
t "local_as" 'bgp.session { node = a, peer = b, local_as = 0 }'
t "peer is required over TCP" 'bgp.session { node = a, local_as = 1 }'
t "unknown" 'bgp.session { node = a, peer = b, local_as = 1, holdtime = "90s" }'
t "already has a BGP session with that peer" \
  'bgp.session { node = a, peer = b, local_as = 1 }; bgp.session { node = a, peer = b, local_as = 1 }'
t "with: only for transport" \
  'local x = bgp.session { node = a, peer = b, local_as = 1 }; bgp.session { node = b, peer = a, local_as = 2, with = x }'
t "no BGP identifier" 'bgp.session { transport = "channel", local_as = 1 }'
t "announce: the session is Idle, not Established" \
  'local s = bgp.session { node = a, peer = b, local_as = 1 }; s:announce { prefixes = { "10.0.0.0/8" } }'
t "has host bits set" \
  'local s = bgp.session { node = a, peer = b, local_as = 1 }
   bgp.session { node = b, peer = a, local_as = 2 }
   run("1s"); s:announce { prefixes = { "10.0.0.1/8" } }'
t "expected a prefix like" \
  'local s = bgp.session { node = a, peer = b, local_as = 1 }
   bgp.session { node = b, peer = a, local_as = 2 }
   run("1s"); s:withdraw { "ten" }'
t "communities[1]: expected \"asn:value\"" \
  'local s = bgp.session { node = a, peer = b, local_as = 1 }
   bgp.session { node = b, peer = a, local_as = 2 }
   run("1s"); s:announce { prefixes = { "10.0.0.0/8" }, communities = { "70000:1" } }'
t "down: only a channel session" \
  'local s = bgp.session { node = a, peer = b, local_as = 1 }; s:down()'
t "state" 'local s = bgp.session { node = a, peer = b, local_as = 1 }; s.state()'
