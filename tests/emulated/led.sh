# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# tests/emulated/led.sh - the LED checks of the emulated firmware tests
# (avr.sh, m3.sh): the sample site's actions switch the board's LED, and
# the status page's led field shows it. Sourced, after tests/e2e/common.sh,
# by a test whose firmware serves samples/site at SERVER_ADDR in the
# network namespace NS.
#
# check_led PIN_COMMAND...  runs the checks below; PIN_COMMAND prints the
#     level of the LED's pin as the emulator sees it, 1 or 0 (or anything
#     else when it cannot tell): the pin itself, not the page's word for it
#
# The site (samples/site/index.html) has the live field led (3 bytes) and
# the actions <!--action:led:1:/led?set=1--> and <!--action:led:0:/led?set=0-->,
# which serve index.html after the action. In order:
#   - GET /led?set=1: index.html whose led field says "on", the pin high;
#     then GET /: still "on" (the state is the board's, not the reply's);
#   - GET /led?set=0: "off", the pin low;
#   - POST /led with the body set=1 (a form's urlencoded body, as curl -d
#     sends it): "on", the pin high; POST /led set=0: "off", the pin low;
#   - POST /led set=1 with Sec-Fetch-Site: cross-site (a form of another
#     site): 403, and the pin stays low; GET /: "off".
#
# Uses from the caller: SITE (the site's folder), WORK, SERVER_ADDR,
# CURL_MAX_TIME, pass, fail, evidence, nsexec, same_page, live_value.

# led_fetch NAME [CURL ARGS...] URLPATH: fetches URLPATH into WORK/led.NAME;
# sets LED_CODE (the status, 000 when curl failed) and LED_WORD (the led
# field of a 200 that is index.html, else empty) and LED_WHY.
led_fetch() {
    local name=$1 body
    shift
    body=$WORK/led.$name
    LED_WORD=
    LED_WHY=
    LED_CODE=$(nsexec curl -sS --compressed --connect-timeout 5 \
        --max-time "$CURL_MAX_TIME" -o "$body" -w '%{http_code}' \
        "${@:1:$#-1}" "http://$SERVER_ADDR${*: -1}" 2>"$body.err") || {
        LED_CODE=000
        LED_WHY="curl: $(head -n 1 "$body.err")"
        return 1
    }
    [ "$LED_CODE" = 200 ] || return 0
    if same_page "$body" "$SITE/index.html" "$body.values"; then
        LED_WORD=$(live_value "$body.values" led | tr -d ' ')
    else
        LED_WHY="not index.html: $SAME_WHY"
    fi
}

# led_step TEXT WANT_CODE WANT_WORD WANT_PIN PIN_COMMAND... -- [CURL ARGS...] URLPATH
led_step() {
    local text=$1 want_code=$2 want_word=$3 want_pin=$4 pin_cmd=() pin
    shift 4
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        pin_cmd+=("$1")
        shift
    done
    shift
    LED_N=$((${LED_N:-0} + 1))
    led_fetch "$LED_N" "$@"
    pin=$("${pin_cmd[@]}" 2>&1)
    if [ "$LED_CODE" = "$want_code" ] && [ "$LED_WORD" = "$want_word" ] &&
        [ "$pin" = "$want_pin" ]; then
        pass "$text: $LED_CODE, led field '$LED_WORD', the pin's level $pin"
    else
        fail "$text: status $LED_CODE (want $want_code), led field '$LED_WORD' (want '$want_word'), the pin's level '$pin' (want $want_pin)${LED_WHY:+; $LED_WHY}"
    fi
}

check_led() {
    local pin
    if ! grep -q -- '<!--live:led:' "$SITE/index.html" ||
        ! grep -q -- '<!--action:led:1:/led?set=1-->' "$SITE/index.html"; then
        fail "the site $SITE has no led field and led actions (samples/site has them)"
        return
    fi
    pin=$("$@" 2>&1)
    if [ "$pin" = 0 ]; then
        pass "the LED's pin is low before any action"
    else
        fail "the LED's pin before any action: '$pin' (want 0)"
    fi
    led_step "GET /led?set=1" 200 on 1 "$@" -- '/led?set=1'
    led_step "GET / after it" 200 on 1 "$@" -- /
    led_step "GET /led?set=0" 200 off 0 "$@" -- '/led?set=0'
    led_step "POST /led, body set=1" 200 on 1 "$@" -- -d set=1 /led
    led_step "POST /led, body set=0" 200 off 0 "$@" -- -d set=0 /led
    led_step "POST /led, body set=1, from another site (Sec-Fetch-Site: cross-site)" \
        403 '' 0 "$@" -- -H 'Sec-Fetch-Site: cross-site' -d set=1 /led
    led_step "GET / after it" 200 off 0 "$@" -- /
}
