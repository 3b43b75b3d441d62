#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Fuzzing the runtime with libFuzzer: builds fuzz_input (raw datagrams)
# and fuzz_http (HTTP requests in segments with the right ACK) from
# fuzz_input.c, the runtime's sources and three sites compiled by pagec
# (tests/sites/basic; tests/sites/live with a page of fields at the
# edges of its body and more actions: live fields and actions;
# tests/sites/large: large replies),
# with AddressSanitizer and
# UndefinedBehaviorSanitizer, and fuzz_slip (the SLIP decoder),
# fuzz_eth (Ethernet II and ARP), fuzz_mdns (the Multicast DNS
# responder) and fuzz_ppp (the PPP receiver), each against a model of
# its own; writes
# the seed corpora (gen_corpus.c); runs each target for SECONDS (default
# 45).
#
# usage: run.sh PAGEC SOURCE_DIR [SECONDS]
#
# Exit 0 when every target ran its time without a finding, 1 otherwise,
# 77 (skipped; in CI a failure, tests/skip.sh) without clang or libFuzzer,
# 2 on a usage error. A crashing
# input is printed and kept, with the target that found it, in
# $FUZZ_ARTIFACTS (default: ./fuzz-artifacts), to be run again as
#   fuzz-artifacts/fuzz_http fuzz-artifacts/fuzz_http-crash-...
# Temporary files go to a directory of mktemp, removed on exit.
#
# Environment: FUZZ_CC the compiler (default clang); FUZZ_ARTIFACTS where
# crash inputs are kept.
# PAGEC_FUZZ_VERBOSE=1 makes a kept target print what it expected and got.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: run.sh PAGEC SOURCE_DIR [SECONDS]" >&2
    exit 2
fi
pagec=$1
src=$2
secs=${3:-45}
case $secs in
'' | *[!0-9]* | 0)
    echo "run.sh: SECONDS must be a positive number, not '$secs'" >&2
    exit 2
    ;;
esac
cc=${FUZZ_CC:-clang}
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
here=$src/tests/fuzz
# shellcheck source=tests/skip.sh
. "$src/tests/skip.sh" || exit 1

if ! command -v "$cc" >/dev/null 2>&1; then
    skip "$cc not found (Debian: apt-get install clang libclang-rt-14-dev)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/pagec-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# libFuzzer is in the compiler's runtime package, not in clang itself
cat >"$work/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    (void)d;
    (void)n;
    return 0;
}
EOF
if ! "$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" \
    -o "$work/probe" >"$work/probe.log" 2>&1; then
    sed 's/^/  /' "$work/probe.log" | head -n 5
    skip "$cc cannot link libFuzzer (Debian: apt-get install libclang-rt-14-dev)"
fi

fail() {
    echo "run.sh: $*" >&2
    exit 1
}

# the sites: the unit tests' site, with a page port; the live site, with
# a page port and a page whose body starts and ends with a field, two of
# them side by side, PAGEC_LIVE_MAX (32) bytes of fields in all; both
# with every page in one segment (the targets serve them with their large
# replies off: fuzz_input.c)
mkdir "$work/site" || exit 1
"$pagec" --max-segments 1 --name site --port 8080=/notes.txt \
    "$src/tests/sites/basic" \
    -o "$work/site/site.c" || fail "pagec failed on tests/sites/basic"
cp -R "$src/tests/sites/live" "$work/live" || exit 1
printf '<!--live:a:1--><!--live:b:2-->|<!--live:wide:29-->' \
    >"$work/live/edge.txt" || exit 1
# and more actions (fuzz_input.c checks the table pagec makes of them,
# with those of tests/sites/live): one at the root with a %-escape in its
# query and one on a path that is a page, on a live page; one on a page
# without fields; the page port's page, whose page holds no action
printf '%s\n' 'LED <!--live:led:3-->' \
    '<!--action:go:65535:/?go=%41--><!--action:zap:0:/status.json?zap-->' \
    >"$work/live/panel.txt" || exit 1
printf '%s\n' 'reset done<!--action:reset:7:/about.html?reset=yes&x=%20-->' \
    >"$work/live/done.txt" || exit 1
