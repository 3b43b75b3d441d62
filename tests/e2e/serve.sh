#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/e2e/serve.sh - end-to-end test of pagec-serve, the preview server.
#
# Usage: serve.sh PAGEC_SERVE_BINARY SITE_DIR
#
# Runs PAGEC_SERVE_BINARY (a pagec-serve built from SITE_DIR) on a free
# port of 127.0.0.1 and fetches from it with curl:
#
#   - every regular file of SITE_DIR (dotfiles and dot-directories
#     skipped) comes back with status 200 and the same bytes, asked for
#     plainly and with --compressed (a page the site holds only gzipped
#     comes gzipped either way and is unzipped); "/" is index.html; a page
#     with live fields (<!--live:NAME:WIDTH-->, pagec(1)) is its file with
#     each marker replaced by WIDTH bytes (tests/tools/live.py);
#   - a missing path gets 404 (and the body of SITE_DIR/404.html if any);
#   - HEAD /index.html (curl -I) gets 200 with the GET's Content-Length and
#     nothing after the headers, or 501 while the runtime has no HEAD: both
#     pass, and the line says which;
#   - when index.html has the fields uptime and requests (samples/site),
#     two fetches of / 1.1 s apart show the requests count up by one and
#     the uptime advance, and its field input is the load average
#     /proc/loadavg shows, to 0.01 (samples/live.c);
#   - when index.html has the live field led and the actions
#     led:1:/led?set=1 and led:0:/led?set=0 (samples/site): a form POST
#     and a GET of an action set the LED (samples/live.c), as the page
#     they get and a GET / after each show; a POST with another site's
#     Origin and a GET with Sec-Fetch-Site: cross-site get 403 and change
#     nothing; a POST naming no action gets 405;
#   - the server exits with status 0 on SIGTERM.
#
# Needs no root; all traffic goes to 127.0.0.1 (curl is told to ignore
# proxies and ~/.curlrc).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 curl or
# cmp is missing, or python3 for a site with live fields (ctest reports
# the test as skipped, SKIP_RETURN_CODE 77).
#
# Environment:
#   SERVE_KEEP=1   keep the work directory (server log, bodies) and print
#                  its path

set -u

