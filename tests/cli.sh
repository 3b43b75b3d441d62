#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pagec on the command line: exit codes, messages, output files,
# determinism, and the real sites of lwIP and uIP.
# usage: cli.sh PAGEC TEST_SITE SHARED_SITES
# Environment: CC, the C compiler (default cc) for the generated C and
# for reply_bytes.c.
# Exit status 0 when every check passed, 1 when one failed, 77 (skipped;
# in CI a failure, tests/skip.sh) when all passed but some could not be
# made: no make, no way to drop root, no real sites.
set -u
pagec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
site=$(cd "$2" && pwd)
shared=$3
src=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unchecked=""
# shellcheck source=tests/skip.sh
. "$src/tests/skip.sh" || exit 1

# shellcheck source=tests/tally.sh
. "$src/tests/tally.sh" || exit 1
not_checked() { # what could not be checked here, and why
    unchecked="$unchecked; $1"
    echo "not checked: $1"
}

# Runs pagec; $rc, $work/err hold the result. Every message is also
# kept in $work/messages, for the check of pagec(1)'s DIAGNOSTICS.
run() {
    "$pagec" "$@" >"$work/out" 2>"$work/err"
    rc=$?
    cat "$work/err" >>"$work/messages"
}

# hinted: every line of $work/err that says something does not fit (a
# page over the limit, the error reply over it, a name too long) is
# followed by a line about the same file or folder, with what would make
# it fit; and there is at least one.
hinted() {
    awk '
        want != "" {
            if (index($0, want) != 1 || $0 ~ /over\)$|over by [0-9]+\)$|: name too long: /)
                bad = 1
            want = ""
            next
        }
        / over\)$|over by [0-9]+\)$|: name too long: / {
            n++
            want = $0
            sub(/: (page is|the error reply has|name too long|the header of|the live field ends).*/, ": ", want)
        }
        END { exit bad || want != "" || n == 0 }' "$work/err"
}

# reply_len SITE_DIR PATH identity|gzip [PAGEC_OPTIONS...]: the number of
# bytes of the HTTP reply (header and body) to GET PATH, counted here in
# the reply's own bytes: the site compiled with the largest --mss, built
# with reply_bytes.c, which writes the reply as the compiled site holds
# it, into $work/reply. Prints nothing and fails when any step fails.
reply_len() {
    d=$1
    p=$2
    v=$3
    shift 3
    rm -f "$work/reply"
    "$pagec" "$@" --mss 65495 --name checked_site "$d" -o "$work/checked.c" \
        2>"$work/checked.err" &&
        "$cc" -std=c99 -I"$src/include" -I"$work" -o "$work/reply_bytes" \
            "$src/tests/reply_bytes.c" "$work/checked.c" "$src/runtime/match.c" &&
        "$work/reply_bytes" "$p" "$v" >"$work/reply" &&
        wc -c <"$work/reply" | tr -d ' '
    r=$?
    rm -f "$work/checked.c" "$work/checked.h" "$work/checked.err" "$work/reply_bytes"
    return $r
}

# reply_is_200 FILE: the reply in $work/reply is a 200 whose body is FILE.
reply_is_200() {
    [ "$(head -n 1 "$work/reply")" = "$(printf 'HTTP/1.1 200 \r')" ] &&
        tail -c "$(wc -c <"$1")" "$work/reply" | cmp -s - "$1"
}

# usage errors: exit 2, a message on stderr, nothing written
run; check "no arguments: exit 2" [ "$rc" = 2 ]
run "$site"; check "no -o: exit 2" [ "$rc" = 2 ]
run -o "$work/x.c"; check "no SITE_DIR: exit 2" [ "$rc" = 2 ]
run --bogus "$site" -o "$work/x.c"; check "unknown option: exit 2" [ "$rc" = 2 ]
check "unknown option named" grep -q "unknown option '--bogus'" "$work/err"
for m in abc 12x -5 63 65496 ""; do
    run --mss "$m" "$site" -o "$work/x.c"
    check "--mss '$m': exit 2" [ "$rc" = 2 ]
done
run --name 9lives "$site" -o "$work/x.c"; check "--name 9lives: exit 2" [ "$rc" = 2 ]
run "$site" "$site" -o "$work/x.c"; check "two sites: exit 2" [ "$rc" = 2 ]
for n in int pagec_x PAGEC_SITE_H _x; do
    run --name "$n" "$site" -o "$work/x.c"; check "--name $n: exit 2" [ "$rc" = 2 ]
done
run "$site" -o "$work/a?b.c"; check "output name with '?': exit 2" [ "$rc" = 2 ]
run -ab "$site" -o "$work/x.c"; check "unknown short option named" grep -q "unknown option '-a'" "$work/err"
check "usage errors write nothing" [ ! -e "$work/x.c" ] && [ ! -e "$work/x.h" ]
run --help; check "--help: exit 0" [ "$rc" = 0 ]
check "--help on stdout" grep -q "usage: pagec" "$work/out"

# output names: -o names the C file (ending in .c), its header is the same
# name with .h; everything else is refused before anything is written. Run
# in a folder of their own, whose listing must not change.
names="$work/names"
mkdir -p "$names/DIR" "$names/taken.h"
listing() { (cd "$names" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' '); }
before=$(listing)
in_names() { (cd "$names" && "$pagec" "$@" >"$work/out" 2>"$work/err"); rc=$?; }
for o in DIR DIR/ DIR/.c x.h x - .c "$names/DIR" "$names/DIR/" taken.c; do
    in_names "$site" -o "$o"
    check "-o '$o': exit 2" [ "$rc" = 2 ]
    check "-o '$o': the message names -o" grep -q "^pagec: -o: '$o'" "$work/err"
    check "-o '$o': no file written" [ "$(listing)" = "$before" ]
done
in_names "$site" -o DIR; check "-o DIR: says it is a folder" grep -q "^pagec: -o: 'DIR' is a folder" "$work/err"
in_names "$site" -o x.h; check "-o x.h: says it must end in .c" grep -q "^pagec: -o: 'x.h' does not end in .c" "$work/err"
in_names "$site" -o -; check "-o -: says standard output is not written" grep -q "^pagec: -o: '-': .*never standard output" "$work/err"
in_names "$site" -o taken.c; check "-o taken.c: says its header would be a folder" grep -q "where the folder 'taken.h' is" "$work/err"
for d in - DIR DIR/ a.c a.h; do
    in_names "$site" -o a.c --depfile "$d"
    check "--depfile '$d': exit 2, named, no file written" \
        sh -c "[ $rc = 2 ] && grep -q \"^pagec: --depfile: '$d'\" '$work/err' && [ \"\$1\" = \"\$2\" ]" sh "$(listing)" "$before"
done
in_names "$site" -o nosuch/a.c
check "-o in a missing folder: exit 1, the folder named with the system's message" \
    grep -qx "pagec: nosuch/a.c: its folder nosuch: No such file or directory" "$work/err"
check "-o in a missing folder: exit 1, no file written" [ "$rc" = 1 ] && [ "$(listing)" = "$before" ]
in_names "$site" -o a.c --depfile nosuch/a.d
check "--depfile in a missing folder: exit 1, no file written" [ "$rc" = 1 ] && [ "$(listing)" = "$before" ]
in_names "$site" -o DIR/a.c --depfile a.d
check "-o DIR/a.c --depfile a.d: exit 0" [ "$rc" = 0 ]
check "-o DIR/a.c --depfile a.d: exactly DIR/a.c, DIR/a.h and a.d added" \
    [ "$(listing)" = "./DIR ./DIR/a.c ./DIR/a.h ./a.d ./taken.h " ]
rm -rf "$names"

# input errors: exit 1
run "$work/nonexistent" -o "$work/x.c"; check "missing site: exit 1" [ "$rc" = 1 ]
check "missing site: message" grep -q "^pagec: $work/nonexistent: No such file or directory" "$work/err"
run "$site" -o "$work/no/such/dir/x.c"; check "unwritable output: exit 1" [ "$rc" = 1 ]

# a good site: both files, deterministic, no temporary files left
run "$site" -o "$work/a.c"; check "test site: exit 0" [ "$rc" = 0 ]
check "writes OUT.c and OUT.h" [ -s "$work/a.c" ] && [ -s "$work/a.h" ]
check "includes its header" grep -q '#include "a.h"' "$work/a.c"
mkdir "$work/b"
run "$site" -o "$work/b/a.c"
check "deterministic .c" cmp -s "$work/a.c" "$work/b/a.c"
check "deterministic .h" cmp -s "$work/a.h" "$work/b/a.h"
check "no absolute paths in the output" sh -c "! grep -q '$site' '$work/a.c' '$work/a.h'"
check "no temporary files" [ "$(find "$work" -mindepth 1 -maxdepth 1 ! -name messages | wc -l)" = 5 ]  # a.c a.h b err out
run --name other_site "$site" -o "$work/b/o.c"
check "--name sets the identifier" grep -q '^extern const PAGEC_ROM struct pagec_site other_site;' "$work/b/o.h"

