#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/mutate.sh - mutation testing of the runtime: applies each mutant of
# a list to a copy of the source tree, rebuilds the unit test binary there
# and runs the unit suites; a mutant is killed when a suite fails (or times
# out), and survives when they all pass.
#
# Usage: mutate.sh [-k] [SOURCE_DIR [MUTANTS_FILE]]
#   SOURCE_DIR    the pagec source tree (default: the one holding this
#                 script)
#   MUTANTS_FILE  the list (default: SOURCE_DIR/tests/mutants.txt, whose
#                 header describes the format)
#   -k            keep the scratch directory and print its path
#
# The source tree itself is never written: the copy and its build go to a
# directory of mktemp (under TMPDIR). The unmutated copy is built and
# tested first; it must pass.
#
# Prints one line per mutant, "killed", "SURVIVED", "NOT FOUND" (its
# original text is no longer in the file, or not as often as it says:
# the runtime changed and the mutant must be updated) or "NO BUILD" (the
# mutated source does not compile, which tests nothing), then a summary.
# Exit status: 0 when every mutant was applied, built and killed; 1 when
# one survived, was not found or did not build; 2 on a usage or set-up
# error (the unmutated build or its tests failing among them).
#
# Environment: CMAKE and CTEST, the programs (default cmake and ctest);
# MUTATE_JOBS, parallel build and test jobs (default 2; the suites stop
# at the first that fails); MUTATE_TIMEOUT, seconds
# per unit suite (default 60).

