#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/browser/csrf.sh - another site's pages, in a real browser, try to
# turn on the sample site's LED (cross-site request forgery); the device
# must refuse them, while its own page still can.
#
# Usage: csrf.sh PAGEC_TUN_BINARY SITE_DIR
#
# SITE_DIR must be the sample site (samples/site), whose actions
# led:1:/led?set=1 and led:0:/led?set=0 pagec-tun runs through
# samples/live.c, showing the LED in the live field led.
#
# Creates a network namespace of its own with a TUN device and runs
# PAGEC_TUN_BINARY -v on it (192.0.2.1 is the kernel's side, 192.0.2.2 the
# device, as in tests/e2e/e2e.sh). The attacker is python3's http.server
# on 192.0.2.1 port 8080 in the same namespace: another origin and
# another site. Its pages, each loaded in headless Chromium driven through
# the DevTools protocol on a pipe (visit.py, which records every request
# the page makes to the device and the header fields Chromium sent):
#
#   form.html   a form (method=post action=http://192.0.2.2/led, set=1)
#               submitted by the page's onload: a cross-site form POST,
#               a top-level navigation
#   img.html    <img src="http://192.0.2.2/led?set=1">: a cross-site GET
#   fetch.html  fetch() in no-cors mode: a GET of /led?set=1 and a POST of
#               set=1 (application/x-www-form-urlencoded) to /led
#   nav.html    location = 'http://192.0.2.2/led?set=1' from a script: a
#               cross-site top-level navigation
#   noref.html  the GETs of img.html and fetch.html again, from a page
#               whose <meta name="referrer"> is no-referrer
#
# For each page, with the LED off before it:
#
#   1. the attacker's server log shows Chromium fetched the page;
#   2. each request the page makes reached the device: the -v log shows
#      its request line ("POST /led HTTP/1.1") after the page was opened,
#      and the device's reply to that connection, whose status must be 403
#      (200 for noref.html: pagec(3) says such a GET runs)
#      (printed whatever it is, with the Origin, Sec-Fetch-Site and Referer
#      Chromium sent, so a request the device let through shows why);
#   3. curl (another client): GET / shows the LED still off (on after
#      noref.html, then turned off again). When it is
#      on, the check fails and curl's GET /led?set=0 turns it off again, so
#      that the next page is judged on its own.
#
# Then the control: the same browser loads http://192.0.2.2/ and clicks
# its button "on" (click.py, as action.sh does): a same-origin form POST,
# which the -v log must show answered with 200, and after which curl's
# GET / shows the LED on. So the refusals above are not a device, a
# browser or a set-up that cannot change the LED at all.
#
# All traffic stays inside the namespace. Every Chromium run is bounded
# (VISIT_TIMEOUT seconds).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces,
# chromium, python3, curl); in CI a missing one is a failure.
#
# Environment:
#   BROWSER_KEEP=1  keep the work directory (server logs, the header
#                   fields of each request, Chromium's stderr) and print
#                   its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-tun
# shellcheck disable=SC2034 # read by common.sh
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
URL=http://$SERVER_ADDR/
ATTACKER_PORT=8080
ATTACKER=http://$CLIENT_ADDR:$ATTACKER_PORT
VISIT_TIMEOUT=30       # seconds for one visit.py or click.py run
CURL_MAX_TIME=5
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30           # tenths of a second to wait for a server to exit

HERE=$(cd "$(dirname -- "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../e2e/common.sh disable=SC1091
. "$HERE/../e2e/common.sh" || exit 1

check_args PAGEC_TUN_BINARY "$@"
BIN=$(cd "$(dirname -- "$BIN")" && pwd)/$(basename -- "$BIN")
INDEX=$SITE/index.html
if ! grep -q -- '<!--live:led:' "$INDEX" 2>/dev/null ||
    ! grep -q -- '<!--action:led:1:/led?set=1-->' "$INDEX" ||
    ! grep -q -- '<!--action:led:0:/led?set=0-->' "$INDEX" ||
    ! grep -q '<form method="post" action="/led">' "$INDEX"; then
    echo "$PROG: $INDEX has not the LED of samples/site" >&2
    exit 2
fi

# --- prerequisites ---------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
need ip "(iproute2)"
need chromium
need python3
need curl
need timeout "(coreutils)"

# --- set-up and clean-up ---------------------------------------------------

ATTACKER_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-csrf.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
ALOG=$WORK/attacker.log
PAGES=$WORK/attacker
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    if [ -n "$ATTACKER_PID" ]; then
        stop_process "$ATTACKER_PID" "the attacker's http.server"
    fi
    # also kills what still runs in the namespace
    ns_teardown
    remove_work "${BROWSER_KEEP:-0}"
}
trap_cleanup

