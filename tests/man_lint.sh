#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Every manual page of the project through mandoc -Tlint -Wstyle: any
# message at all, down to style notes, is a failure.
# usage: man_lint.sh MANDOC MAN_DIR
#
# The pages are copied into a manual tree of their own (man1/, man3/ ...)
# indexed with makewhatis, and mandoc looks there for the pages they
# refer to: a reference to a page of the project must find it. Whether
# another package's page (curl(1), ip(8) ...) is installed depends on the
# machine, not on the page: "referenced manual not found" for one of those
# is the only message let through.
set -u
mandoc=$1
dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ours=""
for page in "$dir"/*.[1-9]; do
    [ -f "$page" ] || continue
    name=$(basename "$page")
    sec=${name##*.}
    mkdir -p "$work/tree/man$sec"
    cp "$page" "$work/tree/man$sec/"
    ours="$ours ${name%.*}($sec)"
done
if [ -z "$ours" ]; then
    echo "FAIL: no manual page in $dir"
    exit 1
fi
makewhatis="$(dirname "$mandoc")/makewhatis"
[ -x "$makewhatis" ] || makewhatis=$(command -v makewhatis || echo /usr/sbin/makewhatis)
if ! "$makewhatis" "$work/tree" 2>"$work/makewhatis.err"; then
    echo "FAIL: makewhatis $work/tree: $(cat "$work/makewhatis.err")"
    exit 1
fi

fail=0
for page in "$dir"/*.[1-9]; do
    MANPATH="$work/tree" "$mandoc" -Tlint -Wstyle "$page" >"$work/out" 2>&1
    # another package's page, by name and section: not this page's fault
    : >"$work/left"
    while IFS= read -r line; do
        ref=$(printf '%s\n' "$line" |
            sed -n 's/.*STYLE: referenced manual not found: Xr \([^ ]*\) \([0-9][a-z]*\).*/\1(\2)/p')
        case " $ours " in
            *" $ref "*) ref="" ;;
        esac
        if [ -n "$ref" ]; then
            echo "note: $page refers to $ref, a page of another package"
        else
            printf '%s\n' "$line" >>"$work/left"
        fi
    done <"$work/out"
    if [ -s "$work/left" ]; then
        echo "FAIL: mandoc -Tlint -Wstyle $page:"
        sed 's/^/    /' "$work/left"
        fail=1
    else
        echo "ok: mandoc -Tlint -Wstyle $page"
    fi
done
exit "$fail"
