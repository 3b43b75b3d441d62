#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/large/run.sh - fetches a 64 KiB page from the stateless prototype
# (bench/large/stateless.py), or from the C runtime (--server), on a TUN
# device in a namespace of our own, with real clients, and prints what it
# measured.
#
# usage: run.sh [options]
#   --server PATH  the C runtime instead of the prototype: PATH is a
#                  pagec-tun built from the site of tests/e2e/large_site.c
#                  (the build's pagec-tun-large, in build/tests), or with
#                  --loss a pagec-impair built from it (pagec-impair-large,
#                  in build/tests/impair); it serves /big.bin
#   --site DIR     that site's folder (default: large_site beside PATH, or
#                  beside its folder): big.bin and check.html
#   --client curl|wget|urllib|chromium   the client (default curl)
#   --n N          fetches (default 10, at most 1000)
#   --loss P       drop probability on the server's receive and on its send
#                  path, a seeded RNG (default 0)
#   --seed N       the RNG's seed (default 1)
#   --ts 0|1       net.ipv4.tcp_timestamps in the client's namespace
#   --sack 0|1     net.ipv4.tcp_sack in the client's namespace
#   --mtu M        the TUN device's MTU: 576 gives MSS 536, 1500 MSS 1460
#   --b B          the boundary modulus (default 64)
#   --kernel       also time the same fetches from python3 -m http.server
#                  over a veth pair (MTU 1500) between two namespaces
#   --keep         keep the work directory
#
# Prints one summary line: fetches byte-exact, bytes sent per fetch over
# the reply's size, request retransmissions (pokes), the longest stall,
# the fetch times. The prototype counts them itself; for the C runtime
# they are counted on the device by tests/tools/wire.py (what reached the
# client: with --loss, pagec-impair's own count of the bytes it sent,
# before the link's losses, is printed too). Without loss every poke is
# spurious: nothing was lost.

set -u
PROG=${0##*/}
HERE=$(cd "$(dirname -- "$0")" && pwd)
SERVER_NAME=stateless.py
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
STOP_WAIT=30
CLIENT=curl N=10 LOSS=0 SEED=1 TS=1 SACK=1 MTU=1500 B=64 KERNEL=0 KEEP=0
SERVER='' SITE_DIR=''
while [ $# -gt 0 ]; do
    case $1 in
        --server) SERVER=$2; shift ;;
        --site) SITE_DIR=$2; shift ;;
        --client) CLIENT=$2; shift ;;
        --n) N=$2; shift ;;
        --loss) LOSS=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --ts) TS=$2; shift ;;
        --sack) SACK=$2; shift ;;
        --mtu) MTU=$2; shift ;;
        --b) B=$2; shift ;;
        --kernel) KERNEL=1 ;;
        --keep) KEEP=1 ;;
        *) echo "usage: $PROG [--server PATH [--site DIR]] [--client C] [--n N] [--loss P] [--seed N] [--ts 0|1] [--sack 0|1] [--mtu M] [--b B] [--kernel] [--keep]" >&2; exit 2 ;;
    esac
    shift
done
[ "$N" -ge 1 ] && [ "$N" -le 1000 ] || { echo "$PROG: --n between 1 and 1000" >&2; exit 2; }
if [ -n "$SERVER" ]; then
    [ -x "$SERVER" ] || { echo "$PROG: --server $SERVER: not an executable" >&2; exit 2; }
    SERVER=$(cd "$(dirname -- "$SERVER")" && pwd)/$(basename -- "$SERVER")
    if [ -z "$SITE_DIR" ]; then
        for d in "$(dirname -- "$SERVER")/large_site" "$(dirname -- "$SERVER")/../large_site"; do
            [ -d "$d" ] && SITE_DIR=$d && break
        done
    fi
    [ -f "$SITE_DIR/big.bin" ] && [ -f "$SITE_DIR/check.html" ] ||
        { echo "$PROG: no big.bin and check.html in '$SITE_DIR' (--site)" >&2; exit 2; }
    SITE_DIR=$(cd "$SITE_DIR" && pwd)
    IMPAIR=0
    "$SERVER" --help 2>&1 | grep -q -- '--loss' && IMPAIR=1
    if [ "$LOSS" != 0 ] && [ "$IMPAIR" = 0 ]; then
        echo "$PROG: --loss needs a pagec-impair as --server" >&2
        exit 2
    fi
    SERVER_NAME=${SERVER##*/}
fi

# shellcheck source=tests/e2e/common.sh
. "$HERE/../../tests/e2e/common.sh" || exit 1
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need python3
need ip "(iproute2)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-large.XXXXXX") || exit 1
LOG=$WORK/server.log
LOG_HEADING="last lines of the server's log:"
LOG_TAIL=30
NS2=
NS2_PID=

