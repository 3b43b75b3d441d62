#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/scale.sh - how pagec and the runtime's page lookup scale with the
# number of files in a site. Prints numbers; it is a benchmark, not a test.
#
# Usage: bench/scale.sh [PAGEC] [SRC_DIR]
#   PAGEC    the pagec binary to time (default: build/pagec/pagec of this
#            repository).
#   SRC_DIR  the source tree whose include/ and runtime/ are compiled with
#            bench/lookup_bench.c for the lookup table (default: this
#            repository). It must be the tree PAGEC was built from, since
#            the generated sites are linked with its runtime. Without
#            pagec_site_lookup() in its include/pagec/pagec.h the lookup
#            table is skipped.
#
# Environment: PAGEC_SCALE_SIZES, the site sizes in files (default
# "10 1000 10000"); CC, the compiler (default cc).
#
# For each size it generates a site in a temporary folder (gen_tree below),
# runs pagec on it three times and reports the best wall time, the peak
# memory (maximum resident set, from /usr/bin/time) and the size of the
# generated C file. Then it compiles bench/lookup_bench.c with each
# generated site and the runtime, and reports the time of one
# pagec_site_lookup() of a path of LOOKUP_LEN bytes (best of 3 runs of
# 1,000,000 lookups) and, when valgrind is installed, the instructions it
# executes (callgrind). It also compiles each generated C file once with
# cc -O2 -c, as a firmware build would, and reports that compiler's time
# and peak memory. The whole script takes about a minute on 2 cores.
# Everything temporary is removed on exit.

set -eu
export LC_ALL=C # a decimal point in EPOCHREALTIME and awk's output