# The attacker's pages.
mkdir "$PAGES" || exit 1
cat >"$PAGES/form.html" <<EOF
<!DOCTYPE html>
<html><head><title>form</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${URL}led"><input name="set" value="1"></form>
</body></html>
EOF
cat >"$PAGES/img.html" <<EOF
<!DOCTYPE html>
<html><head><title>img</title></head>
<body><img src="${URL}led?set=1" alt=""></body></html>
EOF
cat >"$PAGES/fetch.html" <<EOF
<!DOCTYPE html>
<html><head><title>fetch</title></head>
<body><script>
fetch("${URL}led?set=1", {mode: "no-cors"}).catch(function () {});
fetch("${URL}led", {mode: "no-cors", method: "POST",
    body: new URLSearchParams({set: "1"})}).catch(function () {});
</script></body></html>
EOF
cat >"$PAGES/nav.html" <<EOF
<!DOCTYPE html>
<html><head><title>nav</title></head>
<body><script>location = "${URL}led?set=1";</script></body></html>
EOF
cat >"$PAGES/noref.html" <<EOF
<!DOCTYPE html>
<html><head><title>noref</title>
<meta name="referrer" content="no-referrer"></head>
<body><img src="${URL}led?set=1" alt="">
<script>
fetch("${URL}led?set=1", {mode: "no-cors"}).catch(function () {});
</script></body></html>
EOF

ns_create csrf pcsrf
ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
pass "pagec-tun -v runs on $TUN in namespace $NS"

# The attacker's server, on the kernel's side of the TUN device. Not
# through nsexec: $! must be its PID (ip netns exec execs it).
ip netns exec "$NS" python3 -m http.server --bind "$CLIENT_ADDR" \
    --directory "$PAGES" "$ATTACKER_PORT" >"$ALOG" 2>&1 &
ATTACKER_PID=$!
up=0
for ((i = 0; i < 50; i++)); do
    if nsexec curl -sS -o /dev/null --max-time 1 "$ATTACKER/img.html" \
            2>/dev/null; then
        up=1
        break
    fi
    kill -0 "$ATTACKER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ "$up" -ne 1 ]; then
    fail "the attacker's http.server serves $ATTACKER/ within 5 s"
    evidence <"$ALOG"
    finish
fi
pass "the attacker's http.server serves $ATTACKER/ in the namespace"

# curl_led: the LED as curl's GET / shows it, in NOW ('' when the reply
# is not index.html with its fields)
curl_led() {
    local values=$WORK/curl.values
    NOW=
    nsexec curl -sS --compressed --max-time "$CURL_MAX_TIME" \
        -o "$WORK/curl.body" "$URL" 2>"$WORK/curl.err" || return 0
    same_page "$WORK/curl.body" "$INDEX" "$values" &&
        NOW=$(live_value "$values" led)
}

# set_led VALUE: curl's GET /led?set=VALUE, no Origin, no Sec-Fetch-Site
set_led() {
    nsexec curl -sS -o /dev/null --max-time "$CURL_MAX_TIME" \
        "${URL}led?set=$1" 2>>"$WORK/curl.err"
}

