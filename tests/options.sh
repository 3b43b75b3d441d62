#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/options.sh - every switch of include/pagec/opt.h at its other
# value: the runtime compiles without a warning (C99, -Wall -Wextra
# -Wshadow, as errors), and a driver that calls every function of
# pagec.h and stream.h links against it and a compiled site.
#
# Usage: options.sh PAGEC SOURCE_DIR [CC]
#
# The switches are those opt.h defaults with #ifndef to 0 or 1 (or to
# another such switch, whose default it then has), each
# flipped alone; a switch whose other value opt.h refuses with #error
# (a dependency, such as PAGEC_LARGE_FLOWS 1 without PAGEC_LARGE) is
# flipped together with what it needs. Prints one line per switch and
# "N passed, M failed"; exit status 0 when all passed, 1 when one failed,
# 2 on a usage error.
set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: options.sh PAGEC SOURCE_DIR [CC]" >&2
    exit 2
fi
PAGEC=$1
SRC=$2
CC=${3:-cc}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-options.XXXXXX") || exit 2
trap 'rm -rf -- "$WORK"' EXIT INT TERM

"$PAGEC" --name site "$SRC/tests/sites/basic" -o "$WORK/site.c" \
    >"$WORK/pagec.log" 2>&1 || { cat "$WORK/pagec.log"; exit 2; }

# a driver of every public function: what a build must link
cat >"$WORK/driver.c" <<'EOF'
#include "pagec/pagec.h"
#include "pagec/stream.h"
#include "site.h"

int main(void)
{
    static const uint8_t pkt[20] = {0x45};
    static uint8_t buf[1600];
    struct pagec_server srv = {0};
    struct pagec_reply r;
    struct pagec_stream s;
    struct pagec_match m;
    const uint8_t *run;
    uint16_t n;

    srv.site = &site;
    n = pagec_server_input(&srv, 0, pkt, sizeof pkt, &r);
    n = (uint16_t)(n + pagec_server_next(&srv, &r));
    if (n) {
        n = (uint16_t)(n + pagec_reply_copy(&r, buf, sizeof buf));
    }
    pagec_stream_begin(&s);
    pagec_stream_byte(&srv, &s, 0x45);
    n = (uint16_t)(n + pagec_stream_end(&srv, &s, 0));
    n = (uint16_t)(n + pagec_stream_pending(&s) + pagec_stream_started(&s));
    n = (uint16_t)(n + pagec_stream_more(&srv, &s));
    n = (uint16_t)(n + pagec_stream_ram(&s, &run));
    pagec_match_init(&m);
    pagec_match_byte(&site, &m, '/');
    n = (uint16_t)(n + pagec_match_end(&site, &m));
    return n == 0xffff;
}
EOF

# the switches: name and default, 0 or 1 (or another switch's)
awk '/^#ifndef PAGEC_/ { name = $2; next }
     name != "" && $1 == "#define" && $2 == name {
         v = $3
         if (v in sw) v = sw[v]
         if (v == "0" || v == "1") { sw[name] = v; print name, v }
     }
     { name = "" }' "$SRC/include/pagec/opt.h" >"$WORK/switches"

pass=0
fail=0
while read -r name def; do
    other=$((1 - def))
    flags="-D$name=$other"
    # what the other value needs, by opt.h's own #error lines
    case $name=$other in
        PAGEC_LARGE_FLOWS=1) flags="$flags -DPAGEC_LARGE=1" ;;
        PAGEC_LARGE=0) flags="$flags -DPAGEC_LARGE_FLOWS=0" ;;
    esac
    # shellcheck disable=SC2086 # the flags are words
    if "$CC" -std=c99 -Wall -Wextra -Wshadow -Werror $flags \
        -I"$SRC/include" -I"$WORK" "$SRC"/runtime/*.c "$WORK/site.c" \
        "$WORK/driver.c" -o "$WORK/driver" >"$WORK/cc.log" 2>&1; then
        echo "ok   - $flags: the runtime, a site and a driver of every function build"
        pass=$((pass + 1))
    else
        echo "FAIL - $flags:"
        sed 's/^/       | /' "$WORK/cc.log" | head -n 20
        fail=$((fail + 1))
    fi
done <"$WORK/switches"
[ $((pass + fail)) -gt 0 ] || { echo "FAIL - no switch found in opt.h"; fail=1; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
