#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/hostile/hostile.sh - hostile and malformed packets against a pagec
# TUN server, end to end.
#
# Usage: hostile.sh PAGEC_TUN_BINARY SITE_DIR [SITE_C]
#
# SITE_C is the C file pagec generated for SITE_DIR and compiled into
# PAGEC_TUN_BINARY: hostile.py reads the grid of its large replies there
# (B, each one's index and length). Without it the site is taken to have
# none, and a site that has some fails the cases of its large replies.
#
# Creates a network namespace of its own with a TUN device, runs
# PAGEC_TUN_BINARY -v on it (192.0.2.1 is the kernel's side, 192.0.2.2 the
# server), and runs hostile.py inside the namespace: it writes every class
# of malformed IPv4, TCP, ICMP and HTTP input straight into the TUN device
# through an AF_PACKET socket and checks each answer (or its absence)
# against the RFCs; then curl must still fetch index.html byte for byte,
# and the server must exit with status 0 on SIGTERM.
#
# All traffic stays inside the namespace; nothing is added to the caller's
# network namespace. When iptables is there, one rule in the namespace
# drops the kernel's own RSTs to the server's replies to the client ports
# hostile.py uses (the kernel has no socket for those connections); they
# would be harmless (an RST is never answered), only noise in the log.
#
# Prints one line per case and at the end "N passed, M failed" (the
# cases of hostile.py and of this script together). Exit status: 0 all
# passed, 1 a case failed, 2 usage error, 77 a prerequisite is missing
# (root, /dev/net/tun, network namespaces, iproute2, curl, python3 with
# scapy).
#
# Environment:
#   HOSTILE_KEEP=1       keep the work directory (server log) and say where
#   HOSTILE_WAIT_MS=N    how long hostile.py waits for an answer (300)

set -u

PROG=${0##*/}
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
STOP_WAIT=30          # tenths of a second to wait for the server to exit
PY_TIMEOUT=240        # seconds hostile.py may take, at most
HERE=$(cd "$(dirname -- "$0")" && pwd)

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

# the site's generated C file, optional third argument: where B and the
# large replies are (see hostile.py)
SITE_C=
if [ $# -eq 3 ]; then
    SITE_C=$3
    set -- "$1" "$2"
    [ -f "$SITE_C" ] || { echo "$PROG: $SITE_C: no such file" >&2; exit 2; }
fi
check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
[ -f "$SITE/index.html" ] || skip "$SITE has no index.html"

# python3 with scapy: the one on PATH, else Debian's (python3-scapy
# installs for /usr/bin/python3 only)
PY=
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 &&
        "$py" -c 'import scapy.all' >/dev/null 2>&1; then
        PY=$(command -v "$py")
        break
    fi
done
[ -n "$PY" ] || skip "needs python3 with scapy (python3-scapy)"

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-hostile.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
LOG_TAIL=80

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    ns_teardown
    remove_work "${HOSTILE_KEEP:-0}"
}
trap_cleanup

ns_create hostile phst
# without the table of connections: the model (hostile.py) describes the
# large replies' rules without state
ns_start_server --stdbuf "$BIN" --dev "$TUN" --no-table -v
pass "pagec-tun runs on $TUN in namespace $NS"

# The kernel answers the server's replies to hostile.py's ports (20000 to
# 29999) with RSTs, having no socket for them: drop those, in our
# namespace only. Optional.
if command -v iptables >/dev/null 2>&1 &&
    nsexec iptables -A OUTPUT -p tcp -s "$CLIENT_ADDR" -d "$SERVER_ADDR" \
        --sport 20000:29999 --tcp-flags RST RST -j DROP 2>"$WORK/ipt.err"; then
    echo "# the kernel's RSTs from ports 20000-29999 are dropped (iptables)"
else
    echo "# no iptables rule: the kernel's RSTs to the server's replies" \
        "pass (harmless)"
fi

# --- the hostile cases -----------------------------------------------------

echo "# $PY $HERE/hostile.py, server pid $SERVER_PID"
nsexec timeout "$PY_TIMEOUT" "$PY" "$HERE/hostile.py" --dev "$TUN" \
    --site "$SITE" --server-pid "$SERVER_PID" ${SITE_C:+--site-c "$SITE_C"} \
    2>&1 | tee "$WORK/hostile.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 77 ] && skip "hostile.py: $(grep '^SKIP' "$WORK/hostile.out")"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$WORK/hostile.out" |
    tail -n 1)
if [ -n "$summary" ] && { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; }; then
    n=${summary%% *}
    m=${summary#*, }
    m=${m%% *}
    PASSED=$((PASSED + n))
    FAILED=$((FAILED + m))
else
    fail "hostile.py exit status $rc without its summary line"
fi

check_shutdown

finish
