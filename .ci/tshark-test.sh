#!/usr/bin/env bash
# tshark-test: open the pcap of a catalog experiment with Debian's tshark and
# check that (1) no packet is malformed, (2) every IPv4 and TCP checksum is
# good, and (3) tshark's own counts of SYNs, RSTs, FINs and retransmissions
# equal tcpsim's, from the summary line `tcpsim trace` prints:
#   # captured N packets: S=.. R=.. F=.. retransmissions=..
#
# The run: half-open.yaml (a server crash under 50 connections: SYNs, FINs,
# and the RSTs that reveal half-open connections) with 5 % loss from client
# to server, captured at the client. tshark finds retransmissions by
# heuristics (a segment whose sequence space it saw before), tcpsim knows
# them: the two agree when every original is in the capture. At the client
# it is: the client's originals leave through the capture point before they
# can be lost, and the server's replies are never lost (loss is one way
# only), so no original of a retransmission is missing. With link
# duplication (old-duplicate-syn.yaml) tshark would also flag the network's
# copies, which are not retransmissions.
#
# Usage: .ci/tshark-test.sh   (from anywhere; needs root or sudo for apt)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tshark >/dev/null; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	# wireshark-common asks whether non-root users may capture; answer no.
	echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
	# A fresh machine may have no package lists yet.
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q tshark >/dev/null 2>&1 ||
		{ $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q tshark >/dev/null; }
fi
echo "tshark-test: $(tshark -v 2>/dev/null | head -1)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/tcpsim" ./cmd/tcpsim

pcap="$work/half-open.pcap"
summary=$("$work/tcpsim" trace experiments/catalog/half-open.yaml --run 0 --host client \
	--set 'links[0].forward.loss=5%' --quiet --pcap "$pcap" --transitions "$work/transitions.csv" 2>/dev/null)
echo "tshark-test: tcpsim: $summary"

# count FILTER: how many packets tshark's display filter selects.
count() {
	tshark -r "$pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y "$1" 2>/dev/null | wc -l
}
# want NAME GOT WANT
fail=0
want() {
	if [ "$2" -ne "$3" ]; then
		echo "tshark-test: FAIL: $1: tshark $2, want $3" >&2
		fail=1
	else
		echo "tshark-test: ok: $1 = $2"
	fi
}
field() { sed -n "s/.*[ :]$1=\([0-9]*\).*/\1/p" <<<"$summary"; }
packets=$(sed -n 's/^# captured \([0-9]*\) packets.*/\1/p' <<<"$summary")
[ -n "$packets" ] && [ "$packets" -gt 0 ] || { echo "tshark-test: FAIL: no summary line from tcpsim trace" >&2; exit 1; }
[ "$(field retransmissions)" -gt 0 ] && [ "$(field R)" -gt 0 ] ||
	{ echo "tshark-test: FAIL: the run has no RSTs or no retransmissions; the test would prove little" >&2; exit 1; }

want "packets" "$(count 'frame')" "$packets"
want "malformed packets" "$(count '_ws.malformed || _ws.expert.severity == error')" 0
# Checksum status: 0 bad, 1 good, 2 unverified.
want "good IPv4 checksums" "$(count 'ip.checksum.status == 1')" "$packets"
want "good TCP checksums" "$(count 'tcp.checksum.status == 1')" "$packets"
want "SYNs" "$(count 'tcp.flags.syn == 1')" "$(field S)"
want "RSTs" "$(count 'tcp.flags.reset == 1')" "$(field R)"
want "FINs" "$(count 'tcp.flags.fin == 1')" "$(field F)"
want "retransmissions" "$(count 'tcp.analysis.retransmission || tcp.analysis.fast_retransmission || tcp.analysis.spurious_retransmission')" "$(field retransmissions)"
exit $fail
