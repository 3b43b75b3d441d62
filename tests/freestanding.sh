#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The runtime library must call nothing it does not define itself: no libc,
# no heap; and it keeps nothing in RAM of its own (no .data, no .bss).
set -eu
lib=$1
undefined=$(nm -u "$lib" | awk 'NF == 2 {print $2}' | sort -u)
defined=$(nm --defined-only "$lib" | awk 'NF == 3 && $2 ~ /[TDBR]/ {print $3}' | sort -u)
missing=$(printf '%s\n' "$undefined" | while read -r s; do
    [ -z "$s" ] && continue
    printf '%s\n' "$defined" | grep -qxF "$s" || printf '%s\n' "$s"
done)
if [ -n "$missing" ]; then
    echo "runtime calls symbols outside itself:"
    printf "%s\n" "$missing" | sed "s/^/  /"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "runtime defines:" "$(echo $defined)"
# and it keeps nothing in RAM: no .data, no .bss
ram=$(size -t "$lib" | tail -n 1 | awk '{ print $2 + $3 }')
if [ "$ram" != 0 ]; then
    echo "runtime has $ram bytes of .data and .bss:"
    size "$lib"
    echo "1 passed, 1 failed"
    exit 1
fi
echo "2 passed, 0 failed"