# an interrupted run leaves no temporary file: SIGINT, SIGTERM and SIGHUP
# sent while the C file's temporary exists (a site of thousands of files,
# whose C takes a while to write) end pagec as the signal does, and its
# folder holds nothing afterwards. A background job of sh ignores SIGINT:
# env --default-signal gives it back its default action, when env can.
many="$work/many"
mkdir -p "$many/site" "$many/out"
if head -c 12000000 /dev/urandom |
    (cd "$many/site" && split -b 48000 -a 4 --additional-suffix=.bin - f) 2>/dev/null; then
    temp_exists() { set -- "$1".*; [ -e "$1" ]; }
    for sig in INT TERM HUP; do
        if env --default-signal="$sig" true 2>/dev/null; then
            launch="env --default-signal=$sig"
        elif [ "$sig" = INT ]; then
            not_checked "SIGINT during the write (no env --default-signal)"
            continue
        else
            launch=""
        fi
        # shellcheck disable=SC2086 # a command and its arguments
        $launch "$pagec" --no-gzip --mime bin=application/octet-stream \
            "$many/site" -o "$many/out/many.c" >/dev/null 2>"$work/err" &
        pid=$!
        n=0
        while ! temp_exists "$many/out/many.c" && kill -0 "$pid" 2>/dev/null &&
            [ "$n" -lt 4000 ]; do
            sleep 0.005
            n=$((n + 1))
        done
        seen=no
        temp_exists "$many/out/many.c" && seen=yes
        kill -"$sig" "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rc=$?
        check "SIG$sig sent while many.c's temporary file exists" [ "$seen" = yes ]
        check "SIG$sig: pagec ended by the signal (status $rc)" \
            [ "$rc" -gt 128 ] && [ "$(kill -l "$rc")" = "$sig" ]
        check "SIG$sig: no file left in the output folder" \
            [ -z "$(find "$many/out" -mindepth 1)" ]
        rm -rf "${many:?}/out/"*
    done
else
    not_checked "an interrupted run (split cannot make the site)"
fi
rm -rf "$many"

# names of the generated statics do not clash with the site's; the
# generated C compiles cleanly; a name no client can send is reported
odd="$work/odd"
mkdir -p "$odd/d"
echo hi >"$odd/sp ace.html"
echo x >"$odd/d/*x"
: >"$odd/empty"
run --name pages --report "$odd" -o "$work/pages.c"
check "--name pages: exit 0" [ "$rc" = 0 ]
check "a name with a space is served" grep -q "^/sp ace.html " "$work/out"
check "empty file: application/octet-stream" grep -q "/empty: application/octet-stream" "$work/pages.c"
check "generated C compiles with -Wall -Wextra -Werror" \
    "$cc" -std=c99 -Wall -Wextra -Werror -I"$src/include" \
    -c "$work/pages.c" -o "$work/pages.o"
rm -f "$work/pages.o"
rm -f "$work/pages.c" "$work/pages.h"

# --report: names in UTF-8 line up (a column a character), control
# characters, bytes that are not UTF-8 and backslashes escaped; counted
# here in code points by Python
names="$work/names"
mkdir "$names"
for n in "é.txt" "$(printf 'a\nb').txt" "$(printf '\033[31mred').txt" \
    "$(printf 'tab\tbed').txt" "$(printf 'bad\377').txt" 'back\slash.txt' \
    "ünïcödé-ñåmé.txt" plain.txt; do
    echo x >"$names/$n"
done
run --report "$names"
check "--report, odd names: exit 0" [ "$rc" = 0 ]
check "--report, odd names: one line a page, the type column aligned, no control character" \
    python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
rows = lines[1:9]
ok = len(lines) == 12 and lines[9] == "" and lines[10].startswith("8 pages")
col = lines[0].index("type")
for r in rows:
    ok = ok and r.index("text/plain") == col and r[col - 2:col] == "  "
ok = ok and not any(c < " " and c != "\n" or c == "\x7f" for c in "\n".join(lines))
sys.exit(0 if ok else 1)' "$work/out"
for n in '/a\nb.txt' '/\x1b[31mred.txt' '/tab\tbed.txt' '/bad\xff.txt' \
    '/back\\slash.txt' '/é.txt' '/ünïcödé-ñåmé.txt'; do
    check "--report shows $n" grep -qF "$n  " "$work/out"
done
rm -rf "$names"
run --mime js=text/javascript --report "$src/tests/sites/mixed"
check "--report: a type longer than 28 characters widens its column" \
    python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
col = lines[0].index("encoding")
rows = [r for r in lines[1:] if "identity" in r or " gzip " in r]
sys.exit(0 if rows and any("javascript" in r for r in rows) and
         all(r.index("identity" if "identity" in r else "gzip") == col for r in rows)
         else 1)' "$work/out"

# charsets: what an HTML page declares in a <meta> element of its first
# 1024 bytes, utf-8 for plain ASCII text, libmagic's finding for the rest;
# read from the Content-Type of the reply in the generated C
cs="$work/charsets"
mkdir "$cs"
printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>t</title>\n' >"$cs/meta.html"
printf '<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-1">\n<p>caf\351</p>\n' >"$cs/latin.html"
printf "<html><head><meta charset='windows-1252'>\n<p>plain</p>\n" >"$cs/declared.html"
printf '<html><!-- <meta charset="koi8-r"> -->\n<p>plain</p>\n' >"$cs/comment.html"
printf '<html>\n<p>plain, no declaration</p>\n' >"$cs/none.html"
{ head -c 1100 /dev/zero | tr '\0' ' '; printf '<meta charset="koi8-r">\n'; } >"$cs/late.html"
printf 'plain ASCII\n' >"$cs/ascii.txt"
printf 'caf\303\251\n' >"$cs/utf8.txt"
printf 'caf\351 cr\350me br\373l\351e, na\357ve fa\347ade\n' >"$cs/latin1.txt"
for spec in meta.html=text/html\;\ charset=utf-8 \
    latin.html=text/html\;\ charset=iso-8859-1 \
    declared.html=text/html\;\ charset=windows-1252 \
    comment.html=text/html\;\ charset=utf-8 \
    none.html=text/html\;\ charset=utf-8 \
    late.html=text/html\;\ charset=utf-8 \
    ascii.txt=text/plain\;\ charset=utf-8 \
    utf8.txt=text/plain\;\ charset=utf-8 \
    latin1.txt=text/plain\;\ charset=iso-8859-1; do
    f=${spec%%=*}
    reply_len "$cs" "/$f" identity --no-gzip >/dev/null
    check "$f: served as ${spec#*=}" grep -qx "Content-Type: ${spec#*=}$(printf '\r')" "$work/reply"
done
rm -rf "$cs"

# a folder asked for without its trailing slash: a 301 to the folder,
# decoded from the generated C
reply_len "$site" /sub identity >/dev/null
check "/sub: a 301" grep -qx "HTTP/1.1 301 $(printf '\r')" "$work/reply"
check "/sub: Location: /sub/" grep -qx "Location: /sub/$(printf '\r')" "$work/reply"
check "/sub: no body" [ "$(tail -c 4 "$work/reply" | od -An -c | tr -d ' ')" = '\r\n\r\n' ]
folders="$work/folders"
mkdir -p "$folders/a b" "$folders/50%" "$folders/x/y" "$folders/bare" \
    "$folders/$(printf 'l%.0s' $(seq 1 50))"
for d in "a b" "50%" "x" "x/y" "$(printf 'l%.0s' $(seq 1 50))"; do
    echo x >"$folders/$d/index.html"
done
echo x >"$folders/bare/page.txt"
echo x >"$folders/index.html"
# the paths as the runtime matches them, percent-decoded
for spec in "/a b=/a%20b/" "/50%=/50%25/" "/x=/x/" "/x/y=/x/y/"; do
    reply_len "$folders" "${spec%%=*}" identity >/dev/null
    check "GET ${spec%%=*}: 301 to ${spec#*=}" grep -qx "Location: ${spec#*=}$(printf '\r')" "$work/reply"
done
reply_len "$folders" /bare identity >/dev/null 2>&1
check "a folder without index.html: no redirect" [ ! -s "$work/reply" ]
reply_len "$folders" /x identity --http-port 0 >/dev/null 2>&1
check "--http-port 0: no redirect" [ ! -s "$work/reply" ]
run --port 81=x "$folders" -o "$work/folders.c"
check "--port 81=x, a folder: exit 1, named" sh -c "[ $rc = 1 ] && grep -q '^pagec: --port 81=x: a folder; name the page, such as x/index.html' '$work/err'"
run --mss 128 --report "$folders" -o "$work/folders.c"
check "a redirect over --mss 128: exit 0" [ "$rc" = 0 ]
check "a redirect over --mss 128: a warning names it" \
    grep -q "^pagec: $folders/lllll*: warning: no redirect from /lllll* to /lllll*/: its 301 reply would be 137 bytes, over the limit of 128\$" "$work/err"
check "a redirect over --mss 128: /x still redirected" grep -q "^/x  *301 to /x/ " "$work/out"
rm -rf "$folders" "$work/folders.c" "$work/folders.h"