printf '%s\n' 'the page port' >"$work/live/port.txt" || exit 1
"$pagec" --max-segments 1 --name lsite --port 8081=/port.txt "$work/live" \
    -o "$work/site/lsite.c" || fail "pagec failed on the live site"
# the site of large replies, pages sent as several segments
"$pagec" --name xsite "$src/tests/sites/large" -o "$work/site/xsite.c" ||
    fail "pagec failed on tests/sites/large"

# the runtime and the site, instrumented once for both targets
flags="-std=c99 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
warn="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
inc="-I$src/include -I$work/site"
mkdir "$work/obj" || exit 1
for f in "$src"/runtime/*.c "$work/site/site.c" "$work/site/lsite.c" \
    "$work/site/xsite.c"; do
    o=$work/obj/$(basename "$f" .c).o
    # shellcheck disable=SC2086 # the flags are words
    "$cc" $flags $warn $inc -c "$f" -o "$o" || fail "cannot compile $f"
done
for t in input http; do
    if [ "$t" = http ]; then def=-DFUZZ_HTTP=1; else def=-DFUZZ_HTTP=0; fi
    # shellcheck disable=SC2086
    "$cc" $flags $warn $inc "$def" "$here/fuzz_input.c" "$work"/obj/*.o \
        -o "$work/fuzz_$t" || fail "cannot build fuzz_$t"
done
# shellcheck disable=SC2086
"$cc" $flags $warn $inc "$here/fuzz_slip.c" "$work"/obj/*.o \
    -o "$work/fuzz_slip" || fail "cannot build fuzz_slip"
# shellcheck disable=SC2086
"$cc" $flags $warn $inc "$here/fuzz_eth.c" "$work"/obj/*.o \
    -o "$work/fuzz_eth" || fail "cannot build fuzz_eth"
# shellcheck disable=SC2086
"$cc" $flags $warn $inc "$here/fuzz_mdns.c" "$work"/obj/*.o \
    -o "$work/fuzz_mdns" || fail "cannot build fuzz_mdns"
# shellcheck disable=SC2086
"$cc" $flags $warn $inc "$here/fuzz_ppp.c" "$work"/obj/*.o \
    -o "$work/fuzz_ppp" || fail "cannot build fuzz_ppp"

# the seeds, from a plain build
mkdir "$work/gen" "$work/seeds_input" "$work/seeds_http" "$work/seeds_slip" \
    "$work/seeds_eth" "$work/seeds_mdns" "$work/seeds_ppp" || exit 1
# PPP seeds (a byte choosing the buffer, then the line after a flag):
# an LCP Configure-Request and an IPCP one; an Echo-Request and an IPv4
# datagram; each frame with its FCS
printf '\001\377\175\043\300\041\175\041\175\041\175\040\175\056\175\041\175\044\175\045\334\175\045\175\046\175\041\175\042\175\043\175\044\321\354\176\377\175\043\200\041\175\041\175\042\175\040\175\052\175\043\175\046\300\175\040\175\042\175\041\364\347\176' \
    >"$work/seeds_ppp/lcp"
printf '\000\377\175\043\300\041\175\051\175\043\175\040\175\054\175\041\175\042\175\043\175\044\160\151\156\147\324\065\176\377\175\043\175\040\041\105\175\040\175\040\175\064\175\040\175\040\100\175\040\100\175\041\175\040\175\040\300\175\040\175\042\175\041\300\175\040\175\042\175\042\141\313\176' \
    >"$work/seeds_ppp/ip"
# mDNS seeds (a byte choosing the frame, then a DNS message): a query for
# pagec.local, type A; the same from a legacy asker; one for another name
printf '\000\000\000\000\000\000\001\000\000\000\000\000\000\005pagec\005local\000\000\001\000\001' \
    >"$work/seeds_mdns/query"
printf '\002\022\064\000\000\000\001\000\000\000\000\000\000\005PAGEC\005local\000\000\377\200\001' \
    >"$work/seeds_mdns/legacy"
printf '\000\000\000\000\000\000\002\000\000\000\000\000\000\005other\005local\000\000\001\000\001\005pagec\300\022\000\001\000\001' \
    >"$work/seeds_mdns/two"
# Ethernet seeds (a byte choosing the address, then a frame): a broadcast
# ARP request for 192.0.2.2, padded; an IPv4 frame to the device's MAC
printf '\000\377\377\377\377\377\377\122\124\000\252\273\314\010\006\000\001\010\000\006\004\000\001\122\124\000\252\273\314\300\000\002\001\000\000\000\000\000\000\300\000\002\002\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' \
    >"$work/seeds_eth/arp"
printf '\000\002\000\000\000\000\002\122\124\000\252\273\314\010\000\105\000\000\024' \
    >"$work/seeds_eth/ipv4"
# SLIP seeds: frames with escapes, noise, a cut escape, an oversize frame
printf '\040\300E\333\334\333\335\001\300' >"$work/seeds_slip/frame"
printf '\001\022\333\300\300\300\001\002\300' >"$work/seeds_slip/noise"
head -c 300 /dev/zero | tr '\0' 'x' | sed 's/^/\001/' >"$work/seeds_slip/long"
# shellcheck disable=SC2086
"$cc" -std=c99 -O1 $warn $inc "$here/gen_corpus.c" "$src"/runtime/*.c \
    "$work/site/site.c" "$work/site/lsite.c" "$work/site/xsite.c" \
    -o "$work/gen/gen_corpus" ||
    fail "cannot build gen_corpus"
"$work/gen/gen_corpus" "$work/seeds_input" "$work/seeds_http" \
    "$work/fuzz.dict" || fail "gen_corpus failed"

pass=0
failed=0
for t in input http slip eth mdns ppp; do
    name=fuzz_$t
    log=$work/$name.log
    mkdir "$work/corpus_$t" "$work/art_$t" || exit 1
    echo "$name: fuzzing for $secs s"
    # -max_total_time bounds the fuzzing, timeout a hung target
    timeout -k 10 $((secs + 120)) "$work/$name" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -max_len=4096 -dict="$work/fuzz.dict" -use_value_profile=1 \
        -print_final_stats=1 -error_exitcode=1 \
        -artifact_prefix="$work/art_$t/" \
        "$work/corpus_$t" "$work/seeds_$t" >"$log" 2>&1
    rc=$?
    done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
    runs=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p')
    took=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p')
    if [ -z "$runs" ]; then # stopped early: libFuzzer's final statistics
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    fi
    cov=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 |
        sed -n 's/.*\(cov: [0-9]*\).*\(corp: [^ ]*\).*/\1, \2/p')
    crashes=$(find "$work/art_$t" -type f | wc -l)
    if [ "$rc" = 0 ] && [ -n "$runs" ] && [ "$crashes" = 0 ]; then
        pass=$((pass + 1))
        echo "ok: $name: $runs executions in $took s (${cov:-no coverage line}), 0 crashes"
        continue
    fi
    failed=$((failed + 1))
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        why="killed by timeout after $((secs + 120)) s"
    else
        why="exit status $rc"
    fi
    echo "FAIL: $name: $why, ${runs:-?} executions, $crashes crash file(s)"
    echo "---- its log, from the finding on:"
    if grep -qE 'CHECK FAILED|ERROR: |runtime error' "$log"; then
        sed -n '/CHECK FAILED\|ERROR: \|runtime error/,$p' "$log" | head -n 100
    else
        tail -n 40 "$log"
    fi
    echo "----"
    if [ "$crashes" != 0 ]; then
        mkdir -p "$artifacts" || fail "cannot create $artifacts"
        cp "$work/$name" "$artifacts/$name" || fail "cannot keep $name"
        for a in "$work/art_$t"/*; do
            kept=$artifacts/$name-$(basename "$a")
            cp "$a" "$kept" || fail "cannot keep $a"
            echo "crash input $kept ($(wc -c <"$a") bytes):"
            od -A x -t x1z -v "$a" | head -n 128
            echo "run it again: $artifacts/$name $kept"
        done
    fi
done
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
