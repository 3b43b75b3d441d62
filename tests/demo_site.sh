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
#   - with a demo site that pagec refuses (a page too large), the build
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

# --- a demo site pagec refuses: its message once ---------------------------

BROKEN=$WORK/broken
mkdir -p "$BROKEN" || exit 1
printf '<p>fits</p>\n' >"$BROKEN/index.html"
# random bytes do not compress: 3000 of them exceed any encoding's limit
head -c 3000 /dev/urandom >"$BROKEN/noise.bin"
if ! run "$WORK/reconfigure.log" "$CMAKE" -S "$SRC" -B "$BUILD" -DPAGEC_DEMO_SITE="$BROKEN"; then
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
finish