# a page over the limit: exit 1, the exact message, no output at all
big="$work/big"
mkdir "$big"
head -c 1400 /dev/zero | tr '\0' 'x' >"$big/page.txt"
cp "$site/index.html" "$big/"
# the size pagec names: the reply it sends where the page fits
want=$(reply_len "$big" /page.txt identity --no-gzip) || want=0
check "page.txt's reply where it fits: $want bytes, a 200 with the file" reply_is_200 "$big/page.txt"
check "page.txt's reply: its header says the body's length" grep -q "^Content-Length: 1400.\$" "$work/reply"
run --max-segments 1 --no-gzip --mss 1000 "$big" -o "$work/big.c"
check "oversized page: exit 1" [ "$rc" = 1 ]
check "oversized page: message" grep -qx "pagec: $big/page.txt: page is $want bytes, limit is 1000 ($((want - 1000)) over)" "$work/err"
check "oversized page: gzip suggested" grep -q "^pagec: $big/page.txt: gzip-compressed it would be [0-9]* bytes and fit: drop --no-gzip" "$work/err"
check "oversized page: no output" [ ! -e "$work/big.c" ] && [ ! -e "$work/big.h" ]
check "oversized page: each line a hint" hinted
echo "keep" >"$work/keep.c"
run --max-segments 1 --no-gzip --mss 1000 "$big" -o "$work/keep.c"
check "failed run leaves an old output untouched" grep -qx keep "$work/keep.c"
run --max-segments 1 --no-gzip --mss "$want" "$big" -o "$work/big.c"; check "fits at exactly --mss $want" [ "$rc" = 0 ]
run --max-segments 1 --no-gzip --mss $((want - 1)) "$big" -o "$work/big.c"
check "one byte over at --mss $((want - 1))" grep -q "(1 over)" "$work/err"
noise="$work/noise"
mkdir "$noise"
head -c 1300 /dev/urandom >"$noise/noise.bin"
want2=$(reply_len "$noise" /noise.bin identity) || want2=0
check "noise.bin's reply where it fits: $want2 bytes, a 200 with the file" reply_is_200 "$noise/noise.bin"
run --max-segments 1 --mss 1000 "$noise" -o "$work/noise.c"
check "incompressible page: exit 1" [ "$rc" = 1 ]
check "incompressible page: a larger --mss suggested" grep -q "it would fit with --mss $want2\$" "$work/err"
check "incompressible page: each line a hint" hinted
# over 1460, the Ethernet link's MSS, no --mss is proposed: the segments
# it takes (pagec(1), "Large pages": 1408 bytes of TCP data a segment at
# MSS 1460 in blocks of 64, the first 62 bytes shorter, as reply 1)
head -c 2000 /dev/urandom >"$noise/noise.bin"
want5=$(reply_len "$noise" /noise.bin identity) || want5=0
segs5=$((1 + (want5 - 1346 + 1407) / 1408))
run --max-segments 1 "$noise" -o "$work/noise.c"
check "incompressible page over 1460 ($want5 bytes): no --mss proposed, --max-segments $segs5" \
    sh -c "[ $rc = 1 ] && [ $segs5 = 2 ] && ! grep -q -- '--mss' '$work/err' && grep -qx 'pagec: $noise/noise.bin: it would fit with --max-segments $segs5' '$work/err'"
check "incompressible page over 1460: each line a hint" hinted
run --max-segments "$segs5" --check "$noise"
check "incompressible page over 1460: fits --max-segments $segs5" [ "$rc" = 0 ]
head -c 1300 /dev/urandom >"$noise/noise.bin"
run --max-segments 1 --mss 1000 --report "$big" -o "$work/big.c"
check "fits gzip-compressed: exit 0" [ "$rc" = 0 ]
check "fits gzip-compressed: gzip only" sh -c "grep -A1 '^/page.txt ' '$work/out' | grep -q ' gzip ' && ! grep '^/page.txt ' '$work/out' | grep -q identity"
# its identity reply where it fits beside the gzip one (with Vary)
want3=$(reply_len "$big" /page.txt identity) || want3=0
# an --mss above 1460 is never proposed: the segments of MSS 1000 it
# takes instead (pagec(1), "Large pages": 988 bytes less 12 in blocks of
# 64, the first segment 64 - 2 bytes shorter, as reply 1)
segs3=$((1 + (want3 - (960 - 64 + 2) + 959) / 960))
check "fits gzip-compressed: its identity reply over 1460 ($want3 bytes), in $segs3 segments" \
    [ "$want3" -gt 1460 ] && [ "$segs3" = 2 ]
check "fits gzip-compressed: a warning names it, the 406 and the --max-segments that keeps it whole" \
    grep -qx "pagec: $big/page.txt: warning: kept gzip-compressed only (its reply would be $want3 bytes, over the limit of 1000): a client that does not accept gzip, such as wget or Python's urllib, gets 406 for it; --max-segments $segs3 would keep it whole" "$work/err"
check "fits gzip-compressed: no other warning" [ "$(wc -l <"$work/err")" = 1 ]
run --mss 1000 --report "$big" -o "$work/big.c"
check "without --max-segments: both encodings kept, no warning" \
    sh -c "[ $rc = 0 ] && grep '^/page.txt ' '$work/out' | grep -q ' identity ' && grep -A1 '^/page.txt ' '$work/out' | grep -q ' gzip ' && [ ! -s '$work/err' ]"
head -c 1300 /dev/zero | tr '\0' 'y' >"$big/page.txt"
want4=$(reply_len "$big" /page.txt identity) || want4=0
run --max-segments 1 --mss 1000 --check "$big"
check "fits gzip-compressed, its identity reply ($want4 bytes) at most 1460: the --mss that keeps it whole" \
    grep -qx "pagec: $big/page.txt: warning: kept gzip-compressed only (its reply would be $want4 bytes, over the limit of 1000): a client that does not accept gzip, such as wget or Python's urllib, gets 406 for it; --mss $want4 would keep it whole" "$work/err"
head -c 1400 /dev/zero | tr '\0' 'x' >"$big/page.txt"
run --mss 1000 --port 8080=page.txt "$big" -o "$work/big.c"
check "--port page that fits only gzipped: exit 1" [ "$rc" = 1 ]
check "--port page that fits only gzipped: each line a hint" hinted
run --port 8080=nosuch.html "$big" -o "$work/big.c"
check "--port to a missing page: exit 1" [ "$rc" = 1 ]
run --port 80=page.txt "$big" -o "$work/big.c"
check "--port on the HTTP port: exit 2" [ "$rc" = 2 ]
check "--port on the HTTP port: says port 80 is where pages are found by name, and --http-port" \
    grep -q "^pagec: --port 80=page.txt: port 80 is the HTTP port, where pages are found by the path asked for; .*--http-port" "$work/err"
run --http-port 8080 --port 8080=page.txt "$big" -o "$work/big.c"
check "--port on a moved HTTP port: port 8080 named" grep -q "^pagec: --port 8080=page.txt: port 8080 is the HTTP port" "$work/err"
run --http-port 8080 --port 80=index.html --check "$big"
check "--port 80 with the HTTP port moved: exit 0" [ "$rc" = 0 ]
run --check "$big"
check "--check without -o: exit 0" [ "$rc" = 0 ]
check "--check writes nothing" [ ! -s "$work/out" ]

# --max-segments N: a page whose every reply takes more than N segments of
# the MSS fails; one encoding over it is dropped when the other is within.
# The segments counted here from pagec(1)'s "Large pages": at MSS 1460,
# blocks of 64, 1408 bytes a segment, the first 64 - 2v shorter (v 1, the
# page's identity reply the site's only large reply)
segs="$work/segs"
mkdir "$segs"
head -c 20000 /dev/zero | tr '\0' 'x' >"$segs/page.txt"
wantS=$(reply_len "$segs" /page.txt identity --no-gzip) || wantS=0
nS=$((1 + (wantS - 1346 + 1407) / 1408))
check "page.txt of 20000 bytes: its reply $wantS bytes, a 200 with the file, $nS segments" \
    sh -c "[ $nS = 15 ] && exit 0 || exit 1" && reply_is_200 "$segs/page.txt"
run --max-segments 3 --no-gzip "$segs" -o "$work/segs.c"
check "--max-segments 3, --no-gzip, $nS segments: exit 1, no output" [ "$rc" = 1 ] && [ ! -e "$work/segs.c" ]
check "--max-segments 3, --no-gzip: the segments and the limit named" \
    grep -qx "pagec: $segs/page.txt: page is $wantS bytes in $nS segments of MSS 1460, limit is 3 ($((nS - 3)) over)" "$work/err"
check "--max-segments 3, --no-gzip: gzip suggested" \
    grep -qx "pagec: $segs/page.txt: gzip-compressed it would take 1 segment and fit: drop --no-gzip" "$work/err"
check "--max-segments 3, --no-gzip: each line a hint" hinted
run --max-segments 3 --no-gzip --report --check "$segs"
check "--max-segments 3, --no-gzip: the report says the page does not fit" \
    sh -c "grep -q '^/page.txt .*20000  does not fit\$' '$work/out' && grep -qx '0 of 1 pages fit in 3 segments of MSS 1460' '$work/out'"
run --max-segments "$nS" --no-gzip "$segs" -o "$work/segs.c"
check "--max-segments $nS, --no-gzip: exit 0" [ "$rc" = 0 ]
run --max-segments $((nS - 1)) --no-gzip --check "$segs"
check "--max-segments $((nS - 1)), --no-gzip: one over" \
    sh -c "[ $rc = 1 ] && grep -q '(1 over)\$' '$work/err'"
run --max-segments 3 --report "$segs" -o "$work/segs.c"
check "--max-segments 3 with gzip: exit 0, gzip only" \
    sh -c "[ $rc = 0 ] && grep -q '^/page.txt .* gzip ' '$work/out' && ! grep -q ' identity ' '$work/out'"
check "--max-segments 3 with gzip: a warning names the identity reply's segments and the 406" \
    grep -qx "pagec: $segs/page.txt: warning: kept gzip-compressed only (its reply would take $nS segments of MSS 1460, over the limit of 3): a client that does not accept gzip, such as wget or Python's urllib, gets 406 for it; --max-segments $nS would keep it whole" "$work/err"
run --report "$segs" -o "$work/segs.c"
check "no --max-segments: both encodings, the identity one in $nS segments at 1460" \
    sh -c "[ $rc = 0 ] && grep -q '^/page.txt .* identity  *20000  *[0-9]*  *$nS/' '$work/out' && grep -q ' gzip ' '$work/out' && [ ! -s '$work/err' ]"
for m in 0 x -1 134217727; do
    run --max-segments "$m" "$segs" -o "$work/segs.c"
    check "--max-segments '$m': exit 2, named" sh -c "[ $rc = 2 ] && grep -q \"^pagec: --max-segments: '$m' is not a number from 1 to\" '$work/err'"
done
rm -rf "$segs" "$work/segs.c" "$work/segs.h"

# the most large replies a site can have (replies over min(536, --mss)):
# 255, whose grid takes blocks of 512 bytes
many="$work/many"
mkdir "$many"
i=0
while [ $i -lt 256 ]; do
    head -c 600 /dev/urandom >"$many/p$i.bin"
    i=$((i + 1))