PROG=${0##*/}
SERVER_NAME=pagec-serve
HOST=127.0.0.1
CURL_MAX_TIME=5   # seconds for one HTTP exchange
START_WAIT=50     # tenths of a second to wait for the server to listen
STOP_WAIT=30      # tenths of a second to wait for it to exit on SIGTERM
PORT_TRIES=5      # ports tried when the first one is busy

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/common.sh" || exit 1

check_args PAGEC_SERVE_BINARY "$@"

need curl
need cmp "(diffutils)"
need_live

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-serve.XXXXXX") || exit 1
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

# --- start -----------------------------------------------------------------

T0=$(date +%s)
base_port=$((18000 + $$ % 1000))
rc=1
for ((try = 0; try < PORT_TRIES; try++)); do
    PORT=$((base_port + try * 137 % 1000))
    start_server "$PORT"
    rc=$?
    [ "$rc" -eq 1 ] || break
done
if [ "$rc" -eq 1 ]; then
    fail "pagec-serve started: $PORT_TRIES ports busy; last: $WHY"
    finish
elif [ "$rc" -ne 0 ]; then
    fail "pagec-serve started: $WHY"
    finish
fi
pass "pagec-serve listens on $HOST:$PORT (pid $SERVER_PID)"
BASE=http://$HOST:$PORT

# --- helpers ---------------------------------------------------------------

# fetch URLPATH BODYFILE [CURL-ARGS...]: GET BASE URLPATH. Sets CURL_RC and
# CODE (the HTTP status); the headers go to WORK/headers.
fetch() {
    local url=$1 body=$2
    shift 2
    CURL_RC=0
    CODE=$(curl -q -sS --noproxy '*' --max-time "$CURL_MAX_TIME" "$@" \
        -o "$body" -D "$WORK/headers" -w '%{http_code}' \
        "$BASE$url" 2>"$WORK/curl.err") || CURL_RC=$?
}

# curl_evidence URLPATH: a verbose fetch, for the record of a failure.
curl_evidence() {
    curl -q -sS -v --noproxy '*' --max-time "$CURL_MAX_TIME" -o /dev/null \
        "$BASE$1" 2>&1 | head -n 30 | evidence
}

# header NAME: the value of header NAME in WORK/headers, CR stripped.
header() {
    tr -d '\r' <"$WORK/headers" |
        awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
            tolower(substr($0, 1, length(n))) == n {
                v = substr($0, length(n) + 1); sub(/^[ \t]+/, "", v)
                print v; exit }'
}

# check_page URLPATH FILE [CURL-ARGS...]: URLPATH must give status 200 and
# the bytes of FILE. A page the site holds only gzipped comes gzipped even
# to a request without Accept-Encoding, as from the device; it is unzipped
# before the comparison.
check_page() {
    local url=$1 file=$2 why="" how="GET" body=$WORK/body note=""
    shift 2
    [ $# -gt 0 ] && how="GET $*"
    fetch "$url" "$body" "$@"
    if [ "$CURL_RC" -ne 0 ]; then
        why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
    else
        [ "$CODE" = 200 ] || why+=" status $CODE (want 200);"
        if [ $# -eq 0 ] && [ "$(header Content-Encoding)" = gzip ]; then
            note=" (gzip only, unzipped)"
            body=$WORK/body.unzipped
            if ! command -v gzip >/dev/null 2>&1; then
                note=" (gzip only; no gzip to unzip it, body not compared)"
                body=$file
            elif ! gzip -dc <"$WORK/body" >"$body" 2>"$WORK/gzip.err"; then
                why+=" gzip body does not unzip: $(head -n 1 "$WORK/gzip.err");"
            fi
        fi
        if ! same_page "$body" "$file" "$WORK/values"; then
            why+=" body differs from ${file#"$SITE"/} ($SAME_WHY);"
        fi
    fi
    if [ -z "$why" ] && [ -s "$WORK/values" ]; then
        pass "$how $url: 200, $(wc -c <"$body") bytes: the file with its $(wc -l <"$WORK/values") live fields filled$note"
    elif [ -z "$why" ]; then
        pass "$how $url: 200, $(wc -c <"$file") bytes identical$note"
    else
        fail "$how $url:$why"
        curl_evidence "$url"
    fi
}

# --- pages -----------------------------------------------------------------

# check_page_twice URLPATH FILE: check_page plainly and with --compressed.
# shellcheck disable=SC2317 # called through each_site_file
check_page_twice() {
    check_page "$1" "$2"
    check_page "$1" "$2" --compressed
}

each_site_file check_page_twice
[ "$NFILES" -gt 0 ] || fail "site $SITE has no files to fetch"

if [ -f "$SITE/index.html" ]; then
    check_page / "$SITE/index.html"
fi

# --- 404 -------------------------------------------------------------------

missing=/serve-no-such-page-$$
fetch "$missing" "$WORK/body"
why=""
if [ "$CURL_RC" -ne 0 ]; then
    why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
else
    [ "$CODE" = 404 ] || why+=" status $CODE (want 404);"
    if [ -f "$SITE/404.html" ] && ! same_page "$WORK/body" "$SITE/404.html"; then
        why+=" body is not 404.html ($SAME_WHY);"
    fi
fi
if [ -z "$why" ]; then
    pass "GET $missing: 404"
else
    fail "GET $missing:$why"
    curl_evidence "$missing"
fi

# --- HEAD ------------------------------------------------------------------

# raw_head URLPATH: sends "HEAD URLPATH HTTP/1.0" over bash's /dev/tcp and
# stores everything the server sends until it closes in WORK/head.raw.
# Returns 1 when /dev/tcp is not available.
raw_head() {
    local fd
    exec {fd}<>"/dev/tcp/$HOST/$PORT" || return 1
    printf 'HEAD %s HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$1" "$HOST" "$PORT" >&"$fd"
    timeout "$CURL_MAX_TIME" cat <&"$fd" >"$WORK/head.raw"
    exec {fd}<&-
    return 0
}

# after_headers FILE: bytes in FILE after the first empty line, -1 when
# there is none.
after_headers() {
    local total hdr
    total=$(wc -c <"$1")
    hdr=$(LC_ALL=C awk '{ n += length($0) + 1 }
        $0 == "" || $0 == "\r" { print n; found = 1; exit }
        END { if (!found) print -1 }' "$1")
    if [ "$hdr" -lt 0 ]; then
        echo -1
    else
        echo $((total - hdr))
    fi
}

if [ -f "$SITE/index.html" ]; then
    fetch /index.html "$WORK/body"
    get_len=$(header Content-Length)
    fetch /index.html "$WORK/head.body" -I
    head_len=$(header Content-Length)
    if [ "$CURL_RC" -ne 0 ]; then
        fail "HEAD /index.html: curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
    elif [ "$CODE" = 501 ]; then
        pass "HEAD /index.html: 501 (the runtime has no HEAD yet)"
    elif [ "$CODE" != 200 ]; then
        fail "HEAD /index.html: status $CODE (want 200, or 501 without HEAD)"
        evidence <"$WORK/headers"
    else
        why=""
        [ "$head_len" = "$get_len" ] ||
            why+=" Content-Length '$head_len' (GET says '$get_len');"
        if raw_head /index.html; then
            extra=$(after_headers "$WORK/head.raw")
            if [ "$extra" -lt 0 ]; then
                why+=" no end of headers in the raw HEAD reply;"
            elif [ "$extra" -gt 0 ]; then
                why+=" $extra bytes after the headers;"
            fi
        else
            echo "note: no /dev/tcp in this bash; HEAD body not checked"
        fi
        if [ -z "$why" ]; then
            pass "HEAD /index.html: 200, Content-Length $head_len, no body"
        else
            fail "HEAD /index.html:$why"
        fi
    fi
fi

# --- live fields ----------------------------------------------------------

# The sample site's status page: pagec-serve fills uptime (seconds since it
# started), requests (the live pages it sent) and input (the load average
# of the last minute, as getloadavg() gives it, in hundredths).
if grep -qs -- '<!--live:uptime:' "$SITE/index.html" &&
    grep -q -- '<!--live:requests:' "$SITE/index.html"; then
    if check_live / "$SITE/index.html" 1.1 "$T0" 1 &&
        grep -q -- '<!--live:input:' "$SITE/index.html"; then
        load=$(live_value "$WORK/live2" input)
        if [[ $load =~ ^[0-9]+\.[0-9][0-9]$ ]] && [ -n "$LOADAVG_BEFORE" ] &&
            near_load "$load" "$LOADAVG_BEFORE" "$LOADAVG_AFTER"; then
            pass "live field input: $load, the load average of /proc/loadavg ($LOADAVG_BEFORE, then $LOADAVG_AFTER)"
        else
            fail "live field input: '$load', /proc/loadavg said $LOADAVG_BEFORE before and $LOADAVG_AFTER after"
        fi
    fi
fi

# --- actions ----------------------------------------------------------------

# The sample site's LED (samples/live.c), set by its actions
# led:1:/led?set=1 and led:0:/led?set=0 through pagec-serve: the page each
# request gets and a GET / after it show the LED's state.
if grep -q -- '<!--live:led:' "$SITE/index.html" 2>/dev/null &&
    grep -q -- '<!--action:led:1:/led?set=1-->' "$SITE/index.html" &&
    grep -q -- '<!--action:led:0:/led?set=0-->' "$SITE/index.html"; then
    # led_page BODY: the led field of BODY when it is index.html, in LED
    led_page() {
        LED=
        same_page "$1" "$SITE/index.html" "$WORK/led.values" &&
            LED=$(live_value "$WORK/led.values" led)
    }
    # check_action DESCRIPTION CODE LED URLPATH CURL-ARGS...: the request
    # gets status CODE (for 200: index.html showing the LED LED), and a
    # GET / after it shows LED
    check_action() {
        local what=$1 want=$2 led=$3 url=$4 why="" now=
        shift 4
        fetch "$url" "$WORK/led.body" --compressed "$@"
        if [ "$CURL_RC" -ne 0 ]; then
            why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err");"
        elif [ "$CODE" != "$want" ]; then
            why=" status $CODE (want $want);"
        elif [ "$want" = 200 ] && ! led_page "$WORK/led.body"; then
            why=" not index.html with its fields ($SAME_WHY);"
        elif [ "$want" = 200 ] && [ "$LED" != "$led" ]; then
            why=" the page shows the LED '$LED' (want $led);"
        fi
        fetch / "$WORK/led.now" --compressed
        [ "$CODE" = 200 ] && led_page "$WORK/led.now" && now=$LED
        [ "$now" = "$led" ] || why+=" then GET / shows the LED '$now' (want $led);"
        if [ -z "$why" ]; then
            pass "$what: $want, then GET / shows the LED $led"
        else
            fail "$what:$why"
        fi
    }
    check_action "POST /led set=1 (the form's button on)" 200 on /led -d set=1
    check_action "POST /led set=0, Origin: $BASE, Sec-Fetch-Site: same-origin" \
        200 off /led -d set=0 -H "Origin: $BASE" -H 'Sec-Fetch-Site: same-origin'
    check_action "POST /led set=1, Origin: http://evil.example" 403 off \
        /led -d set=1 -H 'Origin: http://evil.example'
    check_action "GET /led?set=1, Sec-Fetch-Site: cross-site" 403 off \
        "/led?set=1" -H 'Sec-Fetch-Site: cross-site'
    check_action "GET /led?set=1" 200 on "/led?set=1"
    check_action "POST /led set=2 (names no action)" 405 on /led -d set=2
fi

# --- shutdown --------------------------------------------------------------

check_shutdown

finish