cleanup() {
    trap - EXIT INT TERM
    [ -n "${WIRE_PID:-}" ] && kill -s TERM "$WIRE_PID" 2>/dev/null
    ns_teardown
    if [ -n "$NS2" ]; then
        for pid in $(ip netns pids "$NS2" 2>/dev/null); do
            kill -s KILL "$pid" 2>/dev/null
        done
        ip netns del "$NS2" 2>/dev/null
        ip netns del "$NS2-c" 2>/dev/null
    fi
    remove_work "$KEEP"
}
trap_cleanup

mkdir "$WORK/pages"
if [ -n "$SERVER" ]; then
    cp "$SITE_DIR/big.bin" "$WORK/pages/big"
else
    python3 -c 'import random,sys; r=random.Random(64); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(65536)))' >"$WORK/pages/big"
fi
python3 -c 'import random,sys; r=random.Random(20); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(20000)))' >"$WORK/pages/mid"
if [ -z "$SERVER" ]; then
    REPLY_LEN=$(python3 -c "
import sys; sys.path.insert(0, '$HERE'); import stateless
print(len(stateless.make_reply(1, open('$WORK/pages/big','rb').read(), $B).data))")
fi

WIRE_PID=
# launch: the prototype or the C server on a fresh TUN device, the
# client's sysctls, the MTU; for the C server, wire.py on the device.
launch() {
    ns_create large plg
    nsexec sysctl -q -w net.ipv4.tcp_timestamps="$TS" net.ipv4.tcp_sack="$SACK"
    if [ -n "$SERVER" ]; then
        local extra=() i
        [ "$IMPAIR" = 1 ] && extra=(--seed "$SEED" --loss "$(python3 -c "print($LOSS * 100)")")
        ns_start_server "$SERVER" --dev "$TUN" "${extra[@]}" ${TRACE:+-v}
        nsexec ip link set "$TUN" mtu "$MTU"
        nsexec python3 "$HERE/../../tests/tools/wire.py" "$TUN" "$SERVER_ADDR" \
            "$WORK/wire.json" 3600 ${TRACE:+"$WORK/wire.trace"} >"$WORK/wire.ready" 2>&1 &
        WIRE_PID=$!
        for ((i = 0; i < 50; i++)); do
            grep -q ready "$WORK/wire.ready" && break
            sleep 0.1
        done
    else
        ns_start_server python3 "$HERE/stateless.py" --dev "$TUN" --addr "$SERVER_ADDR" \
            --pages "$WORK/pages" --loss "$LOSS" --seed "$SEED" --stats "$WORK/stats.json" --b "$B" ${TRACE:+--trace} ${K:+--k $K} ${NOSACKW:+--nosack-w}
        nsexec ip link set "$TUN" mtu "$MTU"
    fi
}
launch

URL=http://$SERVER_ADDR/big
[ -n "$SERVER" ] && URL=http://$SERVER_ADDR/big.bin
# fetch I: the page into WORK/body.I, its time in seconds on stdout
fetch_one() {
    local out=$WORK/body.$1 t0 t1
    t0=$(date +%s%N)
    case $CLIENT in
        curl) nsexec curl -s --max-time 60 -o "$out" "$URL" ;;
        wget) nsexec wget -q -T 60 -t 1 -O "$out" "$URL" ;;
        urllib) nsexec python3 -c "import urllib.request,sys; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=60).read())" "$URL" >"$out" ;;
        chromium) nsexec timeout 30 chromium --headless --no-sandbox --disable-gpu \
            --user-data-dir="$WORK/chr" --no-first-run --disable-extensions \
            --disable-background-networking --proxy-server='direct://' \
            --virtual-time-budget=3000 --dump-dom "http://$SERVER_ADDR/$PAGE" >"$out" 2>/dev/null ;;
    esac
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
}