done
run --mime bin=application/octet-stream --check "$many"
check "256 large replies: exit 1, the limit named" \
    sh -c "[ $rc = 1 ] && grep -qx 'pagec: $many: 256 replies are longer than 536 bytes (one segment of the smallest MSS), more than the 255 a site can send in several segments' '$work/err'"
check "256 large replies: a hint" grep -qx "pagec: $many: 1 fewer would fit: make two sites (--name)" "$work/err"
rm "$many/p255.bin"
run --mime bin=application/octet-stream --check "$many"
check "255 large replies: exit 0" [ "$rc" = 0 ]
run --mime bin=application/octet-stream --mss 300 --check "$many"
check "255 large replies at --mss 300: a block of 256 at most, 127 replies" \
    grep -q "^pagec: $many: 255 replies are longer than 300 bytes (one segment of the smallest MSS), more than the 127 a site" "$work/err"
# 130 pages of four letters in random order: each encoding over 536
# bytes, the gzip one a quarter shorter and kept: 260 large replies, 130
# without gzip
rm -f "$many"/*
i=0
while [ $i -lt 130 ]; do
    head -c 3000 /dev/urandom | tr '\000-\377' '[a*64][c*64][g*64][t*64]' >"$many/p$i.txt"
    i=$((i + 1))
done
run --check --report "$many"
check "260 large replies, 130 of them gzip: exit 1, --no-gzip proposed" \
    sh -c "[ $rc = 1 ] && grep -qx 'pagec: $many: 260 replies are longer than 536 bytes (one segment of the smallest MSS), more than the 255 a site can send in several segments' '$work/err' && grep -qx 'pagec: $many: with --no-gzip there would be 130, one a page' '$work/err'"
run --no-gzip --check "$many"
check "130 large replies with --no-gzip: exit 0" [ "$rc" = 0 ]
rm -rf "$many"

# a live field lies within the first 65495 bytes of its reply
far="$work/far"
mkdir "$far"
{ head -c 70000 /dev/zero | tr '\0' 'a'; printf '\n<!--live:up:8-->\n'; } >"$far/far.html"
run --check "$far"
check "a live field past byte 65495: exit 1, at its line and column" \
    sh -c "[ $rc = 1 ] && grep -q '^pagec: $far/far.html:2:1: the live field ends at byte [0-9]* of its reply, limit is 65495 ([0-9]* over)\$' '$work/err'"
check "a live field past byte 65495: each line a hint" hinted
rm -rf "$far"

# the error reply (sent as 400, 404, 405, 406, 501, 503 and 505) must reach a
# client with the smallest MSS the runtime takes, min(536, --mss): its size
# read back from the datagrams in the generated C
replies="python3 $(dirname "$0")/tools/replies.py"
small="$work/small"
mkdir "$small"
echo '<p>hi</p>' >"$small/index.html"
run "$small" -o "$work/small.c"
check "small site: exit 0" [ "$rc" = 0 ]
$replies "$work/small.c" >"$work/replies"
check "one error reply found in the C" [ "$(grep -c '^400 ' "$work/replies")" = 1 ]
check "no other status stored in the C" [ "$(grep -vc '^[24]00 ' "$work/replies")" = 0 ]
nerr=$(awk '$1 == 400 { print $2 }' "$work/replies")
check "the error reply: no body, under 222 bytes" [ "${nerr:-999}" -lt 222 ]
server=$(printf 's%.0s' $(seq 1 500))
want=$((nerr + 10 + 500)) # "Server: " + the value + CRLF
run --server "$server" "$small" -o "$work/small400.c"
check "--server of 500 characters: exit 1" [ "$rc" = 1 ]
check "--server of 500 characters: the error reply named" grep -qx "pagec: $small: the error reply has $want bytes of TCP data, more than the 536 a client with the smallest MSS can take (over by $((want - 536)))" "$work/err"
check "--server of 500 characters: named once" [ "$(grep -c ': the error reply has ' "$work/err")" = 1 ]
check "--server of 500 characters: a shorter value suggested" grep -qx "pagec: $small: with a --server value of at most $((500 - (want - 536))) characters it would fit" "$work/err"
check "--server of 500 characters: no output" [ ! -e "$work/small400.c" ] && [ ! -e "$work/small400.h" ]
fits=$((536 - nerr - 10))
run --server "$(printf 's%.0s' $(seq 1 $fits))" "$small" -o "$work/small400.c"
check "--server of $fits characters: the error reply 536 bytes at most" [ "$rc" = 0 ]
$replies "$work/small400.c" >"$work/replies"
check "--server of $fits characters: the error reply exactly 536 bytes" [ "$(awk '$1 == 400 { print $2 }' "$work/replies")" = 536 ]
rm -f "$work/small400.c" "$work/small400.h"
run --server "$(printf 's%.0s' $(seq 1 $((fits + 1))))" "$small" -o "$work/small400.c"
check "--server of $((fits + 1)) characters: one byte over" grep -q "(over by 1)\$" "$work/err"
check "--server of $((fits + 1)) characters: exit 1, no output" [ "$rc" = 1 ] && [ ! -e "$work/small400.c" ] && [ ! -e "$work/small400.h" ]
run --mss 296 "$small" -o "$work/small296.c"
check "--mss 296 without --server: exit 0" [ "$rc" = 0 ]
$replies "$work/small296.c" >"$work/replies"
check "--mss 296: every reply 296 bytes at most" awk '$2 > 296 { bad = 1 } END { exit bad || NR < 2 }' "$work/replies"
run --mss 296 --server "$server" "$small" -o "$work/small296.c"
check "--mss 296, long --server: the limit is 296" grep -q "^pagec: $small: the error reply has $want bytes of TCP data, more than the 296 a client" "$work/err"
s40=$(printf 's%.0s' $(seq 1 40))
run --mss 128 --server "$s40" --check "$small"
check "--mss 128, --server of 40: the error reply does not fit" [ "$rc" = 1 ]
check "--mss 128, --server of 40: the limit is 128" grep -qx "pagec: $small: the error reply has $((nerr + 50)) bytes of TCP data, more than the 128 a client with the smallest MSS can take (over by $((nerr + 50 - 128)))" "$work/err"
# the page's reply, over 128 bytes, is a large reply: every reply is made
# even, the error reply too, and the --mss proposed leaves room for that
even50=$((nerr + 50 + (nerr + 50) % 2))
check "--mss 128, --server of 40: a shorter value or a larger --mss suggested" grep -qx "pagec: $small: with a --server value of at most $((128 - nerr - 10)) characters, or with --mss $even50, it would fit" "$work/err"
check "--mss 128, --server of 40: the page's header over 128 named" \
    grep -q "^pagec: $small/index.html: the header of its identity reply is [0-9]* bytes, limit is 128 ([0-9]* over)\$" "$work/err"
check "--mss 128, --server of 40: each line a hint" hinted
run --mss "$even50" --check "$small"
check "--mss $even50, --server of 40: the error reply fits" sh -c "! grep -q 'error reply' '$work/err'"
# the least --mss: the error reply and a page of a few bytes fit it, as
# pagec(1) says (the error reply 99 bytes of TCP data)
check "the error reply: 99 bytes, as pagec(1) says" [ "$nerr" = 99 ]
least="$work/least"
mkdir "$least"
printf 'hi\n' >"$least/t.txt"
run --mss 128 "$least" -o "$work/least.c"
check "--mss 128, a 3-byte page: exit 0" [ "$rc" = 0 ]
$replies "$work/least.c" >"$work/replies"
check "--mss 128: the page and the error reply, 128 bytes at most" \
    awk '$2 > 128 { bad = 1 } END { exit bad || NR != 2 }' "$work/replies"
run --mss 127 "$least" -o "$work/least.c"
check "--mss 127: exit 2, 128 named as the least" sh -c "[ $rc = 2 ] && grep -q \"^pagec: --mss: '127' is not a number from 128 to\" '$work/err'"
rm -rf "$least" "$work/least.c" "$work/least.h"
head -c 1000 /dev/zero | tr '\0' 'x' >"$small/404.html"
run --no-gzip "$small" -o "$work/small404.c"
check "a 404.html over 536 bytes is a page: exit 0" [ "$rc" = 0 ]
head -c 600 /dev/urandom >"$small/404.html"
run --max-segments 1 --mss 536 --check "$small"
check "a 404.html over --mss 536: exit 1" [ "$rc" = 1 ]
check "a 404.html over --mss 536: named, with a hint" sh -c "grep -q '^pagec: $small/404.html: page is ' '$work/err' && grep -q '^pagec: $small/404.html: it would fit with --mss ' '$work/err'"
check "a 404.html over --mss 536: each line a hint" hinted
rm "$small/404.html"

# bad input: every problem named, with its cause
bad="$work/bad"
mkdir -p "$bad/sub"
echo ok >"$bad/ok.txt"
ln -s loop1 "$bad/loop2"
ln -s loop2 "$bad/loop1"
run --check "$bad"
check "symlink loop: exit 1" [ "$rc" = 1 ]
check "symlink loop: strerror" grep -q "loop1: Too many levels of symbolic links" "$work/err"
check "symlink loop: both named" grep -q "loop2: Too many levels of symbolic links" "$work/err"
rm "$bad/loop1" "$bad/loop2"
if command -v mkfifo >/dev/null 2>&1; then
    mkfifo "$bad/fifo"
    run --check "$bad"
    check "special file: skipped with a warning" [ "$rc" = 0 ]
    check "special file: warning" grep -q "fifo: warning: not a regular file, skipped" "$work/err"
    rm "$bad/fifo"
else
    not_checked "a special file (no mkfifo)"
fi
ln -s sub "$bad/dirlink"
run --check "$bad"
check "symlink to a folder: skipped with a warning" grep -q "dirlink: warning: symbolic link to a directory, skipped" "$work/err"
rm "$bad/dirlink"
# root reads any file: as root, pagec runs as nobody for this check
nobody_group=$(id -gn nobody 2>/dev/null || echo nogroup)
if [ "$(id -u)" != 0 ]; then
    as_user=""
elif command -v setpriv >/dev/null 2>&1; then
    as_user="setpriv --reuid=nobody --regid=$nobody_group --clear-groups"
elif command -v runuser >/dev/null 2>&1; then
    as_user="runuser -u nobody --"
else
    as_user=none
fi
if [ "$as_user" != none ]; then
    chmod 755 "$work" "$bad"
    chmod 000 "$bad/ok.txt"
    # shellcheck disable=SC2086 # a command and its arguments
    $as_user "$pagec" --check "$bad" >"$work/out" 2>"$work/err"
    rc=$?
    check "unreadable file: exit 1" [ "$rc" = 1 ]
    check "unreadable file: strerror" grep -q "ok.txt: Permission denied" "$work/err"
    chmod 644 "$bad/ok.txt"
else
    not_checked "an unreadable file (root, and neither setpriv nor runuser to drop it)"
fi
rmdir "$bad/sub"
mkdir "$work/empty"
run --check "$work/empty"
check "empty site: exit 1" [ "$rc" = 1 ]
check "empty site: message" grep -q "empty: no files to serve" "$work/err"
long="$bad/$(printf 'd%.0s' $(seq 1 200))/$(printf 'e%.0s' $(seq 1 200))"
mkdir -p "$long"
echo x >"$long/$(printf 'f%.0s' $(seq 1 200)).txt"
run --check --mss 600 "$bad"
check "very long path: exit 1" [ "$rc" = 1 ]
check "very long path: named" grep -q "name too long: a request for it takes at least 622 bytes" "$work/err"
check "very long path: a hint" grep -q ": a name 22 bytes shorter, or --mss 622, would do\$" "$work/err"
check "very long path: each line a hint" hinted
rm -rf "$bad/d"*
weird="$bad/q\"uo'te\\b?ck*/x.txt"
mkdir -p "$(dirname "$weird")"
echo weird >"$weird"
run "$bad" -o "$work/weird.c"
check "names that need escaping in C: exit 0" [ "$rc" = 0 ]
check "names that need escaping in C: the C compiles" \
    "$cc" -std=c99 -Wall -Wextra -Werror -I"$src/include" \
    -c "$work/weird.c" -o "$work/weird.o"
