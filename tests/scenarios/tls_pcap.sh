# TLS in pcap: scenarios/tls_handshake.lua run with --pcap decodes in tshark,
# which names the ClientHellos and ServerHellos, finds no malformed packet
# and raises no warning (the TLS 1.2 certificate, sent in the clear, is a
# well-formed X.509 certificate); and the records have the lengths OpenSSL
# 3.0.19 sends on this machine (docs/models/tls.md, measured with
# openssl s_server/s_client and tshark on loopback: RSA-2048 self-signed
# certificate of 795 bytes, SNI of 16 characters, ALPN h2,http/1.1, a server
# with -early_data, so TLS 1.3 tickets of 32 bytes).  The request (200 B)
# and response (1000 B) records are ours: 200 + 17 and 1000 + 24.
. "$TOP/tests/lib.sh"
command -v tshark >/dev/null || { echo "skip: tshark is missing (make deps installs it)"; exit 0; }
$WIRELAB run "$TOP/scenarios/tls_handshake.lua" -p sign=rsa -p cert_chain=795B --pcap p --quiet \
	--out t.db > out.txt || fail run
for f in p/client-eth0.pcap p/server-eth0.pcap; do
	n=$(tshark -r $f -Y "tls.handshake.type == 1" 2>/dev/null | wc -l)
	same "$n" 5 "ClientHellos tshark names in $f"
	n=$(tshark -r $f -Y "tls.handshake.type == 2" 2>/dev/null | wc -l)
	same "$n" 5 "ServerHellos tshark names in $f"
	bad=$(tshark -r $f -Y '_ws.malformed || _ws.expert.severity >= "warning"' 2>/dev/null | wc -l)
	same "$bad" 0 "malformed or warned packets in $f"
done
n=$(tshark -r p/client-eth0.pcap -Y "tls.handshake.extensions_server_name == \"v13.example.test\" && tls.handshake.extensions_alpn_str == \"h2\"" 2>/dev/null | wc -l)
[ "$n" -ge 3 ] || fail "SNI and ALPN do not decode ($n hellos)"
echo "ok: SNI and ALPN decode"
n=$(tshark -r p/client-eth0.pcap -Y "tls.handshake.extensions.supported_version == 0x0304 && tls.handshake.type == 2" 2>/dev/null | wc -l)
same "$n" 3 "TLS 1.3 ServerHellos (supported_versions)"
n=$(tshark -r p/client-eth0.pcap -Y "tls.handshake.extension.type == 42 && tls.handshake.type == 1" 2>/dev/null | wc -l)
same "$n" 1 "ClientHellos with early_data"
n=$(tshark -r p/client-eth0.pcap -Y "x509sat.uTF8String == \"www.example.test\"" 2>/dev/null | wc -l)
same "$n" 1 "TLS 1.2 certificates tshark decodes"

# record lengths per connection, each flight a comma list, flights in order
flights() {
	tshark -r p/client-eth0.pcap -Y "tls && tcp.$1 == 443" -T fields -e tcp.stream -e tls.record.length \
		2>/dev/null | awk '{a[$1] = a[$1] " " $2} END {for (k in a) print k ":" a[k]}' | sort -n
}
flights dstport > c.txt
flights srcport > s.txt
cat > c.want <<'EOF'
1: 226 37,1,40 224 26
2: 434 1,40,224 26
3: 335 1,69,217 19
4: 430 1,69,217 19
5: 434,1,217 21,69,19
EOF
cat > s.want <<'EOF'
1: 74,805,300,4 186,1,40 1024 26
2: 94,1,40 1024 26
3: 122,1,32,825,281,69 82,82,1017 19
4: 128,1,32,69 82,1017 19
5: 128,1,36,69,1017 82,19
EOF
diff c.want c.txt || fail "client record lengths differ from OpenSSL's"
echo "ok: client records as OpenSSL 3 (1.2 CH 226, CKE/CCS/Fin 37,1,40; 1.3 CH 335; psk +95; early_data +4; EndOfEarlyData 21)"
diff s.want s.txt || fail "server record lengths differ from OpenSSL's"
echo "ok: server records as OpenSSL 3 (1.2 74,805,300,4 then 186,1,40; 1.3 122,1,32,825,281,69; tickets 82)"

# deterministic: the same run again gives the same packets and results
$WIRELAB run "$TOP/scenarios/tls_handshake.lua" -p sign=rsa -p cert_chain=795B --pcap p2 --quiet \
	--out t2.db > out2.txt || fail run
cmp -s p/client-eth0.pcap p2/client-eth0.pcap || fail "same seed, different packets"
dump() { sqlite3 "$1" "update runs set wall_s = 0, started_at = '';" ".dump" | grep -v '^PRAGMA'; }
dump t.db > d1.sql
dump t2.db > d2.sql
cmp -s d1.sql d2.sql || fail "same seed, different results"
echo "ok: the same run twice: identical packets and results"
