#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/e2e/large.sh - large replies (docs/large-pages.md) fetched by real
# clients from pagec-tun.
#
# Usage: large.sh PAGEC_TUN_BINARY SITE_DIR
#
# SITE_DIR is the site tests/e2e/large_site.c writes (big.bin, 65536
# random bytes; settings.html, about 6 KB of HTML whose gzip form is still
# longer than one segment; check.html, a page whose script fetches both
# and writes their lengths and bytes in hexadecimal into the document),
# and PAGEC_TUN_BINARY a pagec-tun built from it. Creates a network
# namespace of its own with a TUN device, runs PAGEC_TUN_BINARY -v on it
# (192.0.2.1 is the kernel's side, the client; 192.0.2.2 the server) and,
# with the device's MTU 1500 (MSS 1460) and 576 (MSS 536), and with the
# namespace's net.ipv4.tcp_timestamps and net.ipv4.tcp_sack each 1 and 0
# (eight configurations), fetches:
#
#   - /big.bin with curl, wget and Python's urllib: status 200 and the
#     very bytes of the file (cmp);
#   - /settings.html with curl asking for identity: the file's bytes; and
#     asking for gzip (stored as it came): "Content-Encoding: gzip", and
#     gunzip gives the file's bytes;
#   - check.html with headless Chromium (--dump-dom): the document must
#     show status 200, the length and every byte of big.bin and of
#     settings.html (which Chromium asks for with gzip);
#   - at the first configuration of each MTU: HEAD /big.bin (200,
#     Content-Length 65536, the GET's ETag, no body), and GET /big.bin and
#     /settings.html (gzip) with If-None-Match: their ETag (304, no body).
#
# What went over the device is recorded by tests/tools/wire.py (a packet
# socket, independent of the server) for each configuration; every
# connection must show: the client's SYN with the MSS, timestamps and
# SACK-permitted of the configuration, the server's SYN-ACK offering
# timestamps and SACK exactly when the SYN did and no window scale, the
# timestamps option in every later segment of the server when both
# offered it (RFC 7323 3.2), no segment from the server with more data
# than the client's MSS, no RST from the server, none from the client
# but to the ACK of a FIN it sent twice (as with any TCP: it closed on
# the first ACK), and every reply of more than one segment sent whole
# and its FIN acknowledged. The bytes the server sent for each fetch of
# big.bin, the client's request retransmissions and the longest stall are
# printed (not checked: bench/large/run.sh measures them).
#
# All traffic stays inside the namespace. Every client run is bounded by
# timeout(1) (FETCH_MAX_TIME seconds).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# wget, python3, gzip, chromium); in CI (CI=true) a missing prerequisite
# is a failure (tests/skip.sh).
#
# Environment:
#   LARGE_KEEP=1        keep the work directory (server log, wire records,
#                       bodies) and print its path
#   LARGE_MTUS="M..."   the MTUs (default "1500 576")
#   LARGE_CONFIGS="TS,SACK ..."  the client settings (default
#                       "1,1 1,0 0,1 0,0")

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
FETCH_MAX_TIME=30      # seconds for one client run, connection included
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30           # tenths of a second to wait for the server to exit
BIG_LEN=65536

HERE=$(cd "$(dirname -- "$0")" && pwd)
WIRE=$HERE/../tools/wire.py
# shellcheck source=tests/e2e/common.sh
. "$HERE/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
for f in big.bin settings.html check.html; do
    [ -f "$SITE/$f" ] || { echo "$PROG: $SITE has no $f (tests/e2e/large_site.c writes it)" >&2; exit 2; }
done
if [ "$(wc -c <"$SITE/big.bin")" -ne "$BIG_LEN" ]; then
    echo "$PROG: $SITE/big.bin is not $BIG_LEN bytes" >&2
    exit 2
fi
MTUS=${LARGE_MTUS:-1500 576}
CONFIGS=${LARGE_CONFIGS:-1,1 1,0 0,1 0,0}

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need wget
need python3
need gzip
need cmp "(diffutils)"
need timeout "(coreutils)"
need chromium