rm -f "$work/weird.o"
check "versions recorded in the header" grep -q '^#define site_ZLIB_VERSION "' "$work/weird.h"
run --exclude '*.txt' --check "$bad"
check "--exclude: every file excluded: exit 1" [ "$rc" = 1 ]
run --exclude 'q*' --report "$bad" -o "$work/weird.c"
check "--exclude a folder" sh -c "! grep -q x.txt '$work/out' && grep -q ok.txt '$work/out'"
run --mime txt=text/x-mine --report "$bad" -o "$work/weird.c"
check "--mime overrides the table, charset added" grep -q "^/ok.txt  *text/x-mine; charset=utf-8" "$work/out"
run --mime 'txt=application/x-mine; foo=bar' --report "$bad" -o "$work/weird.c"
check "--mime with parameters kept as given" grep -q "^/ok.txt  *application/x-mine; foo=bar " "$work/out"
run --mime txt "$bad" -o "$work/weird.c"; check "--mime without TYPE: exit 2" [ "$rc" = 2 ]
run --server "$(printf 'a\nb')" "$bad" -o "$work/weird.c"; check "--server with a line break: exit 2" [ "$rc" = 2 ]
run --cache-control "$(printf 'a\nb')" "$bad" -o "$work/weird.c"
check "--cache-control with a line break: exit 2, the option named, the value escaped, on one line" \
    sh -c "[ $rc = 2 ] && grep -q \"^pagec: --cache-control: 'a\\\\\\\\nb' cannot be\" '$work/err' && [ \$(wc -l <'$work/err') = 2 ]"
# every option's error names the option
for bad_opt in "--mss=x" "--name=9" "--mime=x" "--cache-control=" "--server=" \
    "--http-port=x" "--port=x" "-o=x.h" "--depfile=-"; do
    opt=${bad_opt%%=*}
    if [ "$opt" = -o ]; then
        run "$bad" -o "${bad_opt#*=}"
    else
        run "$bad_opt" "$bad" -o "$work/weird.c"
    fi
    check "$bad_opt: exit 2, the message names $opt" \
        sh -c "[ $rc = 2 ] && head -n 1 '$work/err' | grep -q -- '^pagec: $opt[: ]'"
done
run --http-port 70000 "$bad" -o "$work/weird.c"; check "--http-port 70000: exit 2" [ "$rc" = 2 ]
run --port 0=ok.txt "$bad" -o "$work/weird.c"; check "--port 0: exit 2" [ "$rc" = 2 ]
run --port 81=ok.txt --port 81=ok.txt "$bad" -o "$work/weird.c"; check "--port twice: exit 2" [ "$rc" = 2 ]

# --depfile, read by make itself
if command -v make >/dev/null 2>&1; then
    dep="$work/dep"
    mkdir -p "$dep/site/sub"
    echo one >"$dep/site/a b.txt"
    echo two >"$dep/site/sub/c.txt"
    printf 'out.c: site\n\t"%s" --depfile out.d site -o out.c\n-include out.d\n' \
        "$pagec" >"$dep/Makefile"
    (cd "$dep" && make -s >/dev/null 2>&1)
    check "depfile: written" [ -s "$dep/out.d" ] && [ -s "$dep/out.c" ]
    check "depfile: no absolute path in the C" sh -c "! grep -q '$dep' '$dep/out.c'"
    check "depfile: up to date after a build" sh -c "cd '$dep' && make -q out.c"
    sleep 1
    touch "$dep/site/sub/c.txt"
    check "depfile: an edited file makes it stale" sh -c "cd '$dep' && ! make -q out.c"
    (cd "$dep" && make -s >/dev/null 2>&1)
    sleep 1
    echo three >"$dep/site/sub/new.txt"
    check "depfile: a new file makes it stale" sh -c "cd '$dep' && ! make -q out.c"
    (cd "$dep" && make -s >/dev/null 2>&1)
    sleep 1
    rm "$dep/site/a b.txt"
    check "depfile: a deleted file does not break the build" sh -c "cd '$dep' && make -s >/dev/null 2>&1"
    check "depfile: the deleted file is gone from the site" sh -c "! grep -q 'a b' '$dep/out.c'"
else
    not_checked "--depfile (no make)"
fi

# the real sites
if [ -d "$shared/lwip-httpd" ]; then
    want=$(reply_len "$shared/lwip-httpd" /index.html identity --no-gzip) || want=0
    check "lwIP index.html's reply where it fits: $want bytes, a 200 with the file" \
        reply_is_200 "$shared/lwip-httpd/index.html"
    run --max-segments 1 --no-gzip "$shared/lwip-httpd" -o "$work/lwip.c"
    check "lwIP site at 1460 without gzip: exit 1" [ "$rc" = 1 ]
    check "lwIP index.html: message" grep -qx "pagec: $shared/lwip-httpd/index.html: page is $want bytes, limit is 1460 ($((want - 1460)) over)" "$work/err"
    check "lwIP: only index.html reported" [ "$(grep -c 'over)$' "$work/err")" = 1 ]
    run "$shared/lwip-httpd" -o "$work/lwip.c"
    check "lwIP site at 1460 with gzip: exit 0" [ "$rc" = 0 ]
    check "lwIP: custom 404 from 404.html" grep -q "/404.html, sent as 404" "$work/lwip.c"
else
    not_checked "the lwIP site (no $shared/lwip-httpd)"
fi
if [ -d "$shared/uip-httpd" ]; then
    run "$shared/uip-httpd" -o "$work/uip.c"
    check "uIP site at 1460: exit 0" [ "$rc" = 0 ]
    check "uIP .shtml served as text/html" grep -q "/files.shtml: text/html" "$work/uip.c"
    run --mss 966 "$shared/uip-httpd" -o "$work/uip966.c"
    check "uIP site at 966 (SLIP) with gzip: exit 0" [ "$rc" = 0 ]
    run --max-segments 1 --no-gzip --mss 966 "$shared/uip-httpd" -o "$work/uip966.c"
    check "uIP site at 966 without gzip: exit 1" [ "$rc" = 1 ]
    check "uIP at 966: every page over the limit listed" [ "$(grep -c 'over)$' "$work/err")" = 3 ]
    check "uIP at 966: files.shtml listed" grep -q "files.shtml: page is" "$work/err"
    check "uIP at 966: style.css listed" grep -q "style.css: page is" "$work/err"
else
    not_checked "the uIP site (no $shared/uip-httpd)"
fi

# live fields: the markers of tests/sites/live, found here with grep, read
# back from the generated header, and from the replies the generated C
# holds (reply_bytes.c) at the places tests/tools/fields.py decodes from
# its tables
lsite="$src/tests/sites/live"
run --name live --cache-control max-age=60 --report "$lsite" -o "$work/live.c"
check "live site: exit 0" [ "$rc" = 0 ]
cp "$work/out" "$work/live.report"
# the names in byte order, numbered from 0; the most bytes of one page
for f in "$lsite"/*; do
    grep -o '<!--live:[a-z0-9_]*:[0-9]*-->' "$f"
done | sed 's/<!--live:\([a-z0-9_]*\):.*/\1/' | LC_ALL=C sort -u |
    awk '{ printf "#define live_LIVE_%s %d\n", $0, NR - 1 } END { printf "#define live_LIVE_COUNT %d\n", NR }' >"$work/want.h"
