#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/m3-linklocal.sh - pagec-m3-ll, the Cortex-M3 firmware
# that picks its own IPv4 link-local address (RFC 3927), found by its
# name on an emulated Ethernet link.
#
# Usage: m3-linklocal.sh M3_QEMU SITE_DIR
#
# M3_QEMU is tests/emulated/m3-qemu.sh (M3_FIRMWARE names the firmware,
# pagec-m3-ll.elf, answering to pagec-m3.local); SITE_DIR the site it
# serves. In a network namespace of its own the test makes a TAP device
# with 169.254.0.1/16 (a host on a link without DHCP, outside the range
# the device picks from), starts the firmware in QEMU on it, and:
#
#   - a Multicast DNS query for pagec-m3.local (tests/tools/mdns.py)
#     gets an address in 169.254.1.0 - 169.254.254.255 within 20 s, the
#     one the firmware's console says it claimed, and not sooner than the
#     probes allow (3 s);
#   - every file of the site comes back byte-exact (live fields filled)
#     from that address, and the kernel's neighbour entry for it then
#     holds the device's MAC;
#   - the firmware started again picks the same address (RFC 3927 2.1);
#   - started once more while the namespace's kernel holds that address
#     itself (the kernel answers the device's ARP probes for it), it
#     picks another, found by name again, and serves from it;
#   - QEMU exits with status 0 on SIGTERM.
#
# Exit status: 0 all passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, curl, python3).

set -u

PROG=${0##*/}
SERVER_NAME=pagec-m3-ll
CLIENT_ADDR=169.254.0.1
SERVER_ADDR=
NAME=pagec-m3
MAC=02:00:00:00:00:43
STOP_WAIT=30
FIND_MAX=20 # seconds for the name to answer

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/../e2e/common.sh" || exit 1

check_args M3_QEMU "$@"
QEMU_SH=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
TOOL=$(cd "$(dirname -- "$0")/../tools" && pwd)/mdns.py

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need python3
need cmp "(diffutils)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-m3ll.XXXXXX") || exit 1
LOG=$WORK/qemu.log
LOG_HEADING="last lines of the firmware's console ($LOG):"
LOG_TAIL=20
DEV_PID=
DEV_NAME=QEMU

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_dev
    ns_teardown
    remove_work "${M3LL_KEEP:-0}"
}
trap_cleanup

ns_create m3ll pll
# a TAP device that outlives each QEMU, with the host's own address
if ! { nsexec ip tuntap add dev "$TUN" mode tap &&
       nsexec ip addr add "$CLIENT_ADDR/16" dev "$TUN" &&
       nsexec ip link set "$TUN" up &&
       nsexec ip link set lo up; } 2>"$WORK/ip.err"; then
    fail "a TAP device $TUN with $CLIENT_ADDR/16: $(cat "$WORK/ip.err")"
    finish
fi

# boot: starts the firmware on the TAP device; finds it by name within
# FIND_MAX s into SERVER_ADDR (empty when not), with the seconds it took
# in FOUND_S.
boot() {
    local t0 t1
    : >"$LOG"
    ip netns exec "$NS" env M3_TAP=1 M3_MAC="$MAC" "$QEMU_SH" "$TUN" \
        >>"$LOG" 2>&1 &
    DEV_PID=$!
    t0=$(date +%s%N)
    SERVER_ADDR=$(nsexec python3 "$TOOL" --timeout "$FIND_MAX" "$CLIENT_ADDR" \
        "$NAME" 2>"$WORK/mdns.err")
    t1=$(date +%s%N)
    FOUND_S=$(((t1 - t0) / 1000000000))
    FOUND_MS=$(((t1 - t0) / 1000000))
}

# found WHAT: the checks of one boot: the name answered with an address
# of the range, the console's, and not before the probes could be sent.
found() {
    local claimed
    claimed=$(sed -n 's/^pagec-m3: address //p' "$LOG" | tail -n 1 | tr -d '\r')
    if [ -z "$SERVER_ADDR" ]; then
        fail "$1: no answer for $NAME.local in $FIND_MAX s"
        evidence <"$WORK/mdns.err"
        evidence <"$LOG"
        return 1
    fi
    case $SERVER_ADDR in
        169.254.0.* | 169.254.255.*)
            fail "$1: $NAME.local is $SERVER_ADDR, outside 169.254.1.0 - 169.254.254.255"
            return 1 ;;
        169.254.*) ;;
        *) fail "$1: $NAME.local is $SERVER_ADDR, not link-local"
           return 1 ;;
    esac
    if [ "$claimed" != "$SERVER_ADDR" ]; then
        fail "$1: $NAME.local is $SERVER_ADDR, the console says '$claimed'"
        return 1
    fi
    if [ "$FOUND_MS" -lt 3000 ]; then
        fail "$1: $NAME.local answered after $FOUND_MS ms, sooner than three probes 1 s apart allow"
        return 1
    fi
    pass "$1: $NAME.local is $SERVER_ADDR after $FOUND_S s (the console says $claimed)"
}

# serves: the neighbour entry, and every file of the site from SERVER_ADDR
# shellcheck disable=SC2317 # check_file is called through each_site_file
serves() {
    local neigh bad=0 n=0
    check_file() {
        local code
        n=$((n + 1))
        code=$(nsexec curl -sS --max-time 10 -o "$WORK/body" -w '%{http_code}' \
            "http://$SERVER_ADDR$1" 2>"$WORK/curl.err")
        if [ "$code" != 200 ] || ! same_page "$WORK/body" "$2"; then
            fail "GET http://$SERVER_ADDR$1: status '$code' ${SAME_WHY:-$(head -n 1 "$WORK/curl.err")}"
            bad=1
        fi
    }
    each_site_file check_file
    # the fetches made the kernel ask for the device's MAC
    neigh=$(nsexec ip neigh show "$SERVER_ADDR" dev "$TUN")
    case $neigh in
        *"lladdr $MAC "*) ;;
        *) fail "neighbour entry for $SERVER_ADDR: '$neigh' (want lladdr $MAC)"
           bad=1 ;;
    esac
    [ "$bad" = 0 ] && pass "$1: the neighbour entry holds $MAC; $n files byte-exact from $SERVER_ADDR"
}

# stop: QEMU exits with status 0 on SIGTERM
stop() {
    stop_dev
    if [ "$DEV_RC" -eq 0 ]; then
        pass "$1: QEMU exits with status 0 on SIGTERM"
    else
        fail "$1: QEMU exit status $DEV_RC on SIGTERM (want 0)"
    fi
}

boot
found "first start" && serves "first start"
first=$SERVER_ADDR
stop "first start"

boot
if found "second start" && [ "$SERVER_ADDR" = "$first" ]; then
    pass "second start: the same address, $first"
elif [ -n "$SERVER_ADDR" ]; then
    fail "second start: $SERVER_ADDR, not the first start's $first"
fi
stop "second start"

if [ -n "$first" ]; then
    # the host takes the device's address: its kernel answers the probes
    nsexec ip addr add "$first/16" dev "$TUN"
    nsexec ip neigh flush dev "$TUN"
    boot
    if found "third start, $first held by the host" &&
        [ "$SERVER_ADDR" != "$first" ]; then
        pass "third start: another address, $SERVER_ADDR, for $first is the host's"
        serves "third start"
    elif [ -n "$SERVER_ADDR" ]; then
        fail "third start: $SERVER_ADDR, the host's own address"
    fi
    stop "third start"
fi
finish
