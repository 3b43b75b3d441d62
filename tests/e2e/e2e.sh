#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/e2e/e2e.sh - end-to-end test of a pagec TUN server with real clients.
#
# Usage: e2e.sh PAGEC_TUN_BINARY SITE_DIR
#
# Creates a network namespace of its own, runs PAGEC_TUN_BINARY (a
# pagec-tun built from SITE_DIR) on a TUN device inside it and talks to it
# with the kernel's TCP/IP stack through curl and ping:
#
#   - every regular file of SITE_DIR (dotfiles skipped) is fetched and must
#     come back with status 200, the same bytes and the right Content-Type;
#     "/" must be index.html; a page with live fields (<!--live:NAME:WIDTH-->,
#     pagec(1)) must be its file with each marker replaced by WIDTH bytes
#     (tests/tools/live.py);
#   - a live page's reply has no ETag and says "Cache-Control: no-store";
#     when index.html has the fields uptime and requests (samples/site),
#     two fetches of / 1.1 s apart show the requests count up by one and
#     the uptime advance, and its field input is the load average
#     /proc/loadavg shows, to 0.01 (samples/live.c);
#   - when index.html has the live field led and the actions
#     led:1:/led?set=1 and led:0:/led?set=0 (samples/site): GET of an
#     action's target and a form POST of its query set the LED
#     (samples/live.c) and reply with the page showing it, as does a GET /
#     after each; the same action twice leaves it set; a request Origin or
#     Sec-Fetch-Site says comes from another site gets 403 and changes
#     nothing; a POST naming no action gets 405, one without
#     Content-Length 411, one whose body comes in a later segment 413 (as
#     wget's does); a HEAD changes nothing; wget's GETs too, when wget is
#     installed; a form POST with a Cookie field, more than half the MSS
#     in all, comes in one segment after a SYN-ACK with a window of twice
#     the MSS (E2E_MSS), and sets the LED;
#   - a missing path gets 404 (and the body of SITE_DIR/404.html if any);
#   - a folder with an index.html, asked for without its trailing slash,
#     gets 301 with Location: the folder's path with it (curl -I), and
#     curl -L then gets the index.html;
#   - ping gets replies, also with a 1000-byte payload;
#   - a TCP port other than 80 is refused at once (RST, not a timeout);
#   - one page fetch costs exactly 3 packets from the server (SYN-ACK,
#     page with FIN, ACK of the client's FIN);
#   - the server exits with status 0 on SIGTERM.
#
# All traffic stays inside the namespace: 192.0.2.1 is the kernel side of
# the TUN device (the client), 192.0.2.2 the pagec server. Nothing is added
# to the caller's network namespace.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces, curl,
# ping, python3 for a site with live fields): ctest reports the test as
# skipped (SKIP_RETURN_CODE 77).
#
# Environment:
#   E2E_KEEP=1        keep the work directory (server log, bodies) and
#                     print its path
#   E2E_OUT_RE=REGEX  grep -E pattern of a -v log line for a packet the
#                     server sent (default "^out ")
#   E2E_PORTS="PORT=PATH ..."  the server's site was compiled with these
#                     --port options: each PORT must serve the file PATH
#                     whatever the request
#   E2E_FIELDS="Name: value|..."  header fields every page reply must carry
#   E2E_MSS=N         the server's site was compiled with --mss N (default
#                     1460)
#   E2E_BENCH=N       after the checks, time N fetches of one page (at
#                     most 10000) and print packets and milliseconds per
#                     fetch
#   E2E_TAP=1         a TAP device instead (pagec-tun --tap --ip
#                     192.0.2.2 --name pagec-e2e): the kernel finds the
#                     server by ARP (its neighbour entry must hold the
#                     server's MAC, arping gets replies, an ARP request
#                     for another address none), and a Multicast DNS
#                     query for pagec-e2e.local, full and legacy
#                     (tests/tools/mdns.py), gets 192.0.2.2, one for
#                     another name nothing; the entry is then pinned, so that
#                     the packet counts below see no ARP; the rest as
#                     above

set -u

PROG=${0##*/}
SERVER_NAME=pagec-tun
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
CURL_MAX_TIME=5        # seconds for one HTTP fetch
MSS=${E2E_MSS:-1460}   # the site's --mss
STOP_WAIT=30           # tenths of a second to wait for the server to exit
REFUSED_MAX_MS=1500    # a refused connection must fail faster than this

# shellcheck source=tests/e2e/common.sh
. "$(dirname -- "$0")/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need curl
need ping "(iputils-ping)"
need cmp "(diffutils)"
need_live

# --- set-up and clean-up ---------------------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-e2e.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
LOG_TAIL=60

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    ns_teardown
    remove_work "${E2E_KEEP:-0}"
}
trap_cleanup