most=0
for f in "$lsite"/*; do
    n=$(grep -o '<!--live:[a-z0-9_]*:[0-9]*-->' "$f" | sed 's/.*:\([0-9]*\)-->/\1/' | awk '{ s += $1 } END { print s + 0 }')
    [ "$n" -gt "$most" ] && most=$n
done
grep '^#define live_LIVE_[a-z0-9_]* ' "$work/live.h" >"$work/got.h"
grep '^#define live_LIVE_COUNT ' "$work/live.h" >>"$work/got.h"
check "live site: the header numbers the names in byte order, and counts them" cmp -s "$work/want.h" "$work/got.h"
check "live site: the names are clock 0, temp 1, uptime 2" \
    [ "$(grep -c '^#define live_LIVE_\(clock 0\|temp 1\|uptime 2\|COUNT 3\)$' "$work/live.h")" = 4 ]
check "live site: LIVE_BYTES is the most bytes of one page's fields ($most)" \
    grep -qx "#define live_LIVE_BYTES $most" "$work/live.h"
check "live site: LIVE_BYTES is 24" [ "$most" = 24 ]
python3 "$src/tests/tools/fields.py" "$work/live.c" >"$work/fields"
check "live site: five fields in the tables" [ "$(wc -l <"$work/fields")" = 5 ]
cat >"$work/rebuild.py" <<'EOF'
# The reply in argv[1] (TCP data) with each field of its page (argv[4] in
# the list argv[3], names from the header argv[2]) put back as its marker:
# exit 0 when the fields are runs of spaces, in order, in the body, and
# the body so rebuilt is the file argv[5].
import re, sys
reply = open(sys.argv[1], "rb").read()
names = {int(v): n for n, v in re.findall(r"#define live_LIVE_([a-z0-9_]+) (\d+)\n", open(sys.argv[2]).read())}
fields = [[int(x) for x in l.split()[1:]] for l in open(sys.argv[3]) if l.split()[0] == sys.argv[4]]
last = reply.index(b"\r\n\r\n") + 4
out = bytearray()
for at, width, fid in fields:
    if at < last or reply[at:at + width] != b" " * width:
        sys.exit(1)
    out += reply[last:at] + b"<!--live:%s:%d-->" % (names[fid].encode(), width)
    last = at + width
out += reply[last:]
# an action's marker is not sent (pagec(1), "Actions")
want = re.sub(rb"<!--action:[^\n]*?-->", b"", open(sys.argv[5], "rb").read())
sys.exit(0 if fields and bytes(out) == want else 1)
EOF
for f in index.html status.json 404.html; do
    reply_len "$lsite" "/$f" identity >/dev/null
    body=$(($(wc -c <"$work/reply") - $(LC_ALL=C awk '{ n += length($0) + 1 } /^\r$/ { print n; exit }' "$work/reply")))
    check "/$f: each field a run of spaces where its marker was, the rest the file" \
        python3 "$work/rebuild.py" "$work/reply" "$work/live.h" "$work/fields" "/$f" "$lsite/$f"
    check "/$f: Content-Length is the body with the fields, $body bytes" \
        grep -qx "Content-Length: $body$(printf '\r')" "$work/reply"
    check "/$f: no ETag" sh -c "! grep -q '^ETag:' '$work/reply'"
    check "/$f: Cache-Control: no-store" grep -qx "Cache-Control: no-store$(printf '\r')" "$work/reply"
    check "/$f: Cache-Control once" [ "$(grep -c '^Cache-Control:' "$work/reply")" = 1 ]
    check "/$f: no '\"' at PAGEC_ETAG_AT (21)" [ "$(head -c 22 "$work/reply" | tail -c 1)" != '"' ]
    check "/$f: no gzip variant" sh -c "! grep -qF '/$f, gzip' '$work/live.c'"
    check "/$f: --report names its fields" \
        grep -q "^/$f .* identity .*%  live: $(grep -o '<!--live:[a-z0-9_]*' "$lsite/$f" | sed 's/<!--live://' | awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g')\(  actions: .*\)\?\$" "$work/live.report"
done
reply_len "$lsite" /index.html gzip >/dev/null 2>&1
check "/index.html: reply_bytes finds no gzip reply" [ ! -s "$work/reply" ]
reply_len "$lsite" /about.html identity --cache-control max-age=60 >/dev/null
sed 's/<!--action:[^>]*-->//g' "$lsite/about.html" >"$work/about.html"
check "/about.html, no field: the file as it is, without its action's marker" \
    reply_is_200 "$work/about.html"
check "/about.html, no field: an ETag at PAGEC_ETAG_AT" [ "$(head -c 22 "$work/reply" | tail -c 1)" = '"' ]
check "/about.html, no field: --cache-control's value" grep -qx "Cache-Control: max-age=60$(printf '\r')" "$work/reply"
check "/about.html: not live in --report" sh -c "grep '^/about.html ' '$work/live.report' | grep -qv live:"
check "/about.html: a gzip variant" grep -q '/about.html, gzip' "$work/live.c"
# without its markers, index.html would be kept gzip-compressed too
nolive="$work/nolive"
mkdir "$nolive"
sed 's/<!--live:[a-z0-9_]*:[0-9]*-->/x/g' "$lsite/index.html" >"$nolive/index.html"
run --check --report "$nolive"
check "index.html without its markers: a gzip variant" grep -q '^  *gzip ' "$work/out"
rm -rf "$nolive"
# the generated C: compiles, and stops with an #error under PAGEC_LIVE_MAX
check "live site: the C compiles with -Wall -Wextra -Werror" \
    "$cc" -std=c99 -Wall -Wextra -Werror -I"$src/include" -c "$work/live.c" -o "$work/live.o"
check "live site: the C compiles with PAGEC_LIVE_MAX=$most" \
    "$cc" -std=c99 -DPAGEC_LIVE_MAX="$most" -I"$src/include" -c "$work/live.c" -o "$work/live.o"
"$cc" -std=c99 -DPAGEC_LIVE_MAX=$((most - 1)) -I"$src/include" -c "$work/live.c" \
    -o "$work/live.o" >"$work/cc.err" 2>&1
check "live site: PAGEC_LIVE_MAX=$((most - 1)) stops the build" [ $? != 0 ]
check "live site: the #error says what PAGEC_LIVE_MAX needs" \
    grep -q "site live: its live fields need $most bytes a reply; define PAGEC_LIVE_MAX to at least $most" "$work/cc.err"
rm -f "$work/live.o" "$work/cc.err" "$work/live.c" "$work/live.h"
# a marker in a file that is not text is no marker
lbin="$work/lbin"
mkdir "$lbin"
printf '\211PNG\r\n\032\n\000\001<!--live:up:8-->\000\377' >"$lbin/logo.png"
printf '<p><!--live:up:8--></p>\n' >"$lbin/index.html"
run --report "$lbin" -o "$work/lbin.c"
check "a marker in a PNG: exit 0" [ "$rc" = 0 ]
check "a marker in a PNG: a warning at its line and column" \
    grep -qx "pagec: $lbin/logo.png:3:3: warning: <!--live:up:8--> is no live field: it is in a file of type image/png, and only text pages have live fields; its bytes are left as they are" "$work/err"
check "a marker in a PNG: not live in --report" sh -c "grep '^/logo.png ' '$work/out' | grep -qv live:"
reply_len "$lbin" /logo.png identity >/dev/null
check "a marker in a PNG: its bytes sent as they are" reply_is_200 "$lbin/logo.png"
rm -rf "$lbin" "$work/lbin.c" "$work/lbin.h"

# live field errors: exit 1, every message at FILE:LINE:COLUMN of the
# marker, followed by a hint at the same place, and no file written
lerr="$work/lerr"
# live_error TEXT MESSAGE FILE CONTENT [FILE CONTENT...] [-- OPTIONS...]:
# MESSAGE the first line wanted on stderr after "pagec: $lerr/"
live_error() {
    what=$1
    want=$2
    shift 2
    rm -rf "$lerr"
    mkdir "$lerr"
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        printf "$2" >"$lerr/$1"
        shift 2
    done
    [ $# -gt 0 ] && shift
    run "$@" "$lerr" -o "$work/lerr.c"
    check "$what: exit 1" [ "$rc" = 1 ]
    check "$what: no file written" [ ! -e "$work/lerr.c" ] && [ ! -e "$work/lerr.h" ]
    check "$what: the message" grep -qxF "pagec: $lerr/$want" "$work/err"
    at=${want%%: *}
    check "$what: two lines, both at $at" \
        [ "$(grep -c "^pagec: $lerr/$at: " "$work/err")" = 2 ] && [ "$(wc -l <"$work/err")" = 2 ]
}
live_error "an upper-case name" "a.html:2:5: bad live field marker: 'T' where the name should be" \
    a.html 'ab\n  xy<!--live:Temp:8-->\n'
live_error "a '-' in a name" "a.html:1:2: bad live field marker: '-' where ':' (a name is lower-case letters, digits and '_') should be" \
    a.html 'x<!--live:up-time:8-->\n'
live_error "a name of 32 characters" "a.txt:1:1: bad live field marker: the name 'uptime_s...' is longer than 31 characters" \
    a.txt '<!--live:uptime_seconds_since_last_boot12:8-->\n'
live_error "no width" "a.css:1:4: bad live field marker: '-' where the width should be" \
    a.css '/* <!--live:up:--> */\n'
for w in 0 65 064 100; do
    live_error "width $w" "a.json:1:7: bad live field marker: the width '$w' is not a number from 1 to 64" \
        a.json "{\"a\": <!--live:up:$w-->}\n"
done
live_error "no '-->' before the end of the file" "a.html:1:1: bad live field marker: the file ends inside it, where '-->' should be" \
    a.html '<!--live:up:8'
live_error "a marker split across lines" "a.html:1:1: bad live field marker: the line ends inside it, where '-->' should be (a marker is on one line)" \
    a.html '<!--live:up:8\n-->\n'