PAGE=page.html
if [ "$CLIENT" = chromium ] && [ -n "$SERVER" ]; then
    # check.html (tests/e2e/large_site.c) fetches /big.bin and
    # /settings.html and writes their bytes in hexadecimal
    PAGE=check.html
    python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); print("status=200 len=%d hex=%s" % (len(d), d.hex()))' \
        "$SITE_DIR/big.bin" >"$WORK/want"
elif [ "$CLIENT" = chromium ]; then
    # the browser fetches the 64 KiB page from a script of a small page and
    # writes its length and its FNV-1a hash into the document (crypto.subtle
    # needs a secure context)
    python3 - "$WORK/pages" <<'EOF'
import sys, hashlib
d = sys.argv[1]
big = open(d + "/big", "rb").read()
open(d + "/page.html", "w").write("""<html><body><pre id=r>wait</pre><script>
fetch('/big').then(r => r.arrayBuffer()).then(b => {
 let h = 0x811c9dc5; const u = new Uint8Array(b);
 for (let i = 0; i < u.length; i++) { h ^= u[i]; h = Math.imul(h, 0x01000193) >>> 0; }
 document.getElementById('r').textContent = 'len=' + u.length + ' fnv=' + h.toString(16);
});</script></body></html>""")
h = 0x811c9dc5
for x in big:
    h = ((h ^ x) * 0x01000193) & 0xFFFFFFFF
print("len=%d fnv=%x" % (len(big), h), file=open(d + "/../want", "w"))
EOF
    # the server needs restarting to know page.html: it reads the pages once
    stop_server TERM
    ns_teardown
    launch
fi

ok=0
: >"$WORK/times"
for ((i = 1; i <= N; i++)); do
    us=$(fetch_one "$i")
    echo "$us" >>"$WORK/times"
    if [ "$CLIENT" = chromium ]; then
        grep -qF -f "$WORK/want" "$WORK/body.$i" && ok=$((ok + 1))
    elif cmp -s "$WORK/body.$i" "$WORK/pages/big"; then
        ok=$((ok + 1))
    fi
    rm -f "$WORK/body.$i"
done
if [ -n "$SERVER" ]; then
    # the client's sockets close once all their bytes are acknowledged
    for ((i = 0; i < 100; i++)); do
        [ "$(nsexec ss -Htan dst "$SERVER_ADDR" | awk '$1 != "TIME-WAIT"' | wc -l)" -eq 0 ] && break
        sleep 0.1
    done
    STOP_WAIT=50 stop_process "$WIRE_PID" wire.py
    WIRE_PID=
    stop_server TERM
    python3 - "$WORK/wire.json" "$WORK/times" "$ok" "$N" "$CLIENT" "$LOSS" "$TS" "$SACK" "$MTU" "$LOG" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
times = sorted(int(x) / 1000 for x in open(sys.argv[2]))
ok, n = int(sys.argv[3]), int(sys.argv[4])
client, loss, ts, sack, mtu = sys.argv[5:10]
conns = [c for c in w["conns"] if c["request"] and
         c["request"].startswith("GET /big.bin ") and c["reply_len"] > 65536]
reply_len = max((c["reply_len"] for c in conns), default=0)
byt = [c["srv_bytes"] for c in conns]
impair = ""
for line in open(sys.argv[10]):
    f = line.split()
    if f[:2] == ["impair:", "out"] and "bytes" in f and conns:
        impair = "; sent before the link's losses %.3fx" % (
            int(f[f.index("bytes") + 1]) / len(conns) / reply_len)