# --- set-up and clean-up -----------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-large.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=40
WIRE_PID=

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    [ -n "$WIRE_PID" ] && kill -s TERM "$WIRE_PID" 2>/dev/null
    ns_teardown
    remove_work "${LARGE_KEEP:-0}"
}
trap_cleanup

ns_create large plg
ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
pass "pagec-tun runs on $TUN in namespace $NS"

# --- helpers -------------------------------------------------------------------

# client NAME OUTFILE COMMAND...: runs COMMAND in the namespace, bounded;
# sets RC, and TIMED_OUT when it was killed.
client() {
    local name=$1 out=$2
    shift 2
    RC=0
    timeout -k 5 "$FETCH_MAX_TIME" ip netns exec "$NS" "$@" >"$out" \
        2>"$WORK/$name.err" || RC=$?
    TIMED_OUT=""
    [ "$RC" -eq 124 ] && TIMED_OUT=" (killed after $FETCH_MAX_TIME s)"
}

# curl_get NAME URLPATH BODY CURL-ARGS...: sets RC, CODE and SIZE; the
# reply's header in WORK/NAME.hdr.
curl_get() {
    local name=$1 url=$2 body=$3 out
    shift 3
    client "$name" "$WORK/$name.w" curl -sS "$@" --max-time "$FETCH_MAX_TIME" \
        -o "$body" -D "$WORK/$name.hdr" -w '%{http_code} %{size_download}' \
        "http://$SERVER_ADDR$url"
    out=$(cat "$WORK/$name.w")
    CODE=${out%% *}
    SIZE=${out#* }
}

# header NAME FIELD: the value of FIELD in WORK/NAME.hdr.
header() {
    tr -d '\r' <"$WORK/$1.hdr" | sed -n "s/^$2: //Ip" | head -n 1
}

# same WHAT BODY FILE: pass when BODY has the bytes of FILE.
same() {
    if cmp -s "$2" "$3"; then
        pass "$1: the $(wc -c <"$3") bytes of ${3##*/}"
    else
        fail "$1: $(wc -c <"$2" 2>/dev/null || echo no) bytes, not those of ${3##*/} ($(cmp "$2" "$3" 2>&1 | head -n 1))"
    fi
}

wire_start() {
    WIRE_OUT=$1
    : >"$WORK/wire.ready"
    ip netns exec "$NS" python3 "$WIRE" "$TUN" "$SERVER_ADDR" "$WIRE_OUT" 600 \
        "${WIRE_OUT%.json}.trace" >"$WORK/wire.ready" 2>"$WORK/wire.err" &
    WIRE_PID=$!
    local i
    for ((i = 0; i < 50; i++)); do
        grep -q ready "$WORK/wire.ready" && return 0
        kill -0 "$WIRE_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "wire.py did not start: $(head -n 3 "$WORK/wire.err")"
    finish
}

wire_stop() {
    STOP_WAIT=50 stop_process "$WIRE_PID" wire.py
    WIRE_PID=
    if [ "$STOP_RC" -ne 0 ] || [ ! -s "$WIRE_OUT" ]; then
        fail "wire.py exit status $STOP_RC: $(head -n 3 "$WORK/wire.err")"
        return 1
    fi
}

# wire_check MSS TS SACK: the checks on the connections of WIRE_OUT.
wire_check() {
    python3 - "$WIRE_OUT" "$1" "$2" "$3" "$BIG_LEN" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
mss, ts, sack, big = (int(x) for x in sys.argv[2:6])
conns = w["conns"]
bad = []
for c in conns:
    who = "port %d (%s)" % (c["port"], c["request"])
    if c["syn_mss"] != mss or c["syn_ts"] != ts or c["syn_sack"] != sack:
        bad.append("%s: the client's SYN has MSS %s, timestamps %d, SACK %d"
                   % (who, c["syn_mss"], c["syn_ts"], c["syn_sack"]))
    if c["srv_datagrams"] and (c["synack_ts"] != c["syn_ts"] or
                               c["synack_sack"] != c["syn_sack"] or
                               c["synack_wscale"] is not None):
        bad.append("%s: the SYN-ACK offers timestamps %d, SACK %d, window "
                   "scale %s" % (who, c["synack_ts"], c["synack_sack"],
                                 c["synack_wscale"]))
    if c["srv_max_data"] > mss:
        bad.append("%s: a segment of %d bytes of data, over the MSS %d"
                   % (who, c["srv_max_data"], mss))
    if c["srv_rst"]:
        bad.append("%s: %d RSTs from the server" % (who, c["srv_rst"]))
    # a connection whose reply went in several segments (a large reply):
    # every segment of ours carries the timestamps option agreed on; a
    # reply of one segment goes as its template has it, without options
    # (pagec(3), "Large replies"; Linux takes it, RFC 7323 3.2 says
    # SHOULD drop)
    if c["srv_no_ts"] and c["srv_data_segments"] > 1:
        bad.append("%s: %d segments from the server without the timestamps "
                   "option, which the SYN and SYN-ACK agreed on (RFC 7323 "
                   "3.2: every segment but an RST carries it)"
                   % (who, c["srv_no_ts"]))
    if c["cli_rst"] and c["cli_fins"] > 1:
        # the ACK of a FIN sent again reaches a client that has closed on
        # the first one's: as with any TCP
        print("note port %d: the client sent its FIN %d times, and an RST "
              "to the ACK of the last" % (c["port"], c["cli_fins"]))
    elif c["cli_rst"]:
        print("rst %d %s: %d RSTs from the client"
              % (c["port"], who, c["cli_rst"]))
    if c["reply_len"] > mss and not (c["fin"] and c["fin_acked"]):
        bad.append("%s: a reply of %d bytes, FIN sent %d, acknowledged %d"
                   % (who, c["reply_len"], c["fin"], c["fin_acked"]))
big_conns = [c for c in conns if c["request"] and
             c["request"].startswith("GET /big.bin ") and c["reply_len"] > big]
if w["drops"]:
    print("note wire.py's socket dropped %d packets" % w["drops"])
for b in bad:
    print("bad " + b)
if big_conns:
    r = [c["srv_bytes"] / c["reply_len"] for c in big_conns]
    print("info %d connections, %d fetches of big.bin (a %d-byte reply): "
          "server bytes / reply %.3f to %.3f, %d data segments (%d repeated), "
          "pokes %d, longest stall %.0f ms"
          % (len(conns), len(big_conns), big_conns[0]["reply_len"], min(r), max(r),
             sum(c["srv_data_segments"] for c in big_conns),
             sum(c["srv_repeated"] for c in big_conns),
             sum(c["pokes"] for c in big_conns),
             max(c["stall_ms"] for c in big_conns)))
else:
    print("bad no fetch of big.bin seen whole on the device")
EOF
}

# the bytes of a file in hexadecimal, as check.html writes them
python3 -c 'import sys; print(open(sys.argv[1], "rb").read().hex())' \
    "$SITE/big.bin" >"$WORK/big.hex" || exit 1

# chromium_check WHAT: check.html in headless Chromium; its DOM must show
# big.bin and settings.html whole.
chromium_check() {
    local what=$1 dir=$WORK/chromium
    rm -rf -- "$dir"
    mkdir -p "$dir"
    client chromium "$WORK/dom.html" chromium --headless --no-sandbox \
        --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update \
        --disable-sync --disable-default-apps --disable-extensions \
        --proxy-server='direct://' --user-data-dir="$dir/profile" \
        --virtual-time-budget=15000 --dump-dom "http://$SERVER_ADDR/check.html"
    if [ "$RC" -ne 0 ]; then
        fail "$what: chromium --dump-dom check.html: exit status $RC$TIMED_OUT"
        grep -v dbus "$WORK/chromium.err" | tail -n 5 | evidence
        return
    fi
    python3 - "$WORK/dom.html" "$SITE/big.bin" "$SITE/settings.html" \
        >"$WORK/dom.check" <<'EOF'
import re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for ident, path in (("big", sys.argv[2]), ("settings", sys.argv[3])):
    data = open(path, "rb").read()
    m = re.search(r'<pre id="%s">([^<]*)</pre>' % ident, dom)
    got = m.group(1) if m else "(no element)"
    want = "status=200 len=%d hex=%s" % (len(data), data.hex())
    name = path.rsplit("/", 1)[-1]
    if got == want:
        print("ok %s: status 200, the %d bytes of %s" % (name, len(data), name))
    else:
        print("bad %s: %s (want status=200 len=%d and its bytes)"
              % (name, got[:100], len(data)))
EOF
    while read -r verdict text; do
        if [ "$verdict" = ok ]; then
            pass "$what: Chromium's check.html: $text"
        else
            fail "$what: Chromium's check.html: $text"
        fi
    done <"$WORK/dom.check"
}

# --- the fetches ---------------------------------------------------------------

for mtu in $MTUS; do
    mss=$((mtu - 40))
    if ! nsexec ip link set "$TUN" mtu "$mtu" 2>"$WORK/ip.err"; then
        fail "MTU $mtu on $TUN: $(cat "$WORK/ip.err")"
        continue
    fi
    first=1
    for cfg in $CONFIGS; do
        ts=${cfg%,*}
        sack=${cfg#*,}
        what="MSS $mss, TS $ts, SACK $sack"
        if ! nsexec sysctl -q -w net.ipv4.tcp_timestamps="$ts" \
            net.ipv4.tcp_sack="$sack" 2>"$WORK/sysctl.err"; then
            fail "$what: sysctl: $(cat "$WORK/sysctl.err")"
            continue
        fi
        echo "# $what"
        tag=$mtu.$ts$sack
        etag_big=
        etag_gz=
        wire_start "$WORK/wire.$tag.json"

        curl_get curl_big /big.bin "$WORK/big.curl"
        if [ "$RC" -ne 0 ] || [ "$CODE" != 200 ]; then
            fail "$what: curl /big.bin: exit $RC$TIMED_OUT, status '$CODE': $(head -n 1 "$WORK/curl_big.err")"
        else
            same "$what: curl /big.bin" "$WORK/big.curl" "$SITE/big.bin"
            etag_big=$(header curl_big ETag)
        fi

        client wget "$WORK/wget.out" wget -nv --tries=1 \
            --timeout="$FETCH_MAX_TIME" -O "$WORK/big.wget" \
            "http://$SERVER_ADDR/big.bin"
        if [ "$RC" -ne 0 ]; then
            fail "$what: wget /big.bin: exit $RC$TIMED_OUT: $(head -n 1 "$WORK/wget.err")"
        else
            same "$what: wget /big.bin" "$WORK/big.wget" "$SITE/big.bin"
        fi

        client urllib "$WORK/big.urllib" python3 -c '
import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]))
sys.stdout.buffer.write(r.read())' "http://$SERVER_ADDR/big.bin" "$FETCH_MAX_TIME"
        if [ "$RC" -ne 0 ]; then
            fail "$what: urllib /big.bin: exit $RC$TIMED_OUT: $(tail -n 1 "$WORK/urllib.err")"
        else
            same "$what: urllib /big.bin" "$WORK/big.urllib" "$SITE/big.bin"
        fi

        curl_get curl_id /settings.html "$WORK/settings.id" \
            -H 'Accept-Encoding: identity'
        if [ "$RC" -ne 0 ] || [ "$CODE" != 200 ]; then
            fail "$what: curl /settings.html (identity): exit $RC$TIMED_OUT, status '$CODE'"
        else
            same "$what: curl /settings.html (identity)" "$WORK/settings.id" \
                "$SITE/settings.html"
        fi

        curl_get curl_gz /settings.html "$WORK/settings.gz" \
            -H 'Accept-Encoding: gzip'
        enc=$(header curl_gz Content-Encoding)
        if [ "$RC" -ne 0 ] || [ "$CODE" != 200 ]; then
            fail "$what: curl /settings.html (gzip): exit $RC$TIMED_OUT, status '$CODE'"
        elif [ "$enc" != gzip ]; then
            fail "$what: curl /settings.html (gzip): Content-Encoding '$enc' (want gzip)"
        elif ! gzip -dc <"$WORK/settings.gz" >"$WORK/settings.gunzip" 2>"$WORK/gzip.err"; then
            fail "$what: curl /settings.html (gzip): $SIZE bytes that gzip -d refuses: $(head -n 1 "$WORK/gzip.err")"
        else
            same "$what: curl /settings.html (gzip, $SIZE bytes, gunzipped)" \
                "$WORK/settings.gunzip" "$SITE/settings.html"
            etag_gz=$(header curl_gz ETag)
        fi

        if [ "$first" = 1 ]; then
            first=0
            curl_get head /big.bin "$WORK/head.body" -I
            len=$(header head Content-Length)
            etag=$(header head ETag)
            if [ "$RC" -ne 0 ] || [ "$CODE" != 200 ] || [ "$len" != "$BIG_LEN" ] ||
                [ -z "$etag" ] || [ "$etag" != "${etag_big:-}" ]; then
                fail "$what: HEAD /big.bin: exit $RC, status '$CODE', Content-Length '$len', ETag '$etag' (want 200, $BIG_LEN, the GET's '${etag_big:-}')"
            else
                pass "$what: HEAD /big.bin: 200, Content-Length $len, the GET's ETag $etag"
            fi
            for v in "big.bin identity ${etag_big:-}" "settings.html gzip ${etag_gz:-}"; do
                read -r file coding tag304 <<<"$v"
                if [ -z "$tag304" ]; then
                    fail "$what: no ETag from the GET of /$file ($coding) for If-None-Match"
                    continue
                fi
                curl_get c304 "/$file" "$WORK/c304.body" \
                    -H "Accept-Encoding: $coding" -H "If-None-Match: $tag304"
                if [ "$RC" -eq 0 ] && [ "$CODE" = 304 ] && [ "$SIZE" = 0 ]; then
                    pass "$what: GET /$file ($coding) with If-None-Match: $tag304: 304, no body"
                else
                    fail "$what: GET /$file ($coding) with If-None-Match: $tag304: exit $RC, status '$CODE', $SIZE bytes (want 304, none)"
                fi
            done
        fi

        chromium_check "$what"

        wire_stop || continue
        wire_check "$mss" "$ts" "$sack" >"$WORK/wire.$tag.txt"
        if grep -q '^bad ' "$WORK/wire.$tag.txt"; then
            fail "$what: on the wire:"
            sed -n 's/^bad //p' "$WORK/wire.$tag.txt" | head -n 20 | evidence
        else
            pass "$what: on the wire, every connection: the SYN's MSS, timestamps and SACK; the SYN-ACK's options; the timestamps option in every segment where agreed; no segment over the MSS, no RST from the server, every large reply whole and its FIN acknowledged"
        fi
        # an RST from the client: it got a segment for a connection it
        # had closed (other than the ACK of a FIN it sent twice); the end
        # of that connection as wire.py saw it
        if grep -q '^rst ' "$WORK/wire.$tag.txt"; then
            fail "$what: the client sent RSTs (segments after its connection closed):"
            while read -r _ port text; do
                echo "$text"
                grep " $port " "${WIRE_OUT%.json}.trace" | tail -n 8 | sed 's/^/  /'
            done < <(grep '^rst ' "$WORK/wire.$tag.txt" | head -n 3) | evidence
        else
            pass "$what: no RST from the client"
        fi
        sed -n 's/^\(info\|note\) /  /p' "$WORK/wire.$tag.txt"
    done
done

check_shutdown
finish
