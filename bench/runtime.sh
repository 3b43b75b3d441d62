#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/runtime.sh - instructions the runtime executes per datagram, counted
# by callgrind (repeatable: it counts instructions, not time).
#
# Usage: bench/runtime.sh [BUILD_DIR] [N]
#   BUILD_DIR holds a built bench/pagec-runtime-bench (default: build).
#   N exchanges (SYN, GET /, FIN) are run; default 1000.

set -eu
ROOT=$(cd "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
BUILD=${1:-$ROOT/build}
N=${2:-1000}
BENCH=$BUILD/bench/pagec-runtime-bench
[ -x "$BENCH" ] || { echo "runtime.sh: $BENCH: build it first" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "runtime.sh: needs valgrind" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "runtime cost, $N exchanges of the sample site's index page ($(cc --version | head -n 1)):"
for kind in syn get fin; do
    valgrind --tool=callgrind --callgrind-out-file="$work/$kind.out" \
        --toggle-collect="answer_$kind*" "$BENCH" "$N" >/dev/null 2>"$work/$kind.err"
    ir=$(sed -n 's/^summary: //p' "$work/$kind.out")
    awk -v k="$kind" -v ir="$ir" -v n="$N" 'BEGIN {
        printf "  %-3s: %7.0f instructions per datagram\n", k, ir / n }'
done
valgrind --tool=callgrind --callgrind-out-file="$work/isn.out" \
    --toggle-collect='pagec_isn' "$BENCH" "$N" >/dev/null 2>"$work/isn.err"
ir=$(sed -n 's/^summary: //p' "$work/isn.out")
awk -v ir="$ir" -v n="$N" 'BEGIN {
    printf "  of which the ISN function (HalfSipHash-2-4 of four-tuple, slot and MSS class): %.0f instructions per call\n", ir / (3 * n) }'
"$BENCH" isn 10000000
