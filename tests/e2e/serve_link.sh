#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/e2e/serve_link.sh - pagec-serve shows what the device does at the
# MSS of the link.
#
# Usage: serve_link.sh PAGEC_SERVE_BINARY SITE_DIR
#
# SITE_DIR is tests/sites/link, compiled with --no-gzip: index.html fits
# any client, large.html fits an Ethernet client's MSS of 1460 but not a
# SLIP client's 966. PAGEC_SERVE_BINARY serves it on a free port of
# 127.0.0.1, once for each link:
#
#   - no link option (Ethernet, the default), --link ethernet, --mss 1460:
#     GET /large.html gives 200 and the bytes of large.html; the reply as
#     curl got it (header and body) is more than 966 bytes and at most
#     1460, so the site is what the test needs;
#   - --link slip, --mss 966: GET /large.html gives 200 and its bytes too,
#     sent in two segments (a large reply, pagec(3) "Large replies"), and
#     GET /index.html still gives 200 and its bytes;
#   - each server exits with status 0 on SIGTERM;
#   - a --link or --mss it cannot take: exit status 2 and a message.
#
# Needs no root; all traffic goes to 127.0.0.1 (curl is told to ignore
# proxies and ~/.curlrc).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 curl or
# cmp is missing (ctest reports the test as skipped, SKIP_RETURN_CODE 77;
# in CI a failure).
#
# Environment:
#   SERVE_KEEP=1   keep the work directory (server logs, bodies) and print
#                  its path

set -u

PROG=${0##*/}
SERVER_NAME=pagec-serve
HOST=127.0.0.1
CURL_MAX_TIME=5   # seconds for one HTTP exchange
START_WAIT=50     # tenths of a second to wait for the server to listen
STOP_WAIT=30      # tenths of a second to wait for it to exit on SIGTERM
PORT_TRIES=5      # ports tried when the first one is busy
ETHERNET_MSS=1460
SLIP_MSS=966

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/common.sh" || exit 1

check_args PAGEC_SERVE_BINARY "$@"

need curl
need cmp "(diffutils)"

for f in index.html large.html; do
    if [ ! -f "$SITE/$f" ]; then
        echo "$PROG: $SITE/$f: missing; SITE_DIR must be tests/sites/link" >&2
        exit 2
    fi
done

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-serve-link.XXXXXX") || exit 1
LOG=$WORK/pagec-serve.log
LOG_HEADING="last lines of the pagec-serve -v log:"
LOG_TAIL=40
PORT=

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    stop_server
    remove_work "${SERVE_KEEP:-0}"
}
trap_cleanup

# serve ARGS...: start_server on a free port; sets PORT and BASE. Returns
# 1 (after a FAIL line) when the server did not start.
serve() {
    local base_port=$((18000 + $$ % 1000)) try rc=1
    for ((try = 0; try < PORT_TRIES; try++)); do
        PORT=$((base_port + (try * 137 + RANDOM) % 1000))
        start_server "$PORT" "$@"
        rc=$?
        [ "$rc" -eq 1 ] || break
    done
    if [ "$rc" -eq 1 ]; then
        fail "pagec-serve $* started: $PORT_TRIES ports busy; last: $WHY"
        return 1
    elif [ "$rc" -ne 0 ]; then
        fail "pagec-serve $* started: $WHY"
        return 1
    fi
    BASE=http://$HOST:$PORT
    return 0
}

# fetch URLPATH: GET BASE URLPATH into WORK/body, headers into
# WORK/headers. Sets CURL_RC, CODE (the HTTP status) and SIZE (bytes of
# header and body as received: the TCP data of the reply).
fetch() {
    local out
    CURL_RC=0
    out=$(curl -q -sS --noproxy '*' --max-time "$CURL_MAX_TIME" \
        -o "$WORK/body" -D "$WORK/headers" \
        -w '%{http_code} %{size_header} %{size_download}' \
        "$BASE$1" 2>"$WORK/curl.err") || CURL_RC=$?
    CODE=${out%% *}
    out=${out#* }
    SIZE=$((${out% *} + ${out#* }))
}

# header NAME: the value of header NAME in WORK/headers, CR stripped.
header() {
    tr -d '\r' <"$WORK/headers" |
        awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
            tolower(substr($0, 1, length(n))) == n {
                v = substr($0, length(n) + 1); sub(/^[ \t]+/, "", v)
                print v; exit }'
}

# expect_page WHAT URLPATH FILE: 200 and the bytes of FILE.
expect_page() {
    local what=$1 url=$2 file=$3 why=""
    fetch "$url"
    if [ "$CURL_RC" -ne 0 ]; then
        why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
    else
        [ "$CODE" = 200 ] || why+=" status $CODE (want 200);"
        cmp -s "$WORK/body" "$file" ||
            why+=" body differs from ${file##*/} ($(wc -c <"$WORK/body") bytes, want $(wc -c <"$file"));"
    fi
    if [ -z "$why" ]; then
        pass "$what: GET $url: 200, $(wc -c <"$file") bytes identical to ${file##*/}"
    else
        fail "$what: GET $url:$why"
    fi
}

# stop_checked WHAT: the server must still run and exit 0 on SIGTERM; its
# log is kept as WORK/WHAT.log.
stop_checked() {
    check_shutdown
    cp -- "$LOG" "$WORK/${1// /_}.log"
}

# --- Ethernet: the page comes --------------------------------------------

for args in "" "--link ethernet" "--mss $ETHERNET_MSS"; do
    what="Ethernet (${args:-no link option})"
    # shellcheck disable=SC2086 # the words of args
    serve $args || continue
    expect_page "$what" /large.html "$SITE/large.html"
    if [ -z "$args" ] && [ "$CODE" = 200 ]; then
        # the site as the test needs it: the reply, header and body, too
        # large for a SLIP client, small enough for an Ethernet one
        if [ "$SIZE" -gt "$SLIP_MSS" ] && [ "$SIZE" -le "$ETHERNET_MSS" ]; then
            pass "$what: the reply to /large.html has $SIZE bytes of TCP data: more than $SLIP_MSS, at most $ETHERNET_MSS"
        else
            fail "$what: the reply to /large.html has $SIZE bytes of TCP data, not in $((SLIP_MSS + 1))..$ETHERNET_MSS: the site does not test the links"
        fi
    fi
    stop_checked "$what"
done

# --- SLIP: the device sends it in segments --------------------------------

for args in "--link slip" "--mss $SLIP_MSS"; do
    what="SLIP ($args)"
    # shellcheck disable=SC2086 # the words of args
    serve $args || continue
    expect_page "$what" /large.html "$SITE/large.html"
    expect_page "$what" /index.html "$SITE/index.html"
    stop_checked "$what"
done

# --- options it cannot take ----------------------------------------------

for args in "--link token-ring" "--mss 10" "--mss 966x"; do
    # shellcheck disable=SC2086 # the words of args
    timeout 5 "$BIN" --port 0 $args >"$WORK/opt.out" 2>"$WORK/opt.err"
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q "^pagec-serve: ${args%% *}: " "$WORK/opt.err"; then
        pass "$args: exit status 2, $(head -n 1 "$WORK/opt.err")"
    else
        fail "$args: exit status $rc (want 2 and a message about ${args%% *})"
        evidence <"$WORK/opt.err"
    fi
done

finish