live_error "a marker split after its name" "a.svg:2:1: bad live field marker: the line ends inside it, where ':' (a name is lower-case letters, digits and '_') should be (a marker is on one line)" \
    a.svg '<svg xmlns="http://www.w3.org/2000/svg">\n<!--live:up\n:8--></svg>\n'
live_error "'->' for '-->'" "a.js:1:10: bad live field marker: '>' where '-->' should be" \
    a.js 'var up = <!--live:up:8->;\n'
live_error "a name with two widths" "b.json:1:7: the live field 'uptime' is 9 bytes wide here, but 10 at $lerr/a.html:1:4" \
    a.html '<p><!--live:uptime:10--></p>\n' b.json '{"u": <!--live:uptime:9-->}\n'
# markers NUMBER...: a marker a line for each, of the name nNUMBER, the
# line breaks as printf escapes
markers() { for i in "$@"; do printf '<!--live:n%03d:1-->\\n' "$i"; done; }
live_error "257 names" "c.txt:1:1: the live field 'zone' is the 257th name of the site, more than the 256 a site can have" \
    a.txt "$(markers $(seq 1 128))" b.txt "$(markers $(seq 129 256))" c.txt '<!--live:zone:1-->\n'
live_error "a page with 300 bytes of fields" "a.html:4:1: the live fields of the page take 256 bytes up to this one, more than the 255 one reply can have" \
    a.html '<!--live:a:64-->\n<!--live:b:64-->\n<!--live:c:64-->\n<!--live:d:64-->\n<!--live:e:44-->\n'
check "a page with 300 bytes of fields: 45 bytes fewer" grep -q "a.html:4:1: the page's live fields take 300 bytes in all: 45 bytes fewer would fit\$" "$work/err"
live_error "a live page on --port" "s.json:1:7: a live field in a page served on --port 8080: a page on a port of its own cannot be live" \
    s.json '{"u": <!--live:uptime:10-->}\n' -- --port 8080=/s.json
# a live page too big for --mss: never gzipped, the --mss it needs named
rm -rf "$lerr"
mkdir "$lerr"
{ printf '<p><!--live:up:8--></p>\n'; head -c 3000 /dev/zero | tr '\0' 'x'; } >"$lerr/big.html"
run --max-segments 1 --mss 1460 "$lerr" -o "$work/lerr.c"
check "a live page over 1460, --max-segments 1: exit 1, no file written" [ "$rc" = 1 ] && [ ! -e "$work/lerr.c" ]
check "a live page over 1460, --max-segments 1: the segments it needs named, no --mss over 1460" \
    grep -qx "pagec: $lerr/big.html: a live page is sent identity-encoded: it would fit with --max-segments 3" "$work/err"
check "a live page over 1460, --max-segments 1: each line a hint" hinted
run --check --max-segments 3 "$lerr"
check "a live page over 1460: fits --max-segments 3" [ "$rc" = 0 ]
run --check --max-segments 2 "$lerr"
check "a live page over 1460: not --max-segments 2" sh -c "[ $rc = 1 ] && grep -q '^pagec: $lerr/big.html: page is [0-9]* bytes in 3 segments of MSS 1460, limit is 2 (1 over)\$' '$work/err'"
check "a live page over 1460: --max-segments 3 proposed" \
    grep -qx "pagec: $lerr/big.html: it would fit with --max-segments 3 (a live page is sent identity-encoded)" "$work/err"
check "a live page over 1460, --max-segments 2: each line a hint" hinted
run --check "$lerr"
check "a live page over 1460: fits without --max-segments" [ "$rc" = 0 ]
{ printf '<p><!--live:up:8--></p>\n'; head -c 1200 /dev/zero | tr '\0' 'x'; } >"$lerr/big.html"
run --max-segments 1 --mss 1000 "$lerr" -o "$work/lerr.c"
check "a live page over --mss: exit 1, no file written" [ "$rc" = 1 ] && [ ! -e "$work/lerr.c" ]
need=$(sed -n "s|^pagec: $lerr/big.html: page is \([0-9]*\) bytes, limit is 1000 (.* over)\$|\1|p" "$work/err")
check "a live page over --mss: the --mss it needs named, not gzip" \
    grep -qx "pagec: $lerr/big.html: a live page is sent identity-encoded: it would fit with --mss ${need:-0}" "$work/err"
check "a live page over --mss: each line a hint" hinted
run --max-segments 1 --check --mss "${need:-0}" "$lerr"
check "a live page over --mss: fits at --mss $need" [ "$rc" = 0 ]
run --max-segments 1 --check --mss $((${need:-0} - 1)) "$lerr"
check "a live page over --mss: not at --mss $((${need:-0} - 1))" [ "$rc" = 1 ]
# what is allowed at the edges: a name of 31 characters, widths 1 and
# 64, 255 bytes in a page, comments that only look like markers; 256 names
rm -rf "$lerr"
mkdir "$lerr"
printf '<!--live:uptime_seconds_since_last_boot1:1--> <!--live:a:64--><!--live:b:64-->\n<!--live:c:64--><!--live:d:62-->\n<!-- live:x:8 --> <!--live -->\n' >"$lerr/a.html"
run --report "$lerr" -o "$work/lerr.c"
check "the edges (31 characters, widths 1 and 64, 255 bytes): exit 0" [ "$rc" = 0 ]
check "the edges: LIVE_BYTES 255" grep -qx '#define site_LIVE_BYTES 255' "$work/lerr.h"
check "the edges: a name of 31 characters" grep -qx '#define site_LIVE_uptime_seconds_since_last_boot1 4' "$work/lerr.h"
rm -rf "$lerr"
mkdir "$lerr"
printf '%b' "$(markers $(seq 1 128))" >"$lerr/a.txt"
printf '%b' "$(markers $(seq 129 256))" >"$lerr/b.txt"
run "$lerr" -o "$work/lerr.c"
check "256 names: exit 0" [ "$rc" = 0 ]
check "256 names: the last one 255" grep -qx '#define site_LIVE_n256 255' "$work/lerr.h"
check "256 names: counted" grep -qx '#define site_LIVE_COUNT 256' "$work/lerr.h"
check "256 names: the C compiles" "$cc" -std=c99 -Wall -Wextra -Werror -DPAGEC_LIVE_MAX=128 \
    -I"$src/include" -c "$work/lerr.c" -o "$work/lerr.o"
rm -rf "$lerr" "$work/lerr.c" "$work/lerr.h" "$work/lerr.o"

# actions: a site whose markers say what each target runs; the compiled
# tables read back through the runtime's own matcher (action_lookup.c)
asite="$work/asite"
mkdir -p "$asite/sys"
{
    printf '<form method="post" action="/led">\n'
    printf 'x<!--action:led:1:/led?set=1--><!--action:led:0:/led?set=0-->y\n'
    printf '<button name="set" value="1">on</button>\n'
    printf '<!-- action:x:1:/x?y=1 --> <!--action --> <!--actions:x-->\n' # no markers
    for i in $(seq 1 20); do printf '<p>The LED is on, or it is off.</p>\n'; done
    printf '</form>\n'
} >"$asite/index.html"
printf 'done <!--action:reboot:65535:/sys/reboot?now=1&x=%%2F-->\n' >"$asite/sys/done.txt"
printf '{"fan": <!--action:fan:0:/fan?speed=0-->1}\n' >"$asite/fan.json"
run --name act --report "$asite" -o "$work/act.c"
check "actions: exit 0" [ "$rc" = 0 ]
cp "$work/out" "$work/act.report"
# the names in byte order, numbered from 0, as the markers give them
for f in index.html sys/done.txt fan.json; do
    grep -o '<!--action:[a-z0-9_]*:' "$asite/$f"
done | sed 's/<!--action:\([a-z0-9_]*\):/\1/' | LC_ALL=C sort -u |
    awk '{ printf "#define act_ACTION_%s %d\n", $0, NR - 1 } END { printf "#define act_ACTION_COUNT %d\n", NR }' >"$work/want.h"
grep '^#define act_ACTION_' "$work/act.h" >"$work/got.h"
check "actions: the header numbers the names in byte order, and counts them" cmp -s "$work/want.h" "$work/got.h"
check "actions: the names are fan 0, led 1, reboot 2" \
    [ "$(grep -c '^#define act_ACTION_\(fan 0\|led 1\|reboot 2\|COUNT 3\)$' "$work/act.h")" = 4 ]
check "actions: a site without actions has ACTION_COUNT 0" \
    sh -c "'$pagec' '$site' -o '$work/noact.c' 2>/dev/null && grep -qx '#define site_ACTION_COUNT 0' '$work/noact.h'"
rm -f "$work/noact.c" "$work/noact.h"
check "actions: the C compiles with -Wall -Wextra -Werror" \
    "$cc" -std=c99 -Wall -Wextra -Werror -I"$src/include" -c "$work/act.c" -o "$work/act.o"
rm -f "$work/act.o"
lookup_ok=0
"$pagec" --name checked_site "$asite" -o "$work/checked.c" 2>/dev/null &&
    "$cc" -std=c99 -I"$src/include" -o "$work/action_lookup" \
        "$src/tests/action_lookup.c" "$work/checked.c" "$src/runtime/match.c" &&
    lookup_ok=1
