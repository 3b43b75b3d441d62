#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/browser/action.sh - a real browser clicks the sample site's LED
# buttons, served by pagec-tun.
#
# Usage: action.sh PAGEC_TUN_BINARY SITE_DIR
#
# SITE_DIR must be the sample site (samples/site): index.html with the
# live field led and a form posting set=1 or set=0 to /led, the actions
# led:1:/led?set=1 and led:0:/led?set=0 (pagec(1), "Actions"), which
# pagec-tun runs through samples/live.c.
#
# Creates a network namespace of its own with a TUN device, runs
# PAGEC_TUN_BINARY -v on it (192.0.2.1 is the kernel's side, 192.0.2.2 the
# server, as in tests/e2e/e2e.sh), then for the button "on", and after it
# the button "off":
#
#   1. curl: GET / shows the LED in the other state;
#   2. headless Chromium, driven through the DevTools protocol on a pipe
#      (click.py), loads http://192.0.2.2/, finds the button, and clicks
#      the middle of its box with the mouse; the click must navigate to
#      http://192.0.2.2/led, and the document it loads must be index.html
#      with its live fields (tests/tools/live.py find) and the LED in the
#      button's state;
#   3. the -v log must show the browser's "POST /led HTTP/1.1" and a
#      reply with HTTP 200 after the click;
#   4. curl: GET / shows the LED in the button's state: the device's own
#      state, not the browser's.
#
# All traffic stays inside the namespace. Every Chromium run is bounded
# (CLICK_TIMEOUT seconds).
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (root, /dev/net/tun, network namespaces,
# chromium, python3, curl); in CI a missing one is a failure.
#
# Environment:
#   BROWSER_KEEP=1  keep the work directory (server log, documents,
#                   Chromium's stderr) and print its path

set -u

PROG=${0##*/}
# shellcheck disable=SC2034 # read by common.sh
SERVER_NAME=pagec-tun
# shellcheck disable=SC2034 # read by common.sh
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
URL=http://$SERVER_ADDR/
CLICK_TIMEOUT=60       # seconds for one click.py run
CURL_MAX_TIME=5
# shellcheck disable=SC2034 # read by common.sh
STOP_WAIT=30           # tenths of a second to wait for the server to exit

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

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-action.XXXXXX") || exit 1
LOG=$WORK/pagec-tun.log
# shellcheck disable=SC2034 # read by common.sh
LOG_HEADING="last lines of the pagec-tun -v log ($LOG):"
# shellcheck disable=SC2034 # read by common.sh
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    # also kills what still runs in the namespace
    ns_teardown
    remove_work "${BROWSER_KEEP:-0}"
}
trap_cleanup

ns_create action pact
ns_start_server --stdbuf "$BIN" --dev "$TUN" -v
pass "pagec-tun -v runs on $TUN in namespace $NS"

# led_of FILE: the led field of FILE (a document), by live.py find
led_of() {
    python3 "$LIVE_TOOL" find "$INDEX" "$1" 2>"$1.why" |
        awk '$1 == "led" { print $2; exit }'
}

# curl_led: the LED as curl's GET / shows it, in NOW ('' when the reply
# is not index.html with its fields)
curl_led() {
    local values=$WORK/curl.values
    NOW=
    ip netns exec "$NS" curl -sS --compressed --max-time "$CURL_MAX_TIME" \
        -o "$WORK/curl.body" "$URL" 2>"$WORK/curl.err" || return 0
    same_page "$WORK/curl.body" "$INDEX" "$values" &&
        NOW=$(live_value "$values" led)
}

# click VALUE STATE: the button set=VALUE, which turns the LED STATE
click() {
    local value=$1 state=$2 other dir rc=0 href before after
    [ "$state" = on ] && other=off || other=on
    curl_led
    if [ "$NOW" = "$other" ]; then
        pass "curl GET /: the LED $other before the click on \"$state\""
    else
        fail "curl GET /: the LED '$NOW' before the click on \"$state\" (want $other)"
    fi

    dir=$(mktemp -d "$WORK/click-$state.XXXXXX") || exit 1
    echo "# e2e-mark click-$state" >>"$LOG"
    ip netns exec "$NS" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" \
        XDG_CACHE_HOME="$dir/cache" \
        timeout -k 5 "$CLICK_TIMEOUT" python3 "$HERE/click.py" "$URL" \
        "form button[name=set][value=\"$value\"]" "$dir" \
        $((CLICK_TIMEOUT - 10)) chromium --headless --no-sandbox \
        --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update \
        --disable-sync --disable-default-apps --hide-scrollbars \
        --window-size=800,600 --remote-debugging-pipe \
        --user-data-dir="$dir/profile" about:blank \
        >"$dir/click.out" 2>"$dir/click.err" || rc=$?
    href=$(sed -n 's/^navigated //p' "$dir/click.out")
    if [ "$rc" -ne 0 ]; then
        fail "Chromium clicks \"$state\": click.py exit status $rc$([ "$rc" -eq 124 ] && echo " (timed out after $CLICK_TIMEOUT s)")"
        { cat "$dir/click.out"; grep -v -e dbus -e '^/usr/bin/chromium:' \
            "$dir/click.err" | tail -n 10; } | evidence
        return
    fi
    before=$(led_of "$dir/before.html")
    after=$(led_of "$dir/after.html")
    if [ "$before" = "$other" ]; then
        pass "Chromium loads $URL: the page shows the LED $other"
    else
        fail "Chromium loads $URL: the page shows the LED '$before' (want $other): $(cat "$dir/before.html.why")"
    fi
    if [ "$href" = "${URL}led" ] && [ "$after" = "$state" ]; then
        pass "Chromium: a mouse click on \"$state\" ($(sed -n 's/^click //p' "$dir/click.out" | tr ' ' ,)) loads $href, which shows the LED $state"
    else
        fail "Chromium: the click on \"$state\" loaded '$href' (want ${URL}led), which shows the LED '$after' (want $state)"
        { cat "$dir/click.out"; cat "$dir/after.html.why"; } | evidence
    fi
    # the wire: the browser's POST and the device's 200
    if awk -v m="# e2e-mark click-$state" '$0 == m { on = 1; next }
        on && /"POST \/led HTTP\/1\.1"$/ { post = 1; next }
        post && /^out .* HTTP 200$/ { ok = 1 } END { exit !ok }' "$LOG"; then
        pass "pagec-tun -v: \"POST /led HTTP/1.1\" from the browser, then HTTP 200"
    else
        fail "pagec-tun -v: no \"POST /led HTTP/1.1\" followed by HTTP 200 after the click"
        awk -v m="# e2e-mark click-$state" '$0 == m { on = 1; next } on' \
            "$LOG" | grep -E '"|HTTP' | head -n 20 | evidence
    fi
    curl_led
    if [ "$NOW" = "$state" ]; then
        pass "curl GET / after the click: the LED $state"
    else
        fail "curl GET / after the click: the LED '$NOW' (want $state)"
    fi
}

click 1 on
click 0 off

# --- shutdown --------------------------------------------------------------

check_shutdown

finish
