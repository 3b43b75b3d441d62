#!/bin/sh
# pagec on the command line: exit codes, messages, output files,
# determinism, and the real sites of lwIP and uIP.
# usage: cli.sh PAGEC TEST_SITE SHARED_SITES
set -u
pagec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
site=$2
shared=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }
check() { # check DESCRIPTION COMMAND...
    d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}

# Runs pagec; $rc, $work/err hold the result.
run() {
    "$pagec" "$@" >"$work/out" 2>"$work/err"
    rc=$?
}

# Bytes of the HTTP header pagec puts before an identity body when gzip is
# off, computed here: the fields of RFC 9110 and an ETag of CRC-32 and
# length in hex.
header_len() { # STATUS TYPE BODY_LEN
    printf 'HTTP/1.1 %s\r\nETag: "%08x"\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n' \
        "$1" 0 "$2" "$3" | wc -c
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
check "no temporary files" [ "$(find "$work" -mindepth 1 -maxdepth 1 | wc -l)" = 5 ]  # a.c a.h b err out
run --name other_site "$site" -o "$work/b/o.c"
check "--name sets the identifier" grep -q '^extern const PAGEC_ROM struct pagec_site other_site;' "$work/b/o.h"

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
if command -v cc >/dev/null 2>&1; then
    check "generated C compiles with -Wall -Wextra -Werror" \
        cc -std=c99 -Wall -Wextra -Werror -I"$(dirname "$0")/../include" \
        -c "$work/pages.c" -o "$work/pages.o"
    rm -f "$work/pages.o"
fi
rm -f "$work/pages.c" "$work/pages.h"

# a page over the limit: exit 1, the exact message, no output at all
big="$work/big"
mkdir "$big"
head -c 1400 /dev/zero | tr '\0' 'x' >"$big/page.txt"
cp "$site/index.html" "$big/"
want=$(($(header_len "200 " "text/plain; charset=us-ascii" 1400) + 1400))
run --no-gzip --mss 1000 "$big" -o "$work/big.c"
check "oversized page: exit 1" [ "$rc" = 1 ]
check "oversized page: message" grep -qx "pagec: $big/page.txt: page is $want bytes, limit is 1000 ($((want - 1000)) over)" "$work/err"
check "oversized page: gzip suggested" grep -q "^pagec: $big/page.txt: gzip-compressed it would be [0-9]* bytes and fit: drop --no-gzip" "$work/err"
check "oversized page: no output" [ ! -e "$work/big.c" ] && [ ! -e "$work/big.h" ]
echo "keep" >"$work/keep.c"
run --no-gzip --mss 1000 "$big" -o "$work/keep.c"
check "failed run leaves an old output untouched" grep -qx keep "$work/keep.c"
run --no-gzip --mss $want "$big" -o "$work/big.c"; check "fits at exactly --mss $want" [ "$rc" = 0 ]
run --no-gzip --mss $((want - 1)) "$big" -o "$work/big.c"
check "one byte over at --mss $((want - 1))" grep -q "(1 over)" "$work/err"
noise="$work/noise"
mkdir "$noise"
head -c 1400 /dev/urandom >"$noise/noise.bin"
want2=$(($(header_len "200 " application/octet-stream 1400) + 1400))
run --mss 1000 "$noise" -o "$work/noise.c"
check "incompressible page: exit 1" [ "$rc" = 1 ]
check "incompressible page: a larger --mss suggested" grep -q "it would fit with --mss $want2\$" "$work/err"
run --mss 1000 --report "$big" -o "$work/big.c"
check "fits gzip-compressed: exit 0" [ "$rc" = 0 ]
check "fits gzip-compressed: gzip only" sh -c "grep -A1 '^/page.txt ' '$work/out' | grep -q ' gzip ' && ! grep '^/page.txt ' '$work/out' | grep -q identity"
run --mss 1000 --port 8080=page.txt "$big" -o "$work/big.c"
check "--port page that fits only gzipped: exit 1" [ "$rc" = 1 ]
run --port 8080=nosuch.html "$big" -o "$work/big.c"
check "--port to a missing page: exit 1" [ "$rc" = 1 ]
run --port 80=page.txt "$big" -o "$work/big.c"
check "--port on the HTTP port: exit 2" [ "$rc" = 2 ]
run --check "$big"
check "--check without -o: exit 0" [ "$rc" = 0 ]
check "--check writes nothing" [ ! -s "$work/out" ]

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
fi
ln -s sub "$bad/dirlink"
run --check "$bad"
check "symlink to a folder: skipped with a warning" grep -q "dirlink: warning: symbolic link to a directory, skipped" "$work/err"
rm "$bad/dirlink"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    as_user="setpriv --reuid=nobody --regid=nogroup --clear-groups"
elif [ "$(id -u)" != 0 ]; then
    as_user=""
else
    as_user=skip
fi
if [ "$as_user" != skip ]; then
    chmod 755 "$work" "$bad"
    chmod 000 "$bad/ok.txt"
    $as_user "$pagec" --check "$bad" >"$work/out" 2>"$work/err"
    rc=$?
    check "unreadable file: exit 1" [ "$rc" = 1 ]
    check "unreadable file: strerror" grep -q "ok.txt: Permission denied" "$work/err"
    chmod 644 "$bad/ok.txt"
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
rm -rf "$bad/d"*
weird="$bad/q\"uo'te\\b?ck*/x.txt"
mkdir -p "$(dirname "$weird")"
echo weird >"$weird"
run "$bad" -o "$work/weird.c"
check "names that need escaping in C: exit 0" [ "$rc" = 0 ]
if command -v cc >/dev/null 2>&1; then
    check "names that need escaping in C: the C compiles" \
        cc -std=c99 -Wall -Wextra -Werror -I"$(dirname "$0")/../include" \
        -c "$work/weird.c" -o "$work/weird.o"
    rm -f "$work/weird.o"
fi
check "versions recorded in the header" grep -q '^#define site_ZLIB_VERSION "' "$work/weird.h"
run --exclude '*.txt' --check "$bad"
check "--exclude: every file excluded: exit 1" [ "$rc" = 1 ]
run --exclude 'q*' --report "$bad" -o "$work/weird.c"
check "--exclude a folder" sh -c "! grep -q x.txt '$work/out' && grep -q ok.txt '$work/out'"
run --mime txt=text/x-mine --report "$bad" -o "$work/weird.c"
check "--mime overrides the table, charset added" grep -q "^/ok.txt  *text/x-mine; charset=us-ascii" "$work/out"
run --mime 'txt=application/x-mine; foo=bar' --report "$bad" -o "$work/weird.c"
check "--mime with parameters kept as given" grep -q "^/ok.txt  *application/x-mine; foo=bar " "$work/out"
run --mime txt "$bad" -o "$work/weird.c"; check "--mime without TYPE: exit 2" [ "$rc" = 2 ]
run --server "$(printf 'a\nb')" "$bad" -o "$work/weird.c"; check "--server with a line break: exit 2" [ "$rc" = 2 ]
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
fi

# the real sites
if [ -d "$shared/lwip-httpd" ]; then
    n=$(wc -c <"$shared/lwip-httpd/index.html")
    want=$(($(header_len "200 " "text/html; charset=us-ascii" "$n") + n))
    run --no-gzip "$shared/lwip-httpd" -o "$work/lwip.c"
    check "lwIP site at 1460 without gzip: exit 1" [ "$rc" = 1 ]
    check "lwIP index.html: message" grep -qx "pagec: $shared/lwip-httpd/index.html: page is $want bytes, limit is 1460 ($((want - 1460)) over)" "$work/err"
    check "lwIP: only index.html reported" [ "$(grep -c 'over)$' "$work/err")" = 1 ]
    run "$shared/lwip-httpd" -o "$work/lwip.c"
    check "lwIP site at 1460 with gzip: exit 0" [ "$rc" = 0 ]
    check "lwIP: custom 404 from 404.html" grep -q "/404.html, sent as 404" "$work/lwip.c"
fi
if [ -d "$shared/uip-httpd" ]; then
    run "$shared/uip-httpd" -o "$work/uip.c"
    check "uIP site at 1460: exit 0" [ "$rc" = 0 ]
    check "uIP .shtml served as text/html" grep -q "/files.shtml: text/html" "$work/uip.c"
    run --mss 966 "$shared/uip-httpd" -o "$work/uip966.c"
    check "uIP site at 966 (SLIP) with gzip: exit 0" [ "$rc" = 0 ]
    run --no-gzip --mss 966 "$shared/uip-httpd" -o "$work/uip966.c"
    check "uIP site at 966 without gzip: exit 1" [ "$rc" = 1 ]
    check "uIP at 966: every page over the limit listed" [ "$(grep -c 'over)$' "$work/err")" = 3 ]
    check "uIP at 966: files.shtml listed" grep -q "files.shtml: page is" "$work/err"
    check "uIP at 966: style.css listed" grep -q "style.css: page is" "$work/err"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
