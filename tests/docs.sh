#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/docs.sh - the pagec runs shown in the documentation, run.
#
# Usage: docs.sh PAGEC SOURCE_DIR
#
# Every fenced block of README.md and docs/guide.md whose first line is
# "$ build/pagec/pagec ..." is a command and what it prints (standard
# output and error together). Each is run with PAGEC for
# build/pagec/pagec, from a folder of its own that holds the repository's
# samples/ and nothing else, so that an example whose paths lead outside
# the repository fails; what it prints must be the block's other lines.
#
# Every Markdown file of the repository's documentation must also close
# each fenced block it opens (an open one turns the rest of the file into
# code), and every relative link of it must name a file that exists.
#
# Prints one line per example and file; exit status 0 when all passed, 1
# when one failed or no example was found, 2 on a usage error.

set -u
PROG=${0##*/}
if [ $# -ne 2 ]; then
    echo "usage: $PROG PAGEC SOURCE_DIR" >&2
    exit 2
fi
PAGEC=$(cd "$(dirname -- "$1")" && pwd)/${1##*/} || exit 2
SRC=$(cd "$2" && pwd) || exit 2
. "$SRC/tests/tally.sh" || exit 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-docs.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

# each example to WORK/ex.N, the document it is in to WORK/ex.N.doc
n=0
for doc in README.md docs/guide.md; do
    awk -v out="$WORK/ex." -v start="$n" -v doc="$doc" '
        BEGIN { n = start }
        # a fence may be indented (in a list item): so is its block
        !inside && /^ *```/ { inside = 1; first = 1; match($0, /^ */); indent = RLENGTH; next }
        inside && /^ *```$/ { inside = 0; if (file) close(file); file = ""; next }
        inside { for (k = 0; k < indent && substr($0, 1, 1) == " "; k++) $0 = substr($0, 2) }
        inside && first {
            first = 0
            if (substr($0, 1, 20) == "$ build/pagec/pagec ") {
                n++; file = out n
                print doc > (file ".doc")
                close(file ".doc")
            }
        }
        inside && file { print > file }
        END { print n > (out "count") }' "$SRC/$doc"
    n=$(cat "$WORK/ex.count")
done
[ "$n" -gt 0 ] || bad "no example of build/pagec/pagec found in README.md or docs/guide.md"

for ((i = 1; i <= n; i++)); do
    ex=$WORK/ex.$i
    doc=$(cat "$ex.doc")
    cmd=$(head -n 1 "$ex")
    cmd=${cmd#\$ build/pagec/pagec }
    tail -n +2 "$ex" >"$ex.want"
    run=$WORK/run.$i
    mkdir -p "$run" && ln -s "$SRC/samples" "$run/samples" || exit 1
    # the example's words, as the shell of its reader would split them
    # (no quotes or expansions in these examples)
    read -r -a words <<<"$cmd"
    (cd "$run" && "$PAGEC" "${words[@]}") >"$ex.got" 2>&1
    if cmp -s "$ex.want" "$ex.got"; then
        ok "$doc: pagec $cmd: prints what the example shows"
    else
        bad "$doc: pagec $cmd: prints otherwise:"
        diff "$ex.want" "$ex.got" | sed 's/^/    /' | head -n 20
    fi
done

# the fences and the relative links of every document
for doc in README.md docs/*.md tests/README.md samples/README.md; do
    [ -f "$SRC/$doc" ] || continue
    open=$(awk '/^ *```/ { n++; if (n % 2) at = NR } END { if (n % 2) print at }' "$SRC/$doc")
    if [ -z "$open" ]; then
        ok "$doc: every fenced block is closed"
    else
        bad "$doc: the fenced block opened at line $open is not closed"
    fi
    dir=$(dirname -- "$SRC/$doc")
    dead=
    # [text](target): targets without a scheme, their #fragment cut off
    while IFS= read -r target; do
        target=${target%%#*}
        [ -n "$target" ] || continue
        [ -e "$dir/$target" ] || dead="$dead $target"
    done < <(grep -o '](\([^)# ]*\)[^) ]*)' "$SRC/$doc" | sed 's/^](//; s/)$//' | grep -v '^[a-z]*:')
    if [ -z "$dead" ]; then
        ok "$doc: every relative link names a file that exists"
    else
        bad "$doc: links to missing files:$dead"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