ROOT=$(cd "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
PAGEC=${1:-$ROOT/build/pagec/pagec}
SRC=${2:-$ROOT}
SIZES=${PAGEC_SCALE_SIZES:-10 1000 10000}
CC=${CC:-cc}
LOOKUP_LEN=30    # every generated site has paths of this length (gen_tree)
LOOKUPS=1000000  # timed lookups per run
CG_LOOKUPS=200000 # lookups counted by callgrind

die() {
    echo "scale.sh: $*" >&2
    exit 1
}

[ -x "$PAGEC" ] || die "$PAGEC: not an executable; build pagec first"
[ -f "$SRC/include/pagec/pagec.h" ] || die "$SRC: no include/pagec/pagec.h"
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y --no-install-recommends time >/dev/null ||
        echo "scale.sh: could not install time; peak memory not measured" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gen_tree DIR N: writes a site of exactly N files to DIR/site and the URL
# paths it serves, one per line, to DIR/paths.
#
# Layout: the root holds index.html, a few assets and up to 12 section
# folders (sensors, network, ...); a section holds index.html and up to 20
# leaf folders such as node-00042; a leaf holds index.html and up to 59
# more files: seven 10-byte page names (stats.html ... trend.html), assets
# (style.css, graph.js, icon.gif) and numbered pages, scripts, images and
# style sheets. No folder has more than 60 entries, and every folder has an
# index.html. Sizes are 100 to 800 bytes of HTML-ish (or CSS/JS-ish) text,
# so every reply fits one 1460-byte segment. The content comes from a
# seeded Park-Miller generator, so the same N gives the same site.
#
# Paths of exactly LOOKUP_LEN (30) bytes: the index.html and the seven
# 10-byte pages of every leaf of sensors/ (always the first section),
# network/, storage/ and battery/, as "/sensors/node-00000/stats.html":
# 8 with 10 files (the other two are the root's and the section's
# index.html), 136 with 1,000, 1,329 with 10,000.
gen_tree() {
    local dir=$1 n=$2
    local awkprog='
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function add(path) {
    if (total >= N) return 0
    files[++total] = path
    return 1
}
function leafname(k,  m, t) {
    if (k <= 7) return fixed[k] ".html"
    if (k == 8) return "style.css"
    if (k == 9) return "graph.js"
    if (k == 10) return "icon.gif"
    m = k - 11; t = m % 6
    if (t <= 2) return sprintf("log-%03d.html", k)
    if (t == 3) return sprintf("chart-%03d.js", k)
    if (t == 4) return sprintf("img-%03d.gif", k)
    return sprintf("theme-%03d.css", k)
}
function words(len,  s) {
    s = ""
    while (length(s) < len) s = s vocab[1 + int(rnd() * nvocab)] " "
    return s
}
function content(path, size,  ext, name, head, tail, body, s) {
    ext = path; sub(/.*\./, "", ext)
    name = path; sub(/.*\//, "", name); sub(/\.[^.]*$/, "", name)
    if (ext == "html") {
        head = "<!DOCTYPE html>\n<html><head><title>" name "</title>" \
               "<link rel=\"stylesheet\" href=\"style.css\"></head>\n<body><h1>" \
               name "</h1>\n<p>"
        tail = "</p>\n</body></html>\n"
    } else if (ext == "css") {
        head = "/* " name " */\nbody { font: 14px sans-serif; }\n.note::after { content: \""
        tail = "\"; }\n"
    } else if (ext == "js") {
        head = "// " name "\nvar text = \""
        tail = "\";\ndocument.title = text.slice(0, 20);\n"
    } else {
        head = "GIF89a "
        tail = "\n"
    }
    body = words(size - length(head) - length(tail))
    s = head body
    return substr(s, 1, size - length(tail)) tail
}
BEGIN {
    seed = 20240601 + N
    nfixed = split("stats alarm setup graph event limit trend", fixed, " ")
    nsec = split("sensors network storage battery logs config docs alarms pumps valves meters radio", secs, " ")
    split("node port disk cell day unit page zone pump valve meter link", pfx, " ")
    nvocab = split("sensor reading value status ok fault alarm threshold " \
        "temperature humidity pressure voltage current uptime node gateway " \
        "link packet retry firmware version update config enabled disabled " \
        "interval seconds minutes log entry event battery level charge " \
        "signal strength channel relay pump valve open closed", vocab, " ")
    LEAVES = 20; LEAF_FILES = 60
    add("index.html")
    leaf = 0
    for (sec = 0; total < N; sec++) {
        sdir = secs[sec % nsec + 1]
        if (sec >= nsec) sdir = sdir "-" int(sec / nsec)
        add(sdir "/index.html")
        for (j = 0; j < LEAVES && total < N; j++) {
            ldir = sdir "/" sprintf("%s-%05d", pfx[sec % nsec + 1], leaf++)
            add(ldir "/index.html")
            for (k = 1; k < LEAF_FILES && total < N; k++) add(ldir "/" leafname(k))
        }
        if (sec == 0) {
            add("style.css"); add("app.js"); add("logo.gif"); add("about.html")
        }
    }
    for (i = 1; i <= total; i++) {
        p = files[i]
        d = p; if (!sub(/\/[^\/]*$/, "", d)) d = ""
        if (mode == "dirs") {
            if (d != "" && !(d in seen)) { seen[d] = 1; print out "/site/" d }
            continue
        }
        f = out "/site/" p
        printf "%s", content(p, 100 + int(rnd() * 701)) > f
        close(f)
        print "/" p > (out "/paths")
        if (p ~ /(^|\/)index\.html$/) print "/" (d == "" ? "" : d "/") > (out "/paths")
    }
}'
    mkdir -p "$dir/site"
    awk -v N="$n" -v out="$dir" -v mode=dirs "$awkprog" </dev/null |
        xargs -r mkdir -p
    awk -v N="$n" -v out="$dir" -v mode=files "$awkprog" </dev/null
}

mib() { # bytes or KiB (with 1024) -> MiB with 2 decimals
    awk -v v="$1" -v d="${2:-1048576}" 'BEGIN { printf "%.2f", v / d }'
}

# time_pagec SITE OUT.c: runs pagec three times; prints "best_seconds kib".
time_pagec() {
    local t0 t1 best='' kib='' k
    for _ in 1 2 3; do
        rm -f "$2" "${2%.c}.h"
        t0=$EPOCHREALTIME
        if [ -x /usr/bin/time ]; then
            /usr/bin/time -f '%M' -o "$work/time.out" "$PAGEC" "$1" -o "$2" \
                2>"$work/pagec.err" || { cat "$work/pagec.err" >&2; die "pagec failed on $1"; }
        else
            "$PAGEC" "$1" -o "$2" 2>"$work/pagec.err" ||
                { cat "$work/pagec.err" >&2; die "pagec failed on $1"; }
        fi
        t1=$EPOCHREALTIME
        if [ -s "$work/pagec.err" ]; then
            cat "$work/pagec.err" >&2
        fi
        best=$(awk -v a="$t0" -v b="$t1" -v best="$best" 'BEGIN {
            t = b - a; if (best == "" || t < best) best = t; printf "%.3f", best }')
        if [ -x /usr/bin/time ]; then
            k=$(tail -n 1 "$work/time.out")
            if [ -z "$kib" ] || [ "$k" -gt "$kib" ]; then
                kib=$k
            fi
        fi
    done
    echo "$best ${kib:-n/a}"
}

echo "$("$PAGEC" --version 2>/dev/null | head -n 1) on $(nproc) CPUs, $(uname -m)"
echo "site trees: ≤ 60 entries per folder, 3 folder levels, 100-800 byte files"
echo
echo "| files | pagec time (s) | peak memory (MiB) | output .c (MiB) | cc -O2 -c of it (s) | cc's peak memory (MiB) |"
echo "|------:|---------------:|------------------:|----------------:|----------------:|----------------:|"
for n in $SIZES; do
    d=$work/s$n
    mkdir -p "$d"
    gen_tree "$d" "$n"
    got=$(find "$d/site" -type f | wc -l)
    [ "$got" -eq "$n" ] || die "generated $got files instead of $n"
    read -r secs kib < <(time_pagec "$d/site" "$d/gen.c")
    if [ "$kib" != n/a ]; then
        kib=$(mib "$kib" 1024)
    fi
    # the generated C compiled as a firmware build would (one run)
    ccs=n/a
    cck=n/a
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f '%e %M' -o "$work/cc.out" "$CC" -O2 -c -I"$SRC/include" \
            -I"$d" "$d/gen.c" -o "$d/gen.o" || die "cc failed on the generated C of $n files"
        read -r ccs cck <"$work/cc.out"
        cck=$(mib "$cck" 1024)
    fi
    printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$secs" "$kib" \
        "$(mib "$(wc -c <"$d/gen.c")")" "$ccs" "$cck"
done
echo "(time: best wall time of 3 runs; memory: largest maximum resident set;"
echo " the compiler: one run of $("$CC" --version | head -n 1) -O2 -c)"

echo
if ! grep -q pagec_site_lookup "$SRC/include/pagec/pagec.h"; then
    echo "lookup: skipped, $SRC/include/pagec/pagec.h has no pagec_site_lookup()"
    exit 0
fi

mkdir -p "$work/rt"
for f in "$SRC"/runtime/*.c; do
    "$CC" -std=c99 -O2 -I"$SRC/include" -c "$f" -o "$work/rt/$(basename "$f" .c).o"
done
have_vg=0
if command -v valgrind >/dev/null; then
    have_vg=1
fi

callgrind_ir() { # BENCH PATHS N: instructions collected in pagec_site_lookup
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
        --toggle-collect=pagec_site_lookup "$1" "$2" "$LOOKUP_LEN" "$3" 1 \
        >/dev/null 2>"$work/cg.err" || { cat "$work/cg.err" >&2; die "callgrind failed"; }
    sed -n 's/^summary: //p' "$work/cg.out"
}

echo "| pages | path length | ns per lookup | instructions per lookup |"
echo "|------:|------------:|--------------:|------------------------:|"
for n in $SIZES; do
    d=$work/s$n
    "$CC" -O2 -I"$SRC/include" -c "$d/gen.c" -o "$d/gen.o"
    "$CC" -std=c99 -O2 -I"$SRC/include" -I"$d" "$ROOT/bench/lookup_bench.c" \
        "$d/gen.o" "$work"/rt/*.o -o "$d/lookup_bench"
    out=$("$d/lookup_bench" "$d/paths" "$LOOKUP_LEN" "$LOOKUPS" 3)
    pages=$(printf '%s\n' "$out" | sed -n 's/.*pages=\([0-9]*\).*/\1/p')
    ns=$(printf '%s\n' "$out" | sed -n 's/.* ns=\([0-9.]*\).*/\1/p')
    sel=$(printf '%s\n' "$out" | sed -n 's/.*selected=\([0-9]*\).*/\1/p')
    ipl=n/a
    if [ "$have_vg" = 1 ]; then
        # The difference of two runs leaves out the checking lookups.
        ir0=$(callgrind_ir "$d/lookup_bench" "$d/paths" 0)
        ir1=$(callgrind_ir "$d/lookup_bench" "$d/paths" "$CG_LOOKUPS")
        ipl=$(awk -v a="$ir0" -v b="$ir1" -v n="$CG_LOOKUPS" 'BEGIN {
            printf "%.1f", (b - a) / n }')
    fi
    printf '| %s | %s (%s paths) | %s | %s |\n' "$pages" "$LOOKUP_LEN" "$sel" "$ns" "$ipl"
done
echo "(ns: best of 3 runs of $LOOKUPS lookups cycling over the paths, $("$CC" --version | head -n 1) -O2;"
echo " instructions: callgrind, $CG_LOOKUPS lookups)"