print("client=%s server=C loss=%s ts=%s sack=%s mtu=%s: %d/%d byte-exact; "
      "server bytes/fetch %.3fx the reply (%d bytes, max %.3fx)%s; segments/fetch %.1f, "
      "repeated %d; pokes %d; longest stall %d ms; "
      "fetch ms median %.1f max %.1f; conns %d%s"
      % (client, loss, ts, sack, mtu, ok, n,
         sum(byt) / max(len(byt), 1) / max(reply_len, 1), reply_len,
         max(byt, default=0) / max(reply_len, 1), impair,
         sum(c["srv_data_segments"] for c in conns) / max(len(conns), 1),
         sum(c["srv_repeated"] for c in conns),
         sum(c["pokes"] for c in conns),
         max((c["stall_ms"] for c in conns), default=0),
         times[len(times) // 2], times[-1], len(conns),
         "; wire.py missed %d packets" % w["drops"] if w["drops"] else ""))
EOF
else
stop_server TERM

python3 - "$WORK/stats.json" "$WORK/times" "$REPLY_LEN" "$ok" "$N" "$CLIENT" "$LOSS" "$TS" "$SACK" "$MTU" "$B" <<'EOF'
import json, sys
st = json.load(open(sys.argv[1]))
times = sorted(int(x) / 1000 for x in open(sys.argv[2]))
reply_len, ok, n = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
client, loss, ts, sack, mtu, b = sys.argv[6:12]
conns = [c for c in st["conns"].values() if c["reply_len"] >= 65536]
byt = [c["bytes"] for c in conns]
pokes = sum(c["pokes"] for c in conns)
spur = sum(c["pokes_spurious"] for c in conns)
stall = max((c["stall_ms"] for c in conns), default=0)
rep = sum(c["repeated_segments"] for c in conns)
segs = sum(c["segments"] for c in conns)
print("client=%s loss=%s ts=%s sack=%s mtu=%s B=%s: %d/%d byte-exact; "
      "server bytes/fetch %.3fx the reply (%d bytes, max %.3fx); segments/fetch %.1f, "
      "repeated %d; pokes %d (%d fresh); longest stall %d ms; "
      "fetch ms median %.1f max %.1f; conns %d"
      % (client, loss, ts, sack, mtu, b, ok, n,
         sum(byt) / max(len(byt), 1) / reply_len, reply_len,
         max(byt, default=0) / reply_len, segs / max(len(conns), 1), rep,
         pokes, spur, stall, times[len(times) // 2], times[-1], len(conns)))
EOF
fi

if [ "$KERNEL" = 1 ]; then
    # the kernel's TCP: python3 -m http.server in one namespace, the client
    # in another, a veth pair with MTU 1500 between them
    NS2=pagec-large-k-$$
    ip netns add "$NS2" && ip netns add "$NS2-c" || exit 1
    ip link add "vk$$" netns "$NS2" type veth peer name "vc$$" netns "$NS2-c"
    ip -n "$NS2" addr add 198.51.100.2/24 dev "vk$$"
    ip -n "$NS2-c" addr add 198.51.100.1/24 dev "vc$$"
    ip -n "$NS2" link set "vk$$" up mtu 1500
    ip -n "$NS2-c" link set "vc$$" up mtu 1500
    ip -n "$NS2" link set lo up
    ip netns exec "$NS2-c" sysctl -q -w net.ipv4.tcp_timestamps="$TS" net.ipv4.tcp_sack="$SACK"
    (cd "$WORK/pages" && exec ip netns exec "$NS2" python3 -m http.server -b 198.51.100.2 8000 >"$WORK/http.log" 2>&1) &
    NS2_PID=$!
    for ((i = 0; i < 50; i++)); do
        ip netns exec "$NS2-c" curl -s -o /dev/null --max-time 1 http://198.51.100.2:8000/mid && break
        sleep 0.1
    done
    : >"$WORK/ktimes"
    kok=0
    for ((i = 1; i <= N; i++)); do
        t0=$(date +%s%N)
        case $CLIENT in
            wget) ip netns exec "$NS2-c" wget -q -T 60 -t 1 -O "$WORK/k" http://198.51.100.2:8000/big ;;
            urllib) ip netns exec "$NS2-c" python3 -c "import urllib.request,sys; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1], timeout=60).read())" http://198.51.100.2:8000/big >"$WORK/k" ;;
            *) ip netns exec "$NS2-c" curl -s --max-time 60 -o "$WORK/k" http://198.51.100.2:8000/big ;;
        esac
        t1=$(date +%s%N)
        cmp -s "$WORK/k" "$WORK/pages/big" && kok=$((kok + 1))
        echo $(((t1 - t0) / 1000)) >>"$WORK/ktimes"
    done
    kill "$NS2_PID" 2>/dev/null
    wait "$NS2_PID" 2>/dev/null
    python3 - "$WORK/ktimes" "$WORK/times" "$kok" "$N" <<'EOF'
import sys
k = sorted(int(x) / 1000 for x in open(sys.argv[1]))
s = sorted(int(x) / 1000 for x in open(sys.argv[2]))
print("kernel TCP over veth (python3 -m http.server): %s/%s byte-exact; fetch ms median %.1f; "
      "stateless/kernel median %.2fx" % (sys.argv[3], sys.argv[4], k[len(k) // 2],
                                          s[len(s) // 2] / k[len(k) // 2]))
EOF
fi