set -u
PROG=${0##*/}
KEEP=0
if [ "${1:-}" = -k ]; then
    KEEP=1
    shift
fi
if [ $# -gt 2 ]; then
    echo "usage: $PROG [-k] [SOURCE_DIR [MUTANTS_FILE]]" >&2
    exit 2
fi
SRC=$(cd "${1:-$(dirname -- "$0")/..}" && pwd) || exit 2
LIST=${2:-$SRC/tests/mutants.txt}
CMAKE=${CMAKE:-cmake}
CTEST=${CTEST:-ctest}
JOBS=${MUTATE_JOBS:-2}
TIMEOUT=${MUTATE_TIMEOUT:-60}
if [ ! -f "$SRC/CMakeLists.txt" ] || [ ! -d "$SRC/runtime" ]; then
    echo "$PROG: $SRC: not the pagec source tree" >&2
    exit 2
fi
if [ ! -r "$LIST" ]; then
    echo "$PROG: $LIST: cannot read the list of mutants" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-mutate.XXXXXX") || exit 2
cleanup() {
    if [ "$KEEP" = 1 ]; then
        echo "$PROG: scratch directory kept: $WORK"
    else
        rm -rf -- "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the tree, without version control and build directories (any folder
# holding a CMakeCache.txt)
COPY=$WORK/src
BUILD=$WORK/build
mkdir -p "$COPY"
excludes=(--exclude=./.git)
while IFS= read -r cache; do
    excludes+=("--exclude=./${cache%/CMakeCache.txt}")
done < <(cd "$SRC" && find . -name CMakeCache.txt 2>/dev/null)
if ! (cd "$SRC" && tar -cf - "${excludes[@]}" .) | (cd "$COPY" && tar -xf -); then
    echo "$PROG: cannot copy $SRC to $COPY" >&2
    exit 2
fi

# build: the unit test binary; test: the unit suites. Output in $WORK/log.
build() {
    "$CMAKE" --build "$BUILD" --target pagec_unittests -j"$JOBS" >"$WORK/log" 2>&1
}
test_units() {
    (cd "$BUILD" && "$CTEST" -L '^unit$' -j"$JOBS" --stop-on-failure \
        --timeout "$TIMEOUT" >"$WORK/log" 2>&1)
}

if ! "$CMAKE" -S "$COPY" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$WORK/configure.log" 2>&1; then
    tail -n 20 "$WORK/configure.log" | sed 's/^/#    /'
    echo "$PROG: the copy does not configure" >&2
    exit 2
fi
if ! build; then
    tail -n 20 "$WORK/log" | sed 's/^/#    /'
    echo "$PROG: the unmutated copy does not build" >&2
    exit 2
fi
if ! test_units; then
    tail -n 20 "$WORK/log" | sed 's/^/#    /'
    echo "$PROG: the unit suites fail on the unmutated copy" >&2
    exit 2
fi
echo "# the unmutated copy builds and passes the unit suites ($COPY)"

# count TEXT PATTERN: how many times PATTERN occurs in TEXT.
count() {
    local rest=$1 n=0
    while [[ $rest == *"$2"* ]]; do
        n=$((n + 1))
        rest=${rest#*"$2"}
    done
    echo "$n"
}

# mutate FILE ORIGINAL REPLACEMENT K: writes FILE of the copy with the
# K-th occurrence of ORIGINAL in SRC's FILE replaced.
mutate() {
    local text pre="" rest i
    text=$(cat -- "$SRC/$1" && printf x) || return 1
    text=${text%x} # keep the trailing newline
    rest=$text
    for ((i = 1; i < $4; i++)); do
        pre+=${rest%%"$2"*}$2
        rest=${rest#*"$2"}
    done
    printf '%s' "$pre${rest%%"$2"*}$3${rest#*"$2"}" >"$COPY/$1"
}

# restore FILE: the copy's FILE as in SRC again.
restore() {
    cp -- "$SRC/$1" "$COPY/$1"
}

killed=0
survived=0
stale=0
nobuild=0
total=0
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    case $line in
        '' | '#'*) continue ;;
    esac
    IFS=$'\t' read -r file orig repl occ extra <<<"$line"
    total=$((total + 1))
    what="$LIST:$lineno: $file: '$orig' -> '${repl:-}'${occ:+ (occurrence $occ)}"
    if [ -z "${repl:-}" ] || [ -n "${extra:-}" ] || { [ -n "${occ:-}" ] &&
        [[ ! $occ =~ ^[1-9][0-9]*$ ]]; }; then
        echo "NOT FOUND  $what: malformed line (want FILE<TAB>ORIGINAL<TAB>REPLACEMENT[<TAB>OCCURRENCE])"
        stale=$((stale + 1))
        continue
    fi
    if [ ! -f "$SRC/$file" ]; then
        echo "NOT FOUND  $what: no file $file"
        stale=$((stale + 1))
        continue
    fi
    n=$(count "$(cat -- "$SRC/$file")" "$orig")
    if [ -z "${occ:-}" ] && [ "$n" -ne 1 ]; then
        echo "NOT FOUND  $what: the original text occurs $n times in $file, want exactly once; update the mutant"
        stale=$((stale + 1))
        continue
    elif [ -n "${occ:-}" ] && [ "$n" -lt "$occ" ]; then
        echo "NOT FOUND  $what: the original text occurs $n times in $file, want at least $occ; update the mutant"
        stale=$((stale + 1))
        continue
    fi
    if ! mutate "$file" "$orig" "$repl" "${occ:-1}"; then
        echo "$PROG: cannot write the mutant of $file" >&2
        exit 2
    fi
    if ! build; then
        if grep -q 'the compiled site fails its check' "$WORK/log"; then
            # pagec's check of the sites it compiles refused them: its
            # sums are its own (runtime/check.c), not the mutant's
            echo "killed     $what (by pagec_site_check)"
            killed=$((killed + 1))
        else
            echo "NO BUILD   $what"
            grep -m 3 -E 'error' "$WORK/log" | sed 's/^/#    /'
            nobuild=$((nobuild + 1))
        fi
    elif test_units; then
        echo "SURVIVED   $what"
        survived=$((survived + 1))
    else
        by=$(sed -n 's/^[[:space:]]*[0-9]* - \(unit_[a-z]*\) .*/\1/p' "$WORK/log" | tr '\n' ' ')
        echo "killed     $what (by ${by% })"
        killed=$((killed + 1))
    fi
    restore "$file"
done <"$LIST"

# the copy as it was, so that a kept scratch directory builds the original
build || true
echo "$total mutants: $killed killed, $survived survived, $stale not found or malformed, $nobuild did not build"
[ "$total" -gt 0 ] || { echo "$PROG: $LIST lists no mutant" >&2; exit 1; }
[ "$survived" -eq 0 ] && [ "$stale" -eq 0 ] && [ "$nobuild" -eq 0 ]