# IPv6 stays off (ns_create): its solicitations would blur the packet
# counts below. The -v log is line-buffered so lines and our markers stay
# in order.
ns_create e2e pe2e
T0=$(date +%s)
TAP_MAC=02:00:00:00:00:02 # pagec-tun's default with --tap
MDNS_NAME=pagec-e2e       # its name with --tap, for Multicast DNS
if [ "${E2E_TAP:-0}" = 1 ]; then
    ns_start_server --stdbuf "$BIN" --dev "$TUN" --tap --ip "$SERVER_ADDR" \
        --name "$MDNS_NAME" -v
    pass "pagec-tun runs on the TAP device $TUN in namespace $NS"
    check_arp "$TAP_MAC"
    check_mdns "$MDNS_NAME"
    nsexec ip neigh replace "$SERVER_ADDR" lladdr "$TAP_MAC" dev "$TUN" \
        nud permanent
else
    ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
    pass "pagec-tun runs on $TUN in namespace $NS"
fi

# --- helpers ---------------------------------------------------------------

# mime_for PATH: the Content-Type pagec uses for PATH, empty if unknown.
mime_for() {
    local name=${1##*/} ext
    case $name in
        *.*) ext=${name##*.} ;;
        *) return 0 ;;
    esac
    case ${ext,,} in
        html | htm | shtml) echo text/html ;;
        css) echo text/css ;;
        gif) echo image/gif ;;
        png) echo image/png ;;
        js) echo text/javascript ;;
        txt) echo text/plain ;;
        jpg) echo image/jpeg ;;
        svg) echo image/svg+xml ;;
        ico) echo image/x-icon ;;
        json) echo application/json ;;
    esac
}

# fetch URLPATH BODYFILE: GET http://SERVER_ADDR URLPATH from inside the
# namespace. Sets CURL_RC, CODE (HTTP status) and CTYPE (Content-Type).
fetch() {
    fetch_with "$1" "$2" --compressed
}