# reply NAME REQUEST N: the status the device answered the Nth request
# whose request line is REQUEST ("GET /led?set=1") with, between the marks
# of the visit NAME in the -v log, in STATUS ('' when that request is not
# in the log, "none" when no reply to its connection is), and the
# client's port in PORT
reply() {
    local r
    r=$(awk -v client="$CLIENT_ADDR" -v name="$1" -v req="\"$2 HTTP/1.1\"" -v n="$3" '
        $0 == "# csrf-mark " name { on = 1; next }
        $0 == "# csrf-end " name { on = 0 }
        !on { next }
        port == "" && $1 == "in" && substr($0, length($0) - length(req) + 1) == req {
            if (++seen == n) {
                port = $2; sub(/.*\./, "", port)
                dst = client "." port ":"
            }
            next
        }
        port != "" && $1 == "out" && $4 == dst && $(NF - 1) == "HTTP" {
            status = $NF
            exit
        }
        END { if (port != "") print port, (status == "" ? "none" : status) }
        ' "$LOG")
    PORT=${r% *}
    STATUS=${r#* }
    [ -n "$r" ] || STATUS=
}

# field FILE METHOD URL N NAME: the field NAME (origin, site, mode,
# dest) of the Nth request METHOD URL in visit.py's output FILE ('-'
# when Chromium did not send it)
field() {
    awk -v m="$2" -v u="$3" -v n="$4" -v f="$5" '
        $1 == "request" && $2 == m && $3 == u && ++seen == n {
            for (i = 4; i < NF; i += 2) if ($i == f) { print $(i + 1); exit }
        }' "$1"
}

# headers FILE METHOD URL N: the header fields Chromium sent with the
# Nth request METHOD URL, one a line
headers() {
    awk -v want="  $2 $3" -v n="$4" '
        /^headers$/ { h = 1; next }
        h && /^  [^ ]/ { on = ($0 == want && ++seen == n); next }
        h && on { sub(/^ */, ""); print }' "$1"
}

# referer FILE METHOD URL N: the Referer Chromium sent with that request
referer() {
    headers "$@" | awk 'tolower($1) == "referer:" { print $2; exit }'
}

# attack NAME TEXT REQUEST...: the attacker's page NAME.html (TEXT says
# what it does), which must send each REQUEST ("METHOD TARGET") to the
# device, in Chromium; each must be refused and the LED stay off
attack() {
    local name=$1 text=$2 dir rc=0 req method target url n why
    local origin site ref seen_by seen=" "
    shift 2
    dir=$(mktemp -d "$WORK/$name.XXXXXX") || exit 1
    echo "# csrf-mark $name" >>"$LOG"
    ip netns exec "$NS" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" \
        XDG_CACHE_HOME="$dir/cache" \
        timeout -k 5 "$VISIT_TIMEOUT" python3 "$HERE/visit.py" \
        "$ATTACKER/$name.html" "$SERVER_ADDR" $# $((VISIT_TIMEOUT - 10)) \
        chromium --headless --no-sandbox \
        --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update \
        --disable-sync --disable-default-apps --hide-scrollbars \
        --window-size=800,600 --remote-debugging-pipe \
        --user-data-dir="$dir/profile" about:blank \
        >"$dir/visit.out" 2>"$dir/visit.err" || rc=$?
    echo "# csrf-end $name" >>"$LOG"
    if [ "$rc" -ne 0 ]; then
        fail "$name.html in Chromium ($text): visit.py exit status $rc$([ "$rc" -eq 124 ] && echo " (timed out after $VISIT_TIMEOUT s)")"
        { cat "$dir/visit.out"; grep -v -e dbus -e '^/usr/bin/chromium:' \
            "$dir/visit.err" | tail -n 10; } | evidence
    fi
    if grep -q "\"GET /$name.html HTTP/1.1\" 200" "$ALOG"; then
        pass "$name.html ($text): Chromium fetched it from the attacker's server"
    else
        fail "$name.html ($text): not in the attacker's server log"
    fi

    for req in "$@"; do
        method=${req%% *}
        target=${req#* }
        url=$URL${target#/}
        # the Nth request with this line of the page
        n=$(printf '%s' "$seen" | grep -o " $method $target|" | wc -l)
        n=$((n + 1))
        seen="$seen$method $target| "
        reply "$name" "$method $target" "$n"
        origin=$(field "$dir/visit.out" "$method" "$url" "$n" origin)
        site=$(field "$dir/visit.out" "$method" "$url" "$n" site)
        ref=$(referer "$dir/visit.out" "$method" "$url" "$n")
        seen_by=$(field "$dir/visit.out" "$method" "$url" "$n" status)
        why="Chromium sent Origin ${origin:-?}, Sec-Fetch-Site ${site:-?}, Referer ${ref:--}; its own view of the status: ${seen_by:-none}"
        if [ -z "$STATUS" ]; then
            fail "$name.html: \"$method $target\" never reached the device (not in the -v log)"
        elif [ "$STATUS" = "$WANT" ]; then
            pass "$name.html: \"$method $target\" reached the device (port $PORT), which answered $WANT ($why)"
        else
            fail "$name.html: \"$method $target\" reached the device (port $PORT), which answered $STATUS, not $WANT ($why)"
            headers "$dir/visit.out" "$method" "$url" "$n" | evidence
        fi
    done

    curl_led
    if [ "$NOW" = "$WANT_LED" ] && [ "$NOW" = on ]; then
        pass "curl GET / after $name.html: the LED on, as pagec(3) says a GET with no Referer does"
        set_led 0
        curl_led
        [ "$NOW" = off ] || fail "curl GET /led?set=0: the LED '$NOW' (want off)"
    elif [ "$NOW" = "$WANT_LED" ]; then
        pass "curl GET / after $name.html: the LED off"
    else
        fail "curl GET / after $name.html: the LED '$NOW' (want off)"
        set_led 0
        curl_led
        [ "$NOW" = off ] || fail "curl GET /led?set=0: the LED '$NOW' (want off)"
    fi
}

curl_led
if [ "$NOW" = off ]; then
    pass "curl GET /: the LED off to begin with"
else
    fail "curl GET /: the LED '$NOW' to begin with (want off)"
    finish
fi

# what each page's requests get: 403 and the LED left off; but a GET
# without Referer cannot be told from the user's own (pagec(3), SECURITY
# CONSIDERATIONS): it runs, which the test holds the device to as well
WANT=403
WANT_LED=off
attack form "a cross-site form POST, submitted by its onload" "POST /led"
attack img "a cross-site <img>" "GET /led?set=1"
attack fetch "fetch() in no-cors mode, a GET and a form POST" \
    "GET /led?set=1" "POST /led"
attack nav "a cross-site top-level navigation by location =" "GET /led?set=1"
WANT=200
WANT_LED=on
attack noref "an <img> and a no-cors fetch() with no Referer" \
    "GET /led?set=1" "GET /led?set=1"

# --- the control: the device's own page, in the same browser --------------

dir=$(mktemp -d "$WORK/control.XXXXXX") || exit 1
rc=0
echo "# csrf-mark control" >>"$LOG"
ip netns exec "$NS" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" \
    XDG_CACHE_HOME="$dir/cache" \
    timeout -k 5 "$VISIT_TIMEOUT" python3 "$HERE/click.py" "$URL" \
    'form button[name=set][value="1"]' "$dir" $((VISIT_TIMEOUT - 10)) \
    chromium --headless --no-sandbox \
    --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update \
    --disable-sync --disable-default-apps --hide-scrollbars \
    --window-size=800,600 --remote-debugging-pipe \
    --user-data-dir="$dir/profile" about:blank \
    >"$dir/click.out" 2>"$dir/click.err" || rc=$?
echo "# csrf-end control" >>"$LOG"
if [ "$rc" -eq 0 ]; then
    pass "control: Chromium loads $URL and clicks its button \"on\", which loads $(sed -n 's/^navigated //p' "$dir/click.out")"
else
    fail "control: Chromium clicks \"on\" on $URL: click.py exit status $rc"
    { cat "$dir/click.out"; grep -v -e dbus -e '^/usr/bin/chromium:' \
        "$dir/click.err" | tail -n 10; } | evidence
fi
reply control "POST /led" 1
if [ "$STATUS" = 200 ]; then
    pass "control: the same-origin \"POST /led\" reached the device (port $PORT), which answered 200"
else
    fail "control: the same-origin \"POST /led\": status '${STATUS:-not in the -v log}' (want 200)"
fi
curl_led
if [ "$NOW" = on ]; then
    pass "control: curl GET / after the click: the LED on"
else
    fail "control: curl GET / after the click: the LED '$NOW' (want on)"
fi

# --- shutdown --------------------------------------------------------------

check_shutdown

finish