check "actions: action_lookup.c builds with the site" [ "$lookup_ok" = 1 ]
if [ "$lookup_ok" = 1 ]; then
    # the pages each action serves, as the matcher finds them by path
    pi=$("$work/action_lookup" /index.html | sed -n 's/^page //p')
    pd=$("$work/action_lookup" /sys/done.txt | sed -n 's/^page //p')
    pf=$("$work/action_lookup" /fan.json | sed -n 's/^page //p')
    check "actions: the pages are found by path" [ -n "$pi" ] && [ -n "$pd" ] && [ -n "$pf" ]
    "$work/action_lookup" /led?set=1 /led?set=0 '/sys/reboot?now=1&x=%2F' \
        /fan?speed=0 /led /led? /led?set=2 /led?set=1x '/fan?speed=0&y' \
        '/sys/reboot?now=1&x=/' /LED?set=1 >"$work/lookup"
    printf '%s\n' "action 1 1 $pi" "action 1 0 $pi" "action 2 65535 $pd" \
        "action 0 0 $pf" none none none none none none none "actions 4" >"$work/want"
    check "actions: each target runs its name and argument, then its page; nothing else is an action" \
        cmp -s "$work/want" "$work/lookup"
fi
rm -f "$work/checked.c" "$work/checked.h" "$work/action_lookup" "$work/lookup" "$work/want"
# the markers are taken out, the page otherwise as it was: ETag, gzip
sed 's/<!--action:[^>]*-->//g' "$asite/index.html" >"$work/index.want"
reply_len "$asite" /index.html identity >/dev/null
check "actions: the reply's body is the page without its markers" reply_is_200 "$work/index.want"
check "actions: a page with actions keeps its ETag" grep -q '^ETag: "[0-9a-f]\{8\}"' "$work/reply"
check "actions: and its gzip encoding" grep -qF '/index.html, gzip' "$work/act.c"
check "actions: --report names them" \
    grep -q '^/index.html .* identity .*%  actions: led$' "$work/act.report"
check "actions: --report counts them" grep -q '^3 pages, 4 actions, ' "$work/act.report"
rm -f "$work/index.want" "$work/act.c" "$work/act.h" "$work/act.report"
rm -rf "$asite"
# a marker in a file that is not text is no marker
abin="$work/abin"
mkdir "$abin"
printf '\211PNG\r\n\032\n\000\001<!--action:led:1:/led?set=1-->\000\377' >"$abin/logo.png"
run --report "$abin" -o "$work/abin.c"
check "an action marker in a PNG: exit 0" [ "$rc" = 0 ]
check "an action marker in a PNG: a warning at its line and column" \
    grep -qx "pagec: $abin/logo.png:3:3: warning: <!--action:led:1:/led?set=1--> is no action: it is in a file of type image/png, and only text pages have actions; its bytes are left as they are" "$work/err"
check "an action marker in a PNG: no action" grep -qx '#define site_ACTION_COUNT 0' "$work/abin.h"
reply_len "$abin" /logo.png identity >/dev/null
check "an action marker in a PNG: its bytes sent as they are" reply_is_200 "$abin/logo.png"
rm -rf "$abin" "$work/abin.c" "$work/abin.h"

# action errors, as live field errors (live_error)
live_error "an action's upper-case name" "a.html:1:4: bad action marker: 'L' where the name should be" \
    a.html '<p><!--action:Led:1:/led?set=1--></p>\n'
live_error "an action without argument" "a.html:1:1: bad action marker: ':' where the argument should be" \
    a.html '<!--action:led::/led?set=1-->\n'
for v in 65536 01 123456789; do
    shown=$v
    [ ${#v} -gt 8 ] && shown=$(printf '%.8s...' "$v")
    live_error "argument $v" "a.html:2:1: bad action marker: the argument '$shown' is not a number from 0 to 65535" \
        a.html "\n<!--action:led:$v:/led?set=1-->\n"
done
live_error "no ':' after the argument" "a.html:1:1: bad action marker: '/' where ':' after the argument should be" \
    a.html '<!--action:led:1/led?set=1-->\n'
live_error "a target without '/'" "a.html:1:1: bad action marker: 'l' where the target (starting with '/') should be" \
    a.html '<!--action:led:1:led?set=1-->\n'
live_error "a target without '?'" "a.html:1:1: bad action marker: the target '/led' has no '?': it is PATH?QUERY" \
    a.html '<!--action:led:1:/led-->\n'
live_error "an empty query" "a.html:1:1: bad action marker: the target '/led?' has an empty query" \
    a.html '<!--action:led:1:/led?-->\n'
live_error "a space in a target" "a.html:1:1: bad action marker: ' ' in the target, which is printable ASCII without spaces or '#'" \
    a.html '<!--action:led:1:/led?set=1 -->\n'
live_error "a '#' in a target" "a.html:1:1: bad action marker: '#' in the target, which is printable ASCII without spaces or '#'" \
    a.html '<!--action:led:1:/led?set=1#on-->\n'
live_error "a tab in a target" "a.html:1:1: bad action marker: '\\t' in the target, which is printable ASCII without spaces or '#'" \
    a.html '<!--action:led:1:/led?set=\t1-->\n'
live_error "a UTF-8 byte in a target" "a.html:1:1: bad action marker: '\\xc3' in the target, which is printable ASCII without spaces or '#'" \
    a.html '<!--action:led:1:/l\303\251d?set=1-->\n'
live_error "a '%' in a target's path" "a.html:1:1: bad action marker: '%' in the target's path, which is written percent-decoded, as a file's name is" \
    a.html '<!--action:led:1:/l%%65d?set=1-->\n'
live_error "a '%' in a query without two hex digits" "a.html:1:1: bad action marker: '%' in the target's query without two hex digits after it" \
    a.html '<!--action:led:1:/led?set=%%4-->\n'
live_error "an action marker split across lines" "a.html:1:1: bad action marker: the line ends inside it, where '-->' should be (a marker is on one line)" \
    a.html '<!--action:led:1:/led?set=1\n-->\n'
live_error "an action marker at the end of the file" "a.html:1:1: bad action marker: the file ends inside it, where '-->' should be" \
    a.html '<!--action:led:1:/led?set=1'
live_error "a target declared twice" "b.txt:2:3: the action target /led?set=1 is declared twice: it is also at $lerr/a.html:1:1" \
    a.html '<!--action:led:1:/led?set=1-->\n' b.txt 'x\nx <!--action:on:0:/led?set=1-->\n'
live_error "a target that is a page's path" "a.html:1:1: the action target /led?set=1 is the path of $lerr/led?set=1" \
    a.html '<!--action:led:1:/led?set=1-->\n' 'led?set=1' 'x\n'
live_error "an action in a page on --port" "a.html:1:1: an action in a page served on --port 8080: a page on a port of its own cannot hold actions" \
    a.html '<!--action:led:1:/led?set=1-->\n' -- --port 8080=/a.html
live_error "an action without an HTTP port" "a.html:1:1: an action in a site without an HTTP port (--http-port 0): nothing would run it" \
    a.html '<!--action:led:1:/led?set=1-->\n' b.html 'b\n' -- --http-port 0 --port 8080=/b.html
long=$(head -c 1450 /dev/zero | tr '\0' a)
live_error "a target too long for --mss" "a.txt:1:1: the action's target is too long: a request for it takes at least 1470 bytes, more than one segment of 1460" \
    a.txt "<!--action:led:1:/$long?x=1-->\n"
check "a target too long for --mss: 10 bytes shorter" grep -q "a.txt:1:1: a target 10 bytes shorter would do\$" "$work/err"
# amarkers NUMBER...: an action marker a line for each, of the name
# nNUMBER, the line breaks as printf escapes
amarkers() { for i in "$@"; do printf '<!--action:n%03d:0:/a%03d?x=1-->\\n' "$i" "$i"; done; }
live_error "257 action names" "c.txt:1:1: the action 'zone' is the 257th name of the site's actions, more than the 256 a site can have" \
    a.txt "$(amarkers $(seq 1 128))" b.txt "$(amarkers $(seq 129 256))" c.txt '<!--action:zone:0:/z?x=1-->\n'
rm -rf "$lerr"
mkdir "$lerr"
printf '%b' "$(amarkers $(seq 1 128))" >"$lerr/a.txt"
printf '%b' "$(amarkers $(seq 129 256))" >"$lerr/b.txt"
run "$lerr" -o "$work/lerr.c"
check "256 action names: exit 0" [ "$rc" = 0 ]
check "256 action names: the last one 255" grep -qx '#define site_ACTION_n256 255' "$work/lerr.h"
check "256 action names: counted" grep -qx '#define site_ACTION_COUNT 256' "$work/lerr.h"
rm -rf "$lerr" "$work/lerr.c" "$work/lerr.h"

# pagec(1)'s DIAGNOSTICS: every message it shows, its paths and numbers
# aside, was printed by a run above
head -c 70000 /dev/urandom >"$noise/huge.bin"
run --check --port 8080=huge.bin "$noise"
rm "$noise/huge.bin"
run --max-segments 1 --mss 150 --check "$big"
awk '/^\.Sh DIAGNOSTICS/ { on = 1; next } /^\.Sh / { on = 0 }
    on && /^(\.Dl )?pagec: / { sub(/^\.Dl /, ""); print }' "$src/man/pagec.1" >"$work/diag"
check "pagec(1) shows messages" [ "$(wc -l <"$work/diag")" -gt 10 ]
while IFS= read -r line; do
    case $line in
    *"what is wrong"* | *"internal error"*) continue ;;
    esac
    # the path it names, and the paths inside, any; numbers any
    # (a path may be followed by :LINE:COLUMN)
    re=$(printf '%s\n' "$line" | sed -e 's/^pagec: [^:]*\(\(:[0-9][0-9]*\)*\): /pagec: @\1: /' \
        -e 's| /[A-Za-z0-9_./-]*| @|g' -e 's| www/[A-Za-z0-9_./-]*| @|g' \
        -e 's/[][\.*^$()+?{}|]/\\&/g' \
        -e 's/[0-9][0-9]*/[0-9]+/g' -e 's|@|[^ ]*|g')
    check "pagec(1) shows a message pagec prints: $line" grep -Eq "^$re\$" "$work/messages"
done <"$work/diag"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ -z "$unchecked" ] || skip "not checked:${unchecked#;}"
