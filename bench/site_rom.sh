#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/site_rom.sh - the ROM a compiled site takes on a Cortex-M3: pagec
# compiles SITE_DIR (with any further pagec options), arm-none-eabi-gcc
# -mcpu=cortex-m3 -mthumb -Os compiles the generated C, and the script
# prints the bytes of .rodata plus .data of that object (one number).
#
# usage: bench/site_rom.sh [-p PAGEC] SITE_DIR [PAGEC_OPTIONS...]
#   PAGEC  the pagec binary (default: build/pagec/pagec of this tree)
#
# Environment: ARM_CC, the compiler (default arm-none-eabi-gcc); its size
# tool is found beside it. Exit 1 when pagec or the compiler fails, 77
# without the compiler.
set -eu

ROOT=$(cd "$(dirname -- "$0")/.." && pwd)
PAGEC=$ROOT/build/pagec/pagec
if [ "${1:-}" = -p ]; then
    PAGEC=$2
    shift 2
fi
if [ $# -lt 1 ]; then
    echo "usage: site_rom.sh [-p PAGEC] SITE_DIR [PAGEC_OPTIONS...]" >&2
    exit 2
fi
site=$1
shift
CC=${ARM_CC:-arm-none-eabi-gcc}
SIZE=$(dirname -- "$(command -v "$CC" || echo .)")/arm-none-eabi-size
command -v "$CC" >/dev/null || { echo "site_rom.sh: $CC not found" >&2; exit 77; }
[ -x "$SIZE" ] || SIZE=arm-none-eabi-size

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# its warnings (a page kept gzipped only) are the report's business, not
# this figure's; an error is shown
"$PAGEC" "$@" "$site" -o "$work/site.c" >/dev/null 2>"$work/pagec.err" ||
    { cat "$work/pagec.err" >&2; exit 1; }
"$CC" -mcpu=cortex-m3 -mthumb -Os -I"$ROOT/include" -c "$work/site.c" \
    -o "$work/site.o"
"$SIZE" -A "$work/site.o" |
    awk '$1 ~ /^\.(rodata|data)/ { n += $2 } END { print n + 0 }'
