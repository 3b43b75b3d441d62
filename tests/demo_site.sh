#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/demo_site.sh - this project built afresh for a site of a user's
# own, as the guide says: cmake -DPAGEC_DEMO_SITE=DIR.
#
# Usage: demo_site.sh CMAKE PAGEC_SOURCE_DIR SHARED_SITES
#
# Makes a small site unlike the sample site (a style sheet and a text
# file in a folder, names with spaces, no index.html, no /about.html) in
# a folder of its own, and then:
#   - configures and builds the whole project (samples, benchmarks,
#     tests) in a fresh build folder with PAGEC_DEMO_SITE set to it: the
#     build must succeed;
#   - no test of that build is given the site (CTestTestfile.cmake), and
#     its serve_sample test, which fetches the sample site from the
#     tests' own pagec-serve, passes;
#   - the pagec-serve it built serves the user's site: tests/e2e/serve.sh
#     fetches every file of it and compares the bytes;
#   - scripts/demo.sh --port PORT BUILD serves it on 127.0.0.1:PORT (a
#     free port), fetched by curl, and cleans up on SIGTERM; it needs
#     root, /dev/net/tun and the packages it would otherwise install, and
#     the test is skipped after its other checks without them;
#   - with a demo site that pagec refuses (a page too large for
#     PAGEC_DEMO_OPTIONS=--max-segments 1), the build
#     fails and pagec's message for it is printed once, not once for each
#     program that serves the site (built with make -k, which would run
#     every compilation of it).
#
# Prints one line per check; exit status 0 when all passed, 1 when one
# failed, 2 on a usage error, 77 when a tool is missing (skipped).
# Environment: CTEST, the ctest of CMAKE (default: ctest on PATH).