# fetch_with URLPATH BODYFILE CURL-ARGS...: fetch with other curl options
# (no --compressed: the body is stored as it came). Also sets SIZE, the
# bytes of the body received.
fetch_with() {
    local out url=$1 body=$2
    shift 2
    CURL_RC=0
    out=$(nsexec curl -sS "$@" --connect-timeout 3 \
        --max-time "$CURL_MAX_TIME" -o "$body" -D "$WORK/headers" \
        -w '%{http_code} %{size_download} %{content_type}' \
        "http://$SERVER_ADDR$url" 2>"$WORK/curl.err") || CURL_RC=$?
    CODE=${out%% *}
    out=${out#* }
    SIZE=${out%% *}
    CTYPE=${out#* }
}

# header NAME: the value of a field of the last fetch's reply.
header() {
    tr -d '\r' <"$WORK/headers" | sed -n "s/^$1: //Ip" | head -n 1
}

# curl_evidence URLPATH: a verbose fetch, for the record of a failure.
curl_evidence() {
    nsexec curl -sS -v --max-time "$CURL_MAX_TIME" -o /dev/null \
        "http://$SERVER_ADDR$1" 2>&1 | head -n 40 | evidence
}

# base_type CONTENT-TYPE: the media type without parameters, lower case.
base_type() {
    local t=${1%%;*}
    t=${t//[[:space:]]/}
    printf '%s' "${t,,}"
}

# check_page URLPATH FILE: URLPATH must give status 200, the bytes of FILE
# and the Content-Type for FILE's extension.
check_page() {
    local url=$1 file=$2 want got why=""
    fetch "$url" "$WORK/body"
    if [ "$CURL_RC" -ne 0 ]; then
        why="curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
    else
        [ "$CODE" = 200 ] || why+=" status $CODE (want 200);"
        if ! same_page "$WORK/body" "$file" "$WORK/values"; then
            why+=" body differs from ${file#"$SITE"/} ($SAME_WHY);"
        fi
        want=$(mime_for "$file")
        got=$(base_type "$CTYPE")
        if [ -n "$want" ]; then
            [ "$got" = "$want" ] ||
                why+=" Content-Type '$CTYPE' (want $want);"
        elif [ -z "$got" ]; then
            why+=" no Content-Type;"
        fi
    fi
    if [ -z "$why" ] && [ -s "$WORK/values" ]; then
        pass "GET $url: 200, $CTYPE, $(wc -c <"$WORK/body") bytes: the file with its $(wc -l <"$WORK/values") live fields filled"
    elif [ -z "$why" ]; then
        pass "GET $url: 200, $CTYPE, $(wc -c <"$file") bytes identical"
    else
        fail "GET $url:$why"
        curl_evidence "$url"
    fi
}

# --- pages -----------------------------------------------------------------

each_site_file check_page
[ "$NFILES" -gt 0 ] || fail "site $SITE has no files to fetch"

if [ -f "$SITE/index.html" ]; then
    check_page / "$SITE/index.html"
fi

# --- content coding, HEAD, If-None-Match ----------------------------------

# check_codings URLPATH FILE: identity when asked for it (or 406 for a page
# stored gzip-compressed only, which then goes gzip-encoded to a request
# without Accept-Encoding); gzip when asked for, gunzipped by gzip(1).
# shellcheck disable=SC2317 # called through each_site_file
check_codings() {
    local url=$1 file=$2 why="" enc
    fetch_with "$url" "$WORK/raw" -H 'Accept-Encoding: identity'
    if [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 406 ]; then
        fetch_with "$url" "$WORK/raw"
        enc=$(header Content-Encoding)
        [ "$CODE" = 200 ] && [ "$enc" = gzip ] &&
            gzip -dc <"$WORK/raw" >"$WORK/raw.gunzip" &&
            same_page "$WORK/raw.gunzip" "$file" ||
            why+=" gzip-only page without Accept-Encoding: status $CODE, coding '$enc';"
        [ -z "$why" ] && pass "GET $url: 406 to identity only, gzip to a request without Accept-Encoding"
    elif [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 200 ]; then
        [ -z "$(header Content-Encoding)" ] || why+=" identity asked, got $(header Content-Encoding);"
        same_page "$WORK/raw" "$file" || why+=" identity body differs ($SAME_WHY);"
        fetch_with "$url" "$WORK/raw" -H 'Accept-Encoding: gzip'
        enc=$(header Content-Encoding)
        if [ "$enc" = gzip ]; then
            { gzip -dc <"$WORK/raw" >"$WORK/raw.gunzip" &&
                same_page "$WORK/raw.gunzip" "$file"; } ||
                why+=" gzip body does not gunzip to the file;"
            [ "$(header Vary)" = Accept-Encoding ] || why+=" no Vary: Accept-Encoding;"
        else
            same_page "$WORK/raw" "$file" || why+=" body differs when gzip is accepted ($SAME_WHY);"
        fi
        [ -z "$why" ] && pass "GET $url: identity as asked; with gzip accepted: ${enc:-identity}"
    else
        why="status $CODE, curl exit $CURL_RC"
    fi
    if [ -n "$why" ]; then
        fail "GET $url codings:$why"
        curl_evidence "$url"
    fi
}

# raw_head URLPATH: the bytes a HEAD request gets, through bash's own TCP
# client (curl would not show a body sent by mistake).
raw_head() {
    # shellcheck disable=SC2016 # expanded by the inner bash
    nsexec timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/80" || exit 1
        printf "HEAD %s HTTP/1.0\r\n\r\n" "$1" >&3
        cat <&3' "$SERVER_ADDR" "$1" >"$WORK/head"
}

each_site_file check_codings

if [ -n "${count_url:=}" ] || [ -f "$SITE/index.html" ]; then
    url=/index.html
    [ -f "$SITE/index.html" ] || url=$count_url
    # HEAD: the header fields of the GET reply, and nothing after them
    # (neither request names an Accept-Encoding)
    fetch_with "$url" "$WORK/body"
    len=$(header Content-Length)
    etag=$(header ETag)
    raw_head "$url"
    hsize=$(wc -c <"$WORK/head")
    hend=$(grep -c $'^\r$' "$WORK/head")
    if grep -q "^HTTP/1.1 200 "$'\r$' "$WORK/head" && [ "$hend" = 1 ] &&
        [ "$(tail -c 4 "$WORK/head" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] &&
        grep -qi "^Content-Length: $len"$'\r$' "$WORK/head"; then
        pass "HEAD $url: 200, Content-Length $len, $hsize bytes of header and no body"
    else
        fail "HEAD $url: $hsize bytes, Content-Length '$len'"
        evidence <"$WORK/head"
    fi
    # If-None-Match: 304 and no body, for each encoding's own ETag; a live
    # page has none, and its reply must not be kept by a cache
    for coding in identity gzip; do
        live_file "$SITE/index.html" && break
        fetch_with "$url" "$WORK/body" -H "Accept-Encoding: $coding"
        etag=$(header ETag)
        fetch_with "$url" "$WORK/body" -H "Accept-Encoding: $coding" \
            -H "If-None-Match: $etag"
        if [ -n "$etag" ] && [ "$CODE" = 304 ] && [ "$SIZE" = 0 ] &&
            [ "$(header ETag)" = "$etag" ]; then
            pass "GET $url ($coding) with If-None-Match $etag: 304, no body"
        elif [ "$coding" = identity ] && [ "$CODE" = 406 ]; then
            pass "GET $url ($coding): 406, the page is stored gzip-compressed only"
        else
            fail "GET $url ($coding) with If-None-Match '$etag': status $CODE, $SIZE bytes"
        fi
    done
    fetch_with "$url" "$WORK/body" --compressed -H 'If-None-Match: "0-0"'
    if [ "$CODE" = 200 ]; then
        pass "GET $url with a stale If-None-Match: 200"
    else
        fail "GET $url with a stale If-None-Match: status $CODE"
    fi
    if live_file "$SITE/index.html"; then
        fetch_with "$url" "$WORK/body"
        if [ "$CODE" = 200 ] && [ -z "$(header ETag)" ] &&
            [ "$(header Cache-Control)" = no-store ]; then
            pass "GET $url, a live page: no ETag, Cache-Control: no-store"
        else
            fail "GET $url, a live page: status $CODE, ETag '$(header ETag)', Cache-Control '$(header Cache-Control)' (want none and no-store)"
        fi
    fi
fi

# --- 404 -------------------------------------------------------------------

missing=/e2e-no-such-page-$$
fetch "$missing" "$WORK/body"
why=""
if [ "$CURL_RC" -ne 0 ]; then
    why="curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err")"
else
    [ "$CODE" = 404 ] || why+=" status $CODE (want 404);"
    if [ -f "$SITE/404.html" ]; then
        same_page "$WORK/body" "$SITE/404.html" ||
            why+=" body is not 404.html ($SAME_WHY);"
        want=text/html
    else
        want=text/plain
    fi
    [ "$(base_type "$CTYPE")" = "$want" ] ||
        why+=" Content-Type '$CTYPE' (want $want);"
fi
if [ -z "$why" ]; then
    pass "GET $missing: 404, $CTYPE"
else
    fail "GET $missing:$why"
    curl_evidence "$missing"
fi

# --- folders without their trailing slash ----------------------------------

nfolders=0
while IFS= read -r -d '' idx; do
    dir=${idx%/index.html}
    [ "$dir" != "$SITE" ] || continue
    nfolders=$((nfolders + 1))
    url=/$(urlencode "${dir#"$SITE"/}")
    out=$(nsexec curl -sS -I --max-time "$CURL_MAX_TIME" \
        "http://$SERVER_ADDR$url" 2>&1 | tr -d '\r')
    if printf '%s\n' "$out" | head -n 1 | grep -q '^HTTP/1.1 301 $' &&
        printf '%s\n' "$out" | grep -qix "location: $url/"; then
        pass "curl -I $url: 301, Location: $url/"
    else
        fail "curl -I $url: want 301 with Location: $url/"
        printf '%s\n' "$out" | evidence
    fi
    fetch_with "$url" "$WORK/body" -L --compressed
    if [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 200 ] && same_page "$WORK/body" "$idx"; then
        pass "curl -L $url: the bytes of ${idx#"$SITE"/}"
    else
        fail "curl -L $url: status $CODE, curl exit $CURL_RC (want ${idx#"$SITE"/})"
    fi
done < <(find "$SITE" -name '.*' -prune -o -type f -name index.html -print0 |
    LC_ALL=C sort -z)
echo "# folders with an index.html below the root: $nfolders"

# --- other statuses, percent-decoding, fields ----------------------------

# expect_status DESCRIPTION CODE URLPATH CURL-ARGS...: the reply's status.
expect_status() {
    local what=$1 want=$2 url=$3
    shift 3
    fetch_with "$url" "$WORK/body" "$@"
    if [ "$CURL_RC" -eq 0 ] && [ "$CODE" = "$want" ]; then
        pass "$what: $want"
    else
        fail "$what: status $CODE, curl exit $CURL_RC (want $want)"
    fi
}

expect_status "POST /" 405 / -X POST -d x=1
[ "$(header Allow)" = "GET, HEAD" ] && pass "405 names Allow: GET, HEAD" ||
    fail "405: Allow '$(header Allow)'"
expect_status "BREW /" 501 / -X BREW
expect_status "GET /%zz" 400 /%zz
expect_status "HTTP/1.1 without Host" 400 / -H "Host:"
expect_status "HTTP/1.0 without Host" 200 / --http1.0 -H "Host:"
# a request as long as the site's MSS allows (a large cookie): the driver's
# buffer takes it whole, and the page comes back
expect_status "GET / with a 1,200-byte cookie" 200 / \
    -H "Cookie: c=$(head -c 1200 /dev/zero | tr '\0' a)"
expect_status "GET /../ outside the site" 404 /../etc/passwd --path-as-is
if [ -f "$SITE/index.html" ]; then
    expect_status "GET /%69ndex.html?query (percent-decoded, query dropped)" \
        200 "/%69ndex.html?x=1&y=2" --compressed
    same_page "$WORK/body" "$SITE/index.html" &&
        pass "GET /%69ndex.html: the bytes of index.html" ||
        fail "GET /%69ndex.html: body differs ($SAME_WHY)"
fi
# E2E_FIELDS="Name: value|...": fields every page reply must carry, on
# index.html or, when it has live fields (whose replies say
# "Cache-Control: no-store"), the site's first file without any
fields_url=
if [ -f "$SITE/index.html" ] && ! live_file "$SITE/index.html"; then
    fields_url=/index.html
else
    while IFS= read -r -d '' f; do
        live_file "$f" && continue
        fields_url=/$(urlencode "${f#"$SITE"/}")
        break
    done < <(find "$SITE" -mindepth 1 -name '.*' -prune -o -type f -print0 |
        LC_ALL=C sort -z)
fi
if [ -n "${E2E_FIELDS:-}" ] && [ -n "$fields_url" ]; then
    fetch "$fields_url" "$WORK/body"
    IFS='|' read -r -a fields <<<"$E2E_FIELDS"
    for field in "${fields[@]}"; do
        if [ "$(header "${field%%: *}")" = "${field#*: }" ]; then
            pass "GET $fields_url carries $field"
        else
            fail "GET $fields_url: ${field%%: *} is '$(header "${field%%: *}")', want '${field#*: }'"
        fi
    done
fi

# --- live fields ----------------------------------------------------------

# The sample site's status page: pagec-tun fills uptime (seconds since it
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

# --- actions --------------------------------------------------------------

# The sample site's LED (samples/live.c): the actions led:1:/led?set=1 and
# led:0:/led?set=0 set a variable, the live field led of index.html shows
# it. Each request is followed by a plain GET / whose led field must show
# the state the request left (on, off), whatever its own reply said.
if grep -q -- '<!--live:led:' "$SITE/index.html" 2>/dev/null &&
    grep -q -- '<!--action:led:1:/led?set=1-->' "$SITE/index.html" &&
    grep -q -- '<!--action:led:0:/led?set=0-->' "$SITE/index.html"; then
    # led_page BODY: the led field of BODY when it is index.html, else
    # empty
    led_page() {
        LED=
        same_page "$1" "$SITE/index.html" "$WORK/led.values" &&
            LED=$(live_value "$WORK/led.values" led)
    }
    # led_now: the LED as a plain GET / shows it, in NOW
    led_now() {
        fetch / "$WORK/led.now"
        NOW=
        [ "$CURL_RC" -eq 0 ] && [ "$CODE" = 200 ] && led_page "$WORK/led.now" &&
            NOW=$LED
    }
    # check_action DESCRIPTION CODE LED URLPATH CURL-ARGS...: the request
    # gets status CODE (for 200: index.html with the led field LED), and a
    # GET / after it shows LED
    check_action() {
        local what=$1 want=$2 led=$3 url=$4 why=""
        shift 4
        fetch_with "$url" "$WORK/led.body" --compressed "$@"
        if [ "$CURL_RC" -ne 0 ]; then
            why=" curl exit $CURL_RC: $(head -n 1 "$WORK/curl.err");"
        elif [ "$CODE" != "$want" ]; then
            why=" status $CODE (want $want);"
        elif [ "$want" = 200 ] && ! led_page "$WORK/led.body"; then
            why=" not index.html with its fields ($SAME_WHY);"
        elif [ "$want" = 200 ] && [ "$LED" != "$led" ]; then
            why=" the page shows the LED '$LED' (want $led);"
        fi
        led_now
        [ "$NOW" = "$led" ] || why+=" then GET / shows the LED '$NOW' (want $led);"
        if [ -z "$why" ]; then
            pass "$what: $want, then GET / shows the LED $led"
        else
            fail "$what:$why"
            tr -d '\r' <"$WORK/headers" | evidence
        fi
    }
    led_now
    if [ "$NOW" = off ]; then
        pass "GET /: the LED off at start"
    else
        fail "GET /: the LED '$NOW' at start (want off)"
    fi
    check_action "GET /led?set=1" 200 on "/led?set=1"
    check_action "GET /led?set=1 again" 200 on "/led?set=1"
    check_action "POST /led set=0 (a form, urlencoded)" 200 off /led -d set=0
    check_action "POST /led set=1, Origin: http://evil.example" 403 off \
        /led -d set=1 -H 'Origin: http://evil.example'
    check_action "GET /led?set=1, Sec-Fetch-Site: cross-site" 403 off \
        "/led?set=1" -H 'Sec-Fetch-Site: cross-site'
    check_action "POST /led set=1, Sec-Fetch-Site: same-site" 403 off \
        /led -d set=1 -H 'Sec-Fetch-Site: same-site'
    check_action "POST /led set=1, Origin: http://$SERVER_ADDR:8080 (another port)" \
        403 off /led -d set=1 -H "Origin: http://$SERVER_ADDR:8080"
    # what a browser sends for the page's own form
    check_action "POST /led set=1, Origin: http://$SERVER_ADDR, Sec-Fetch-Site: same-origin" \
        200 on /led -d set=1 -H "Origin: http://$SERVER_ADDR" \
        -H 'Sec-Fetch-Site: same-origin'
    check_action "GET /led?set=0, Sec-Fetch-Site: none (typed in)" 200 off \
        "/led?set=0" -H 'Sec-Fetch-Site: none'
    check_action "GET /led?set=1, Origin: http://evil.example" 403 off \
        "/led?set=1" -H 'Origin: http://evil.example'
    check_action "POST /led with an empty body (names no action)" 405 off \
        /led -d ''
    check_action "POST /led set=2 (names no action)" 405 off /led -d set=2
    check_action "POST /led without Content-Length" 411 off /led -X POST
    # a request with cookies, more than half the MSS: a Linux client
    # sends at most half the largest window offered in a segment, so it
    # comes in one segment only because our window is twice the MSS (a
    # form POST's body must be in it); the -v log shows that segment, its
    # length all curl sent, and the SYN-ACK's window
    pad=$(head -c $((MSS - 300)) /dev/zero | tr '\0' c)
    for set in 1 0; do
        led=$([ "$set" = 1 ] && echo on || echo off)
        echo "# e2e-mark cookie$set" >>"$LOG"
        check_action "POST /led set=$set with a Cookie of $((MSS - 300)) bytes" \
            200 "$led" /led -d "set=$set" -H "Cookie: pad=$pad" \
            --trace-ascii "$WORK/cookie.trace"
        sent=$(awk '$1 == "=>" && $2 == "Send" && ($3 == "header," || $3 == "data,") { n += $4 }
            END { print n + 0 }' "$WORK/cookie.trace")
        read -r win seg < <(awk -v m="# e2e-mark cookie$set" '$0 == m { on = 1; next }
            on && !win && $1 == "out" && $6 == "[S.]," { win = $12; sub(/,$/, "", win) }
            on && $1 == "in" && /"POST \/led HTTP\/1\.1"$/ { print win, $(NF - 3); exit }' "$LOG")
        if [ "$sent" -gt $((MSS / 2)) ] && [ "$sent" -le "$MSS" ] &&
            [ "${seg:-}" = "$sent" ] && [ "${win:-}" = $((2 * MSS)) ]; then
            pass "POST /led set=$set: its $sent bytes (over half the MSS $MSS) in one segment, after a SYN-ACK with the window $win"
        else
            fail "POST /led set=$set: curl sent $sent bytes (want $((MSS / 2 + 1)) to $MSS), the -v log says one segment of '${seg:-}' and a SYN-ACK window of '${win:-}' (want $((2 * MSS)))"
            grep -A8 -- "# e2e-mark cookie$set" "$LOG" | cut -c1-160 | evidence
        fi
    done
    # HEAD never runs an action: whatever its status, the LED stays off
    out=$(nsexec curl -sS -I --max-time "$CURL_MAX_TIME" \
        "http://$SERVER_ADDR/led?set=1" 2>&1 | tr -d '\r' | head -n 1)
    led_now
    if [ "$NOW" = off ]; then
        pass "HEAD /led?set=1 (${out:-no reply}): GET / shows the LED still off"
    else
        fail "HEAD /led?set=1 (${out:-no reply}): GET / shows the LED '$NOW' (want off)"
    fi
    # a POST whose body comes in a segment of its own, after the header:
    # 413, and the action does not run (env printf: the one of coreutils,
    # which writes once at its exit; bash's own writes line by line)
    echo "# e2e-mark led413" >>"$LOG"
    # shellcheck disable=SC2016 # expanded by the inner bash
    nsexec timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/80" || exit 1
        env printf "POST /led HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\n" "$0" >&3
        sleep 0.3
        env printf "set=1" >&3
        cat <&3' "$SERVER_ADDR" >"$WORK/led.raw" 2>/dev/null
    status=$(head -n 1 "$WORK/led.raw" | tr -d '\r')
    led_now
    # the header went whole in the first segment: its length in the -v log
    hlen=$(env printf "POST /led HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\n" "$SERVER_ADDR" | wc -c)
    seg=$(awk -v m="# e2e-mark led413" '$0 == m { on = 1; next }
        on && /"POST \/led HTTP\/1\.1"$/ { sub(/,$/, "", $(NF - 3)); print $(NF - 3); exit }' "$LOG")
    if [[ $status == "HTTP/1.1 413 "* ]] && [ "$NOW" = off ] && [ "$seg" = "$hlen" ]; then
        pass "POST /led, its $hlen bytes of header in one segment, set=1 in the next: $status, GET / shows the LED still off"
    else
        fail "POST /led, set=1 in a segment after the header's ($hlen bytes; the -v log says '$seg'): '$status' (want 413), then the LED '$NOW' (want off)"
        head -n 12 "$WORK/led.raw" | evidence
    fi
    if command -v wget >/dev/null 2>&1; then
        # wget_action DESCRIPTION CODE LED URLPATH WGET-ARGS...: wget gets
        # status CODE (for 200: index.html with the led field LED), and
        # GET / after it shows LED
        wget_action() {
            local what=$1 want=$2 led=$3 url=$4 rc=0 code
            shift 4
            nsexec wget -S -q -T 5 -t 1 -O "$WORK/led.wget" "$@" \
                "http://$SERVER_ADDR$url" 2>"$WORK/wget.err" || rc=$?
            code=$(awk '$1 ~ /^HTTP\// { print $2; exit }' "$WORK/wget.err")
            LED=
            [ "$rc" -eq 0 ] && led_page "$WORK/led.wget"
            led_now
            if [ "$code" = "$want" ] && [ "$NOW" = "$led" ] &&
                { [ "$want" != 200 ] || [ "$LED" = "$led" ]; }; then
                pass "wget $what: $want, then GET / shows the LED $led"
            else
                fail "wget $what: exit $rc, status '$code' (want $want), the page shows '$LED', GET / '$NOW' (want $led)"
                evidence <"$WORK/wget.err"
            fi
        }
        wget_action "/led?set=1" 200 on "/led?set=1"
        wget_action "/led?set=0" 200 off "/led?set=0"
        # wget writes a POST's header and its body apart: the body comes
        # in a segment of its own, which a stateless server never sees
        # with the header (pagec(3)): 413, and the LED stays as it was
        wget_action "--post-data=set=1 /led (the body in a segment of its own)" \
            413 off /led --post-data=set=1
    else
        echo "# wget not found: the actions not fetched with wget"
    fi
fi

# --- ping ------------------------------------------------------------------

# check_ping DESCRIPTION COUNT PING-ARGS...: all COUNT echo requests must
# be answered, with intact data (ping reports "wrong data" otherwise).
check_ping() {
    local what=$1 count=$2 out rc received
    shift 2
    out=$(nsexec timeout 20 ping -n -c "$count" -W 2 "$@" "$SERVER_ADDR" 2>&1)
    rc=$?
    received=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p')
    if [ "$rc" -eq 0 ] && [ "${received:-0}" -eq "$count" ] &&
        ! printf '%s\n' "$out" | grep -Eq 'wrong data|DUP!|corrupted'; then
        pass "$what: $received/$count replies"
    else
        fail "$what: ping exit $rc, ${received:-0}/$count replies"
        printf '%s\n' "$out" | head -n 30 | evidence
    fi
}

check_ping "ping" 3
check_ping "ping -s 1000" 1 -s 1000

# --- port mode -------------------------------------------------------------

for spec in ${E2E_PORTS:-}; do
    port=${spec%%=*}
    path=${spec#*=}
    path=${path#/}
    fetch_with ":$port/whatever?is=asked" "$WORK/body"
    if [ "$CODE" = 200 ] && same_page "$WORK/body" "$SITE/$path"; then
        pass "port $port: /$path, whatever the request"
    else
        fail "port $port: status $CODE, curl exit $CURL_RC (want /$path)"
    fi
    fetch_with ":$port/" "$WORK/body" -X POST -d 'x=1'
    if [ "$CODE" = 200 ] && same_page "$WORK/body" "$SITE/$path"; then
        pass "port $port: /$path to a POST too, its data unread"
    else
        fail "port $port: POST got status $CODE"
    fi
done

# --- curl -I ----------------------------------------------------------------

if [ -f "$SITE/index.html" ]; then
    out=$(nsexec curl -sS -I --max-time "$CURL_MAX_TIME" \
        "http://$SERVER_ADDR/index.html" 2>&1 | tr -d '\r')
    if live_file "$SITE/index.html"; then
        if printf '%s\n' "$out" | grep -q '^HTTP/1.1 200 $' &&
            ! printf '%s\n' "$out" | grep -qi '^etag:' &&
            printf '%s\n' "$out" | grep -qix 'cache-control: no-store'; then
            pass "curl -I /index.html, a live page: 200 without an ETag, Cache-Control: no-store"
        else
            fail "curl -I /index.html, a live page"
            printf '%s\n' "$out" | evidence
        fi
    elif printf '%s\n' "$out" | grep -q '^HTTP/1.1 200 $' &&
        printf '%s\n' "$out" | grep -qi '^etag: "'; then
        pass "curl -I /index.html: 200 with an ETag"
    else
        fail "curl -I /index.html"
        printf '%s\n' "$out" | evidence
    fi
fi

# --- closed port -----------------------------------------------------------

t0=$(date +%s%N)
nsexec curl -sS --connect-timeout 5 --max-time 5 -o /dev/null \
    "http://$SERVER_ADDR:81/" 2>"$WORK/curl.err"
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if [ "$rc" -eq 7 ] && [ "$ms" -le "$REFUSED_MAX_MS" ]; then
    pass "port 81 refused in $ms ms"
else
    fail "port 81: curl exit $rc after $ms ms (want 7, connection refused, in at most $REFUSED_MAX_MS ms)"
    evidence <"$WORK/curl.err"
fi
# -v says why: the runtime's counters (PAGEC_STATS)
if grep -q '^why: a closed port' "$LOG"; then
    pass "pagec-tun -v says why port 81 got an RST"
else
    fail "pagec-tun -v: no 'why: a closed port' line after the SYN to port 81"
fi

# --- packets of one fetch --------------------------------------------------

# Which page to fetch for the packet count: index.html if any, else the
# first file.
count_url=
if [ -f "$SITE/index.html" ]; then
    count_url=/index.html
else
    first=$(find "$SITE" -mindepth 1 -name '.*' -prune -o -type f -print |
        LC_ALL=C sort | head -n 1)
    [ -n "$first" ] && count_url=/$(urlencode "${first#"$SITE"/}")
fi

# tun_counter NAME: a statistics counter of the TUN device. The kernel
# receives (rx) what the server writes and transmits (tx) what it reads.
tun_counter() {
    nsexec cat "/sys/class/net/$TUN/statistics/$1" 2>/dev/null || echo 0
}

########################################################################
# ADAPT HERE: the format of the pagec-tun -v log.
#
# Assumed: one line per packet, and a line for a packet the server sent
# starts with "out " (received ones with "in "). E2E_OUT_RE overrides the
# pattern. log_mark writes a marker line into the log (both the server and
# we append to it with O_APPEND, and the server's stdout is line-buffered
# through stdbuf); log_count_out counts the server's packets logged after
# the last marker of that name.
########################################################################
OUT_RE=${E2E_OUT_RE:-'^out '}

log_mark() {
    echo "# e2e-mark $1" >>"$LOG"
}

log_count_out() {
    awk -v mark="# e2e-mark $1" -v re="$OUT_RE" '
        $0 == mark { n = 0; seen = 1; next }
        seen && $0 ~ re { n++ }
        END { print n + 0 }' "$LOG"
}

log_lines_after() {
    awk -v mark="# e2e-mark $1" '
        $0 == mark { delete l; n = 0; seen = 1; next }
        seen { l[n++] = $0 }
        END { for (i = 0; i < n; i++) print l[i] }' "$LOG"
}
########################################################################

if [ -n "$count_url" ]; then
    sleep 0.5 # let earlier exchanges end
    rx0=$(tun_counter rx_packets)
    tx0=$(tun_counter tx_packets)
    log_mark count
    fetch "$count_url" "$WORK/body"
    # The client's FIN and the server's ACK of it follow the fetch; wait
    # for them (at most 2 s), then a little longer to see any extra.
    for ((i = 0; i < 20; i++)); do
        [ $(($(tun_counter rx_packets) - rx0)) -ge 3 ] && break
        sleep 0.1
    done
    sleep 0.5
    rx=$(($(tun_counter rx_packets) - rx0))
    tx=$(($(tun_counter tx_packets) - tx0))
    if [ "$CURL_RC" -eq 0 ] && [ "$rx" -eq 3 ]; then
        pass "GET $count_url: 3 packets from the server, $tx from the client (device counters)"
    else
        fail "GET $count_url: $rx packets from the server (want 3), $tx from the client, curl exit $CURL_RC (device counters)"
        log_lines_after count | head -n 40 | evidence
    fi
    nlog=$(log_count_out count)
    if [ "$nlog" -eq 3 ]; then
        pass "GET $count_url: 3 packets sent in the -v log"
    else
        fail "GET $count_url: $nlog lines matching /$OUT_RE/ in the -v log (want 3)"
        log_lines_after count | head -n 40 | evidence
    fi
    # -v shows the request line and the status of the reply
    if log_lines_after count | grep -q "^in .* \"GET $count_url HTTP/1.1\"\$" &&
        log_lines_after count | grep -q '^out .* HTTP 200$'; then
        pass "GET $count_url: the -v log shows the request line and HTTP 200"
    else
        fail "GET $count_url: no request line or HTTP 200 in the -v log"
        log_lines_after count | head -n 40 | evidence
    fi
fi

# --- fragments in the -v log ----------------------------------------------

# a ping too big for one datagram: the -v log shows its later fragments
# as fragments, not as ICMP messages of a type read from their data
log_mark frag
nsexec timeout 5 ping -n -c 1 -W 1 -s 3000 "$SERVER_ADDR" >/dev/null 2>&1
sleep 0.2
if log_lines_after frag |
    grep -Eq '^in .*: fragment of proto 1, id [0-9]+, offset [1-9][0-9]*, length [0-9]+'; then
    pass "pagec-tun -v: a later fragment shown as a fragment (offset, length)"
else
    fail "pagec-tun -v: no fragment line for a ping of 3000 bytes"
    log_lines_after frag | head -n 10 | evidence
fi
if log_lines_after frag | grep -Eq 'ICMP type ([1-79]|[1-9][0-9]+),'; then
    fail "pagec-tun -v: a fragment shown as ICMP of another type than echo"
    log_lines_after frag | head -n 10 | evidence
else
    pass "pagec-tun -v: no ICMP line but echo requests and replies"
fi

# --- benchmark (E2E_BENCH=N) ------------------------------------------------

# N sequential fetches of one page, each a new connection; prints the
# packets per fetch (device counters) and curl's time from the start of
# the connection to the last byte. Informational: nothing is asserted.
bench=${E2E_BENCH:-0}
if [ -n "$count_url" ] && [ "$bench" -gt 0 ] 2>/dev/null; then
    [ "$bench" -le 10000 ] || bench=10000
    sleep 0.5
    rx0=$(tun_counter rx_packets)
    tx0=$(tun_counter tx_packets)
    : >"$WORK/times"
    for ((i = 0; i < bench; i++)); do
        nsexec curl -s --max-time "$CURL_MAX_TIME" -o /dev/null \
            -w '%{time_total}\n' "http://$SERVER_ADDR$count_url" \
            >>"$WORK/times" || break
    done
    sleep 0.5
    rx=$(($(tun_counter rx_packets) - rx0))
    tx=$(($(tun_counter tx_packets) - tx0))
    sort -n "$WORK/times" | awk -v n="$bench" -v rx="$rx" -v tx="$tx" \
        -v url="$count_url" '
        { t[NR] = $1 * 1000; sum += $1 * 1000 }
        END {
            if (NR == 0) { print "bench: no fetch succeeded"; exit }
            printf "bench: GET %s x %d: %.2f packets from the server and " \
                "%.2f from the client per fetch\n", url, NR, rx / NR, tx / NR
            printf "bench: time per fetch (curl time_total): mean %.3f ms, " \
                "median %.3f ms, min %.3f ms, max %.3f ms\n", sum / NR,
                t[int((NR + 1) / 2)], t[1], t[NR]
        }'
fi

# --- shutdown --------------------------------------------------------------

check_shutdown

finish
