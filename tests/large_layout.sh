#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The large replies of pagec, checked from outside: sites of random files
# around the limits (0, 535, 537, 1459, 1461, 20000 and 65536 bytes), a
# page that compresses well and a live page, compiled at several MSS and
# read back by large_layout.c, which holds its own checksum, grid and
# segments; the segments pagec reports compared with those it counts; a
# site with no reply over 536 bytes left as it was (no reply made even);
# and the most large replies a site can have.
# usage: large_layout.sh PAGEC SOURCE_DIR
# Environment: CC, the C compiler (default cc).
set -u
pagec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
cc=${CC:-cc}
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# shellcheck source=tests/tally.sh
. "$src/tests/tally.sh" || exit 1

site="$work/site"
mkdir "$site"
args=""
for n in 0 535 537 1459 1461 20000 65536; do
    head -c "$n" /dev/urandom >"$site/r$n.bin"
    args="$args /r$n.bin=$site/r$n.bin"
done
# a page that compresses well: the same lines again and again
i=0
while [ $i -lt 600 ]; do
    printf 'Line %d of a page that compresses well.\n' $((i % 7))
    i=$((i + 1))
done >"$site/text.txt"
# a live page whose reply is over 1460 bytes, its field past the first
# segment
{
    head -c 3000 /dev/zero | tr '\0' 'a'
    printf '\n<p>up <!--live:uptime:10--> s</p>\n'
} >"$site/live.html"
printf '<p>hello</p>\n' >"$site/index.html"
args="$args /text.txt=$site/text.txt /index.html=$site/index.html"
sizes=$(wc -c "$site/text.txt" "$site/r65536.bin" | awk '{ printf "%s ", $1 }')
check "the site's files as made: ${sizes}bytes" [ -s "$site/text.txt" ]

# layout MSS: compiles the site at --mss MSS, builds large_layout.c with
# it and runs it on every page but the live one (whose body is not its
# file); its output in $work/layout, pagec's report in $work/report.
layout() {
    rm -f "$work/checked.c" "$work/checked.h" "$work/large_layout"
    "$pagec" --name checked_site --mime bin=application/octet-stream \
        --mss "$1" --report "$site" -o "$work/checked.c" >"$work/report" \
        2>"$work/err" &&
        "$cc" -std=c99 -Wall -Wextra -Werror -I"$src/include" -I"$work" \
            -o "$work/large_layout" "$src/tests/large_layout.c" \
            "$work/checked.c" "$src/runtime/match.c" "$src/runtime/check.c" \
            -lz 2>"$work/cc.err" &&
        # shellcheck disable=SC2086 # the pairs, without spaces
        "$work/large_layout" $args >"$work/layout"
}

for mss in 1460 966 536 301; do
    layout "$mss"
    rc=$?
    check "--mss $mss: compiled, built and every check of large_layout.c passed" [ "$rc" = 0 ]
    [ "$rc" = 0 ] || cat "$work/err" "$work/cc.err" "$work/layout" 2>/dev/null | head -n 20
    # the segments pagec reports at 1460 and 966 (at most the MSS), as
    # large_layout.c counts them walking the segments
    awk '
        $1 ~ /^\// { path = $1 }
        {
            for (i = 1; i < NF; i++)
                if ($i == "identity" || $i == "gzip") {
                    split($(i + 3), s, "/")
                    print "segments", path, $i, s[1], s[2]
                    break
                }
        }' "$work/report" | grep -v ' /live.html ' | LC_ALL=C sort >"$work/reported"
    grep '^segments ' "$work/layout" | LC_ALL=C sort >"$work/counted"
    check "--mss $mss: the report's segments are those counted ($(wc -l <"$work/counted") encodings)" \
        sh -c "[ -s '$work/counted' ] && cmp -s '$work/counted' '$work/reported'"
done

# at 1460: what the layout should be, from the sizes alone
layout 1460
# /r65536.bin: 65536 bytes and a header of 117 (its type 24 bytes, its
# length 5 digits), made even: 65654; the 7th large reply (pages in byte
# order: live.html, r1459, r1461, r20000, r535, r537, r65536): at 1460,
# segments of 1408 after a first of 1408 - 64 + 14 = 1358, so 1 + 46; at
# 966, of 896 after 846: 1 + 73
check "MSS 1460: 65536 random bytes in 47 segments of MSS 1460, 74 of 966" \
    grep -qx 'segments /r65536.bin identity 47 74' "$work/layout"
check "MSS 1460: a 0-byte file and a 535-byte one: one segment at 1460 and 966" \
    sh -c "grep -qx 'segments /r0.bin identity 1 1' '$work/layout' && grep -qx 'segments /r535.bin identity 1 1' '$work/layout'"
check "MSS 1460: the random files are not gzipped, the text is" \
    sh -c "! grep -q '\\.bin gzip' '$work/layout' && grep -q '^segments /text.txt gzip ' '$work/layout'"
# 535 and its header are over 536: large; so are 537, 1459 ... (8 large
# replies: 6 random files, the text's identity and the live page)
check "MSS 1460: the large replies counted, blocks of 64 bytes" \
    grep -qx 'large 8 block 64' "$work/layout"
check "MSS 1460: the header gives the count" \
    grep -qx '#define checked_site_LARGE_COUNT 8' "$work/checked.h"
check "MSS 1460: no warning" [ ! -s "$work/err" ]

# a site with no reply over 536 bytes: no large reply, no reply made even
small="$src/tests/sites/mixed"
"$pagec" --name checked_site "$small" -o "$work/small.c" 2>"$work/err"
check "a site of small replies: compiled" [ $? = 0 ]
check "a site of small replies: no large table" \
    sh -c "! grep -q 'pagec_large\\|\\.nlarge\\|\\.block' '$work/small.c' && grep -qx '#define checked_site_LARGE_COUNT 0' '$work/small.h'"
python3 "$src/tests/tools/replies.py" "$work/small.c" >"$work/replies"
check "a site of small replies: replies of odd length left so" \
    awk '$2 % 2 == 1 { odd++ } END { exit !(odd > 0) }' "$work/replies"
check "a site of small replies: no header field ends with a space" \
    sh -c "grep -q 'close\\\\r\\\\n\"' '$work/small.c' && ! grep -q 'close \\\\r\\\\n\"' '$work/small.c'"

# the most large replies: 255, on a grid of 512-byte blocks
many="$work/many"
mkdir "$many"
i=0
args=""
while [ $i -lt 255 ]; do
    head -c 700 /dev/urandom >"$many/p$i.bin"
    args="$args /p$i.bin=$many/p$i.bin"
    i=$((i + 1))
done
site=$many
layout 1460
check "255 large replies: compiled and checked" [ $? = 0 ]
check "255 large replies: blocks of 512 bytes" grep -qx 'large 255 block 512' "$work/layout"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
