#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/footprint.sh - code and data size of the runtime, as a firmware
# build would compile it: each source with -Os -ffreestanding, measured
# with size(1).
#
# Usage: scripts/footprint.sh [CC] [EXTRA_CFLAGS...]
#   CC defaults to cc (the host compiler). A cross compiler works too, e.g.
#   scripts/footprint.sh arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb

set -eu
ROOT=$(cd "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
CC=${1:-cc}
[ $# -gt 0 ] && shift
SIZE=size
case $CC in
    *-gcc) SIZE=${CC%gcc}size ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

STD=c99
case $CC in
    avr-*) STD=gnu99 ;; # __flash keeps the site in program memory
esac
for src in "$ROOT"/runtime/*.c; do
    "$CC" -std=$STD -Os -ffreestanding -fstack-usage -Wall -Wextra -I"$ROOT/include" "$@" \
        -c "$src" -o "$work/$(basename "${src%.c}").o"
done
echo "runtime footprint: $CC -Os -ffreestanding $*"
"$SIZE" "$work"/*.o | sed "s|$work/||"
"$SIZE" -t "$work"/*.o | tail -n 1 | awk '{ printf "total: .text %d, .data %d, .bss %d bytes\n", $1, $2, $3 }'
echo "stack per function (bytes; the deepest call chain is pagec_server_input > pagec_tcp_decide > pagec_isn_hash, with inlining as the compiler chose):"
cat "$work"/*.su | awk -F'\t' '{ n = split($1, a, ":"); printf "  %-22s %s\n", a[n], $2 }'
