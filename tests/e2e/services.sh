#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/e2e/services.sh - the small services of pagec-tun (PAGEC_SERVICES)
# from the kernel's TCP and UDP in a network namespace: daytime, echo and
# discard (RFC 867, 862, 863), and pagec-tun's own service on port 7007
# (a line back reversed; struct pagec_service), fetched with socat.
#
# Usage: tests/e2e/services.sh PAGEC_TUN_BINARY SITE_DIR
#
# Needs root, /dev/net/tun, ip and socat; skips otherwise (a failure in
# CI). Exits 0 when every check passed, 1 otherwise.

PROG=${0##*/}
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
STOP_WAIT=30

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need socat

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-services.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    ns_teardown
    remove_work "${E2E_KEEP:-0}"
}
trap_cleanup

ns_create services psvc
ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
pass "pagec-tun runs on $TUN in namespace $NS"

# daytime PROTO: its line, which must look like the local time pagec-tun
# gives ("%a %b %d %H:%M:%S %Y" and CRLF) and be within a minute of ours.
daytime() {
    local out when now
    out=$(nsexec timeout 10 socat -T 3 -u "$1:$SERVER_ADDR:13$2" - </dev/null 2>"$WORK/socat.err")
    if ! printf '%s' "$out" | grep -Eq $'^[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\r$'; then
        fail "daytime over $1: a line of the local time"
        { printf '%s' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
        return
    fi
    when=$(date -d "${out%$'\r'}" +%s 2>/dev/null) || when=0
    now=$(date +%s)
    if [ $((now - when)) -lt 60 ] && [ $((when - now)) -lt 60 ]; then
        pass "daytime over $1: ${out%$'\r'}"
    else
        fail "daytime over $1: ${out%$'\r'} is not now"
    fi
}
daytime TCP ""
# UDP: socat sends a datagram (a line), the reply is the text
daytime_udp() {
    local out
    out=$(printf 'x\n' | nsexec timeout 10 socat -T 2 - "UDP:$SERVER_ADDR:13,sourceport=40013" 2>"$WORK/socat.err")
    if printf '%s' "$out" | grep -Eq $'^[A-Z][a-z]{2} [A-Z][a-z]{2} [0-9]{2} [0-9:]{8} [0-9]{4}\r$'; then
        pass "daytime over UDP: ${out%$'\r'}"
    else
        fail "daytime over UDP: a line of the local time"
        { printf '%s' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
    fi
}
daytime_udp

# echo over TCP: two lines in one connection, written apart, come back in
# order; then a block of 6000 bytes (many segments, some sent before the
# echo of the ones before came, which the client sends again after its
# retransmission timeout) comes back whole
out=$( { printf 'first line\n'; sleep 0.3; printf 'second line\n'; sleep 0.5; } |
    nsexec timeout 10 socat -T 2 - "TCP:$SERVER_ADDR:7" 2>"$WORK/socat.err")
if [ "$out" = $'first line\nsecond line' ]; then
    pass "echo over TCP: two lines back in order"
else
    fail "echo over TCP: two lines back in order"
    { printf '%s\n' "$out"; cat "$WORK/socat.err"; } | evidence
fi
head -c 4000 /dev/urandom | od -An -tx1 | tr -d ' \n' | head -c 6000 >"$WORK/block"
nsexec timeout 60 socat -t 40 -T 40 - "TCP:$SERVER_ADDR:7" <"$WORK/block" >"$WORK/block.echo" 2>"$WORK/socat.err"
if cmp -s "$WORK/block" "$WORK/block.echo"; then
    pass "echo over TCP: 6000 bytes back whole"
else
    fail "echo over TCP: 6000 bytes back whole (got $(wc -c <"$WORK/block.echo"))"
    evidence <"$WORK/socat.err"
fi

# echo over UDP
out=$(printf 'a datagram\n' | nsexec timeout 10 socat -T 2 - "UDP:$SERVER_ADDR:7,sourceport=40007" 2>"$WORK/socat.err")
if [ "$out" = "a datagram" ]; then
    pass "echo over UDP: the datagram back"
else
    fail "echo over UDP: the datagram back"
    { printf '%s\n' "$out"; cat "$WORK/socat.err"; } | evidence
fi
# from a port below 1024: nothing
out=$(printf 'x\n' | nsexec timeout 10 socat -T 1 - "UDP:$SERVER_ADDR:7,sourceport=1000" 2>/dev/null)
if [ -z "$out" ]; then
    pass "echo over UDP: nothing for a source port below 1024"
else
    fail "echo over UDP: an answer to a source port below 1024"
fi

# discard over TCP: 20000 bytes accepted, nothing back, a clean close
if head -c 20000 /dev/zero | nsexec timeout 20 socat -T 3 - "TCP:$SERVER_ADDR:9" >"$WORK/discard.out" 2>"$WORK/socat.err" &&
    [ ! -s "$WORK/discard.out" ]; then
    pass "discard over TCP: 20000 bytes taken, nothing back"
else
    fail "discard over TCP: 20000 bytes taken, nothing back"
    evidence <"$WORK/socat.err"
fi

# pagec-tun's own service, port 7007: a line back reversed (its line end
# kept), on TCP and on UDP; what is reversed is checked with rev(1)
need rev "(util-linux)"
reverse() { # PROTO LINE OPTIONS: the reply to LINE and a newline
    printf '%s\n' "$2" | nsexec timeout 10 socat -T 3 - "$1:$SERVER_ADDR:7007$3" 2>"$WORK/socat.err"
}
line='hello, pagec: a line to turn'
want=$(printf '%s\n' "$line" | rev)
out=$(reverse TCP "$line")
if [ "$out" = "$want" ] && [ "$want" = 'nrut ot enil a :cegap ,olleh' ]; then
    pass "own service over TCP: the line reversed"
else
    fail "own service over TCP: the line reversed"
    { printf '%s\n' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
fi
out=$(reverse UDP "$line" ",sourceport=40070")
if [ "$out" = "$want" ]; then
    pass "own service over UDP: the line reversed"
else
    fail "own service over UDP: the line reversed"
    { printf '%s\n' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
fi
# a line longer than PAGEC_SERVICE_MAX (32 by default): its first 32
# bytes reversed, without a line end
long=0123456789abcdefghijklmnopqrstuvwxyzABCDEF
want=$(printf '%s\n' "${long:0:32}" | rev)
out=$(reverse TCP "$long")
if [ "$out" = "$want" ]; then
    pass "own service over TCP: a line of ${#long} bytes, its first 32 reversed"
else
    fail "own service over TCP: a line of ${#long} bytes, its first 32 reversed"
    { printf '%s\n' "$out" | od -c | head -n 5; cat "$WORK/socat.err"; } | evidence
fi
out=$(reverse UDP "x" ",sourceport=1000")
if [ -z "$out" ]; then
    pass "own service over UDP: nothing for a source port below 1024"
else
    fail "own service over UDP: an answer to a source port below 1024"
fi

check_shutdown
finish