set -u
PROG=${0##*/}
if [ $# -ne 3 ]; then
    echo "usage: $PROG CMAKE PAGEC_SOURCE_DIR SHARED_SITES" >&2
    exit 2
fi
CMAKE=$1
SRC=$(cd "$2" && pwd) || exit 2
SHARED=$3
HERE=$(cd "$(dirname -- "$0")" && pwd)
LOG=/dev/null # finish's log: none here, each step shows its own

# shellcheck source=tests/e2e/common.sh
. "$HERE/e2e/common.sh" || exit 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-demo-site.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

# run LOG COMMAND...: COMMAND with its output in LOG; on failure the end
# of LOG is shown.
run() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        sed 's/^/#    /' "$log" | tail -n 30
        return 1
    fi
}

# --- the user's site -------------------------------------------------------

SITE="$WORK/my site"
mkdir -p "$SITE/read me" || exit 1
printf 'body { font-family: sans-serif; }\n' >"$SITE/style.css"
printf 'A note, in a folder whose name has a space.\n' >"$SITE/read me/a note.txt"

BUILD=$WORK/build
if run "$WORK/configure.log" "$CMAKE" -S "$SRC" -B "$BUILD" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=Release \
    -DPAGEC_DEMO_SITE="$SITE" -DPAGEC_SHARED_SITES="$SHARED" &&
    run "$WORK/build.log" "$CMAKE" --build "$BUILD" -j2; then
    pass "configured and built with PAGEC_DEMO_SITE=$SITE"
else
    fail "configure or build with PAGEC_DEMO_SITE=$SITE"
    finish
fi

# --- the tests use the sample site -----------------------------------------

given=$(grep -rlF --include=CTestTestfile.cmake -- "$SITE" "$BUILD" 2>/dev/null)
if [ -z "$given" ]; then
    pass "no test is given the demo site"
else
    fail "tests given the demo site, in: $given"
fi
if run "$WORK/ctest.log" "${CTEST:-ctest}" --test-dir "$BUILD" -R '^serve_sample$' \
    --no-tests=error --output-on-failure &&
    ! grep -q 'Skipped\|Not Run' "$WORK/ctest.log"; then
    pass "serve_sample passes in that build (the tests' own pagec-serve, samples/site)"
else
    fail "serve_sample in that build"
    sed 's/^/#    /' "$WORK/ctest.log" | tail -n 30
fi

# --- pagec-serve serves the user's site ------------------------------------

if run "$WORK/serve.log" "$HERE/e2e/serve.sh" "$BUILD/samples/pagec-serve" "$SITE"; then
    pass "pagec-serve serves every file of the demo site: $(tail -n 1 "$WORK/serve.log")"
else
    rc=$?
    fail "pagec-serve on the demo site (serve.sh exit $rc)"
fi

# --- scripts/demo.sh serves it, on a port of its choice ---------------------

# demo_skip WHY: the demo script cannot run here; said at the end
DEMO_SKIPPED=
demo_skip() {
    DEMO_SKIPPED=$1
    echo "#    scripts/demo.sh not run: $1"
}

# free_port: a port of 127.0.0.1 nothing listens on (none: empty)
free_port() {
    local p try
    for ((try = 0; try < 20; try++)); do
        p=$((20000 + (RANDOM % 20000)))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

# the packages the demo would install (it installs nothing when they are)
demo_packages=$(sed -n '/^PACKAGES=(/,/)/p' "$SRC/scripts/demo.sh" | tr -d '()' |
    sed 's/^PACKAGES=//')
missing=
for pkg in $demo_packages; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
        missing="$missing $pkg"
done
if [ "$(id -u)" -ne 0 ]; then
    demo_skip "needs root"
elif [ ! -c /dev/net/tun ]; then
    demo_skip "no /dev/net/tun"
elif [ -n "$missing" ]; then
    demo_skip "the packages it would install:$missing"
elif ip netns list 2>/dev/null | awk '{ print $1 }' | grep -qx pagec-demo; then
    demo_skip "a demo runs already (network namespace pagec-demo)"
elif ! command -v curl >/dev/null 2>&1; then
    demo_skip "no curl"
else
    port=$(free_port)
    "$SRC/scripts/demo.sh" --port "$port" "$BUILD" >"$WORK/demo.log" 2>&1 &
    demo_pid=$!
    for ((i = 0; i < 300; i++)); do
        grep -q "Open: *http://127.0.0.1:$port/" "$WORK/demo.log" && break
        kill -0 "$demo_pid" 2>/dev/null || break
        sleep 0.1
    done
    if grep -q "serves $SITE in network namespace" "$WORK/demo.log"; then
        pass "scripts/demo.sh --port $port names the demo site it serves"
    else
        fail "scripts/demo.sh --port $port: no line naming $SITE"
    fi
    if curl -q -sS --noproxy '*' --max-time 5 -o "$WORK/style.css" \
        "http://127.0.0.1:$port/style.css" 2>"$WORK/curl.err" &&
        cmp -s "$WORK/style.css" "$SITE/style.css" &&
        curl -q -sS --noproxy '*' --max-time 5 -o "$WORK/note.txt" \
            "http://127.0.0.1:$port/read%20me/a%20note.txt" 2>>"$WORK/curl.err" &&
        cmp -s "$WORK/note.txt" "$SITE/read me/a note.txt"; then
        pass "scripts/demo.sh --port $port: the demo site's files fetched from 127.0.0.1:$port, byte for byte"
    else
        fail "scripts/demo.sh --port $port: fetching the demo site: $(head -n 1 "$WORK/curl.err")"
        sed 's/^/#    /' "$WORK/demo.log" | tail -n 20
    fi
    kill -s TERM "$demo_pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        kill -0 "$demo_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$demo_pid" 2>/dev/null; then
        kill -s KILL "$demo_pid" 2>/dev/null
        fail "scripts/demo.sh did not stop on SIGTERM within 10 s"
    elif ip netns list 2>/dev/null | awk '{ print $1 }' | grep -qx pagec-demo; then
        fail "scripts/demo.sh left its network namespace pagec-demo"
    else
        pass "scripts/demo.sh stopped on SIGTERM and removed its namespace"
    fi
    wait "$demo_pid" 2>/dev/null
fi

# --- a demo site pagec refuses: its message once ---------------------------

BROKEN=$WORK/broken
mkdir -p "$BROKEN" || exit 1
printf '<p>fits</p>\n' >"$BROKEN/index.html"
# random bytes do not compress: 3000 of them exceed one segment in any
# encoding, which --max-segments 1 asks for
head -c 3000 /dev/urandom >"$BROKEN/noise.bin"
if ! run "$WORK/reconfigure.log" "$CMAKE" -S "$SRC" -B "$BUILD" -DPAGEC_DEMO_SITE="$BROKEN" \
        "-DPAGEC_DEMO_OPTIONS=--max-segments;1"; then
    fail "reconfigure with PAGEC_DEMO_SITE=$BROKEN"
    finish
fi
# -k: with two programs compiling the site each, both would print
"$CMAKE" --build "$BUILD" -j2 -- -k >"$WORK/broken.log" 2>&1
rc=$?
# (counted without its "pagec: ", which may be written apart from it)
n=$(grep -cF "$BROKEN/noise.bin: page is" "$WORK/broken.log")
if [ "$rc" -ne 0 ] && [ "$n" -eq 1 ]; then
    pass "a demo site pagec refuses fails the build, its message printed once"
else
    fail "a demo site pagec refuses: build exit $rc, its message printed $n times (want once)"
    sed 's/^/#    /' "$WORK/broken.log" | grep -v '^#    \[' | tail -n 20
fi

if [ "$FAILED" -eq 0 ] && [ -n "$DEMO_SKIPPED" ]; then
    echo "$PASSED passed, 0 failed"
    skip "scripts/demo.sh not run: $DEMO_SKIPPED"
fi
finish
