#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pagec out of memory: every allocation of a run made to fail in turn
# (failmalloc.so, LD_PRELOAD). Each run must either exit 1 with an error
# and leave no file behind, or exit 0 with the very output of a run where
# nothing failed.
# usage: oom.sh PAGEC FAILMALLOC_SO
set -u
pagec=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shim=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/tally.sh
. "$(dirname -- "$0")/../tally.sh" || exit 1

# Two sites: one whose types all come from the extension table, so that
# libmagic is never loaded; one that needs libmagic (a file without
# extension, UTF-8 text). Every option that allocates is given.
plain="$work/plain"
mkdir -p "$plain/sub"
printf '<h1>plain <!--live:up:8--></h1>\n' >"$plain/index.html"
printf '<p>sub</p>\n' >"$plain/sub/index.html"
printf 'body { color: red }\n' >"$plain/a.css"
printf 'not here, up <!--live:up:8--> <!--live:clock:5-->\n' >"$plain/404.html"
printf 'skipped\n' >"$plain/skip.bak"
i=0
while [ $i -lt 120 ]; do
    echo "line $i of a page that fits only gzip-compressed"
    i=$((i + 1))
done >"$plain/notes.txt"
magic="$work/magic"
mkdir "$magic"
printf 'a file without extension\n' >"$magic/README"
printf 'caf\303\251\n' >"$magic/utf8.txt"
printf '<p>x</p>\n' >"$magic/index.html"

# runs pagec in $work/run with the shim and PAGEC_FAIL_AT=$1; $rc
run() { # FAIL_AT SITE OPTIONS...
    at=$1
    s=$2
    shift 2
    rm -rf "$work/run"
    mkdir "$work/run"
    (cd "$work/run" && PAGEC_FAIL_AT=$at PAGEC_ALLOC_COUNT="$work/count" \
        LD_PRELOAD="$shim" "$pagec" "$@" "$s" -o out.c --depfile out.d \
        >"$work/stdout" 2>"$work/stderr")
    rc=$?
}

# checks every run of FAIL_AT in the list against the reference
sweep() { # NAME SITE OPTIONS... (the list in $list)
    name=$1
    s=$2
    shift 2
    run 0 "$s" "$@"
    if [ "$rc" != 0 ]; then
        bad "$name: reference run exits 0 (got $rc)"
        return
    fi
    total=$(cat "$work/count")
    rm -rf "$work/ref"
    mv "$work/run" "$work/ref"
    cp "$work/stdout" "$work/ref.stdout"
    [ -n "$list" ] || list=$(seq 1 "$total")
    runs=0
    failed=0
    wrong=""
    for n in $list; do
        [ "$n" -le "$total" ] || continue
        run "$n" "$s" "$@"
        runs=$((runs + 1))
        if [ "$rc" = 1 ]; then
            failed=$((failed + 1))
            if [ -n "$(ls -A "$work/run")" ]; then
                wrong="$wrong $n(files left: $(ls -A "$work/run" | tr '\n' ' '))"
            elif ! grep -Eq '^pagec: (.*: )?(out of memory|Cannot allocate memory)$' \
                "$work/stderr"; then
                wrong="$wrong $n(no message)"
            fi
        elif [ "$rc" = 0 ]; then
            if ! diff -r "$work/ref" "$work/run" >/dev/null ||
                ! cmp -s "$work/ref.stdout" "$work/stdout"; then
                wrong="$wrong $n(exit 0, other output)"
            fi
        else
            wrong="$wrong $n(exit $rc)"
        fi
    done
    echo "$name: $total allocations, $runs runs, $failed of them exit 1"
    if [ -z "$wrong" ]; then
        ok "$name: every run exits 1 with nothing written, or 0 with the same output"
    else
        bad "$name: failing allocations:$wrong"
    fi
    if [ "$failed" -gt 0 ]; then
        ok "$name: failed allocations end runs"
    else
        bad "$name: no run ended in exit 1: the shim does not work"
    fi
}

list=""
sweep "site without libmagic" "$plain" --report --server t \
    --cache-control no-cache --port 8080=/sub/ --port 81=a.css \
    --exclude '*.bak' --mime css=text/css
list=""
sweep "site with libmagic" "$magic" --report --no-gzip

# libmagic that cannot load its database: exit 1, the file and libmagic's
# reason named, nothing written
rm -rf "$work/run"
mkdir "$work/run"
(cd "$work/run" && MAGIC="$work/no-such-database" "$pagec" "$magic" \
    -o out.c --depfile out.d >"$work/stdout" 2>"$work/stderr")
rc=$?
if [ "$rc" = 1 ] && grep -q "^pagec: $magic/README: libmagic: " "$work/stderr" &&
    [ -z "$(ls -A "$work/run")" ]; then
    ok "libmagic without its database: exit 1, named, nothing written"
else
    bad "libmagic without its database: exit $rc, $(cat "$work/stderr")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
