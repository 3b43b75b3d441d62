#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/report.sh - the runtime's footprint and speed: code, data and
# stack in a linked image for every target whose compiler is installed,
# what each option of include/pagec/opt.h costs, the RAM of the streaming
# API, and on the emulated AVR the cycles and line bytes of one page fetch.
#
# Usage: scripts/report.sh [BUILD_DIR]
#
#   BUILD_DIR is a host build (default: build), made first with
#       cmake -S . -B build && cmake --build build
#   Its pagec compiles the sites. The script builds in BUILD_DIR/report/,
#   prints tables and writes BUILD_DIR/footprint.csv
#   (target,build,text,data,bss,stack; bytes).
#
#   The AVR's measured figures come from the emulated test, when it ran:
#       ctest --test-dir BUILD_DIR -L emulated      (as root; needs simavr)
#   which leaves BUILD_DIR/tests/emulated/avr-firmware/stats.txt.
#
# Targets: x86-64 (the host's cc), cortex-m0plus and cortex-m3
# (arm-none-eabi-gcc), atmega328p and atmega2560 (avr-gcc with avr-libc),
# rv32imac (riscv64-unknown-elf-gcc); a target whose compiler is missing
# is skipped with a note.
#
# Builds, each with the runtime, a driver main (scripts/report/*.c) and a
# site, compiled with -Os -ffunction-sections -fdata-sections and linked
# with --gc-sections:
#   minimal  buffered API (pagec_server_input only), every switch of
#            opt.h whose comment says "Optional" turned off, except
#            PAGEC_ICMP_ECHO (kept at 1) and any switch named for the ISN,
#            GET or HEAD; REPORT_MINIMAL="-DPAGEC_X=0 ..." sets the
#            options instead
#   full     buffered API, every option at its default
#   stream   streaming API (pagec_stream_* only), defaults
# each with a one-byte dummy site (its own bytes not counted), and as
# minimal+site, full+site, stream+site with samples/site (--mss 966,
# without board.png),
# counting the runtime and the site; the row "site" is the site alone.
#
# text, data, bss: the bytes of the runtime's input sections (and the
# site's, where named) in the linked image, from the linker's map file.
# stack: the deepest call chain from the driver's entry points, summed
# from -fstack-usage; the calls from -fcallgraph-info=su where the
# compiler has it (GCC 10 and later), else from the image's disassembly.

# shellcheck disable=SC2016 # awk programs in single quotes
set -eu
trap 'echo "${0##*/}: failed at line $LINENO" >&2' ERR

ROOT=$(cd "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
HERE=$ROOT/scripts/report
BUILD=${1:-build}
if [ $# -gt 1 ]; then
    echo "usage: ${0##*/} [BUILD_DIR]" >&2
    exit 2
fi
if [ ! -d "$BUILD" ] && [ "$BUILD" = build ] && [ -d "$ROOT/build" ]; then
    BUILD=$ROOT/build
fi
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || {
    echo "${0##*/}: $BUILD: no such build directory (cmake -S . -B build && cmake --build build)" >&2
    exit 2
}
PAGEC=$BUILD/pagec/pagec
if [ ! -x "$PAGEC" ]; then
    echo "${0##*/}: $PAGEC missing: build first (cmake --build $BUILD)" >&2
    exit 2
fi
WORK=$BUILD/report
CSV=$BUILD/footprint.csv
STATS=$BUILD/tests/emulated/avr-firmware/stats.txt
SRCS="chksum eth halfsiphash http large linklocal live match mdns ppp server slip stream tcp"
STREAM_ENTRIES="pagec_stream_begin pagec_stream_byte pagec_stream_end pagec_stream_pending pagec_stream_next pagec_stream_started pagec_stream_more"
BUFFERED_ENTRIES="pagec_server_input"
ETH_ENTRIES="pagec_eth_input pagec_eth_header"

rm -rf "$WORK"
mkdir -p "$WORK"
t_start=$(date +%s)

# --- the sites ---------------------------------------------------------------

mkdir -p "$WORK/dummy/www" "$WORK/sample"
printf x >"$WORK/dummy/www/index.html"
"$PAGEC" --mss 966 --name site "$WORK/dummy/www" -o "$WORK/dummy/site.c"
# samples/site without its 18 KB picture: the site of an ATmega328P
# (samples/avr), and the small site these rows have always measured
"$PAGEC" --mss 966 --exclude board.png --name site "$ROOT/samples/site" \
    -o "$WORK/sample/site.c"
"$PAGEC" --report --check --mss 966 --exclude board.png "$ROOT/samples/site" \
    >"$WORK/sample/fit.txt"

# --- the options -------------------------------------------------------------

# The switches of opt.h: every PAGEC_* it defaults with #ifndef whose
# default is 0 or 1. The others (numbers, qualifiers, macros) have no
# single other value and are listed as such.
SWITCHES=()
OTHERS=()
declare -A DEFAULT
while read -r name; do
    value=$(cc -E -dM -I"$ROOT/include" "$ROOT/include/pagec/opt.h" |
        awk -v n="$name" '$1 == "#define" && index($2, n) == 1 &&
            (length($2) == length(n) || substr($2, length(n) + 1, 1) == "(") {
            m = $2; $1 = ""; $2 = ""; sub(/^ +/, "")
            print (m == n ? ($0 == "" ? "(empty on the host)" : $0) : "a macro, " m " " $0); exit }')
    # a default chosen by target (an #if inside its #ifndef) has no one
    # value to flip from
    if awk -v n="$name" '$0 == "#ifndef " n { on = 1; next }
            on && /^#endif/ { exit } on && /^#if/ { found = 1 }
            END { exit !found }' "$ROOT/include/pagec/opt.h"; then
        value="chosen by target in opt.h"
    fi
    # a default that is another option's value: that value
    if [[ $value =~ ^PAGEC_[A-Z0-9_]+$ ]]; then
        value=$(printf '#include "pagec/opt.h"\nvalue=%s\n' "$name" |
            cc -E -P -I"$ROOT/include" - | sed -n 's/^value=//p')
    fi
    # chosen by the optimisation level: 0 with the -Os every build here uses
    [ "$name" = PAGEC_FAST_PATHS ] && value=0
    case $value in
        0 | 1) SWITCHES+=("$name"); DEFAULT[$name]=$value ;;
        *) OTHERS+=("$name"); DEFAULT[$name]=$value ;;
    esac
done < <(sed -n 's/^#ifndef \(PAGEC_[A-Z0-9_]*\)$/\1/p' "$ROOT/include/pagec/opt.h" |
    grep -v '_H$' | sort -u)

# minimal: every switch whose comment in opt.h says "Optional" and which
# is on by default, turned off; not ICMP echo, nor a switch named for the
# keyed ISN, GET or HEAD, which the smallest server keeps.
declare -A OPTIONAL
while read -r name; do
    OPTIONAL[$name]=1
done < <(awk '/\/\*/ { c = "" } { c = c " " $0 }
    /^#ifndef PAGEC_/ { if (c ~ /Optional/) print $2; c = "" }' "$ROOT/include/pagec/opt.h")
MINIMAL=(-DPAGEC_ICMP_ECHO=1)
for sw in "${SWITCHES[@]}"; do
    if [ -n "${OPTIONAL[$sw]:-}" ] && [ "${DEFAULT[$sw]}" = 1 ] &&
        [ "$sw" != PAGEC_ICMP_ECHO ] && ! [[ $sw =~ ISN|SIPHASH|SECRET|KEY|_GET|HEAD ]]; then
        MINIMAL+=("-D$sw=0")
    fi
done
if [ -n "${REPORT_MINIMAL:-}" ]; then
    read -r -a MINIMAL <<<"$REPORT_MINIMAL"
fi

# --- one target --------------------------------------------------------------

# target NAME CC KIND FLAGS...: builds and measures one target in
# $WORK/NAME, writing its figures to $WORK/NAME/results. KIND: host (the
# C library linked as usual), avr (avr-libc's start-up), bare (no C
# library: the memory functions of samples/cortex-m3/mem.c and libgcc,
# main as the entry).
target() {
    local name=$1 cc=$2 kind=$3
    shift 3
    local flags=("$@")
    local T=$WORK/$name
    set -o pipefail # (a subshell of its own)
    local std=c99 ci=() ldflags=() libs=() sw tools=
    case $cc in *-gcc) tools=${cc%gcc} ;; esac
    mkdir -p "$T"
    cd "$T"
    local avr_ret=2
    [ "$kind" = avr ] && std=gnu99 # __flash
    case " $* " in *" -mmcu=atmega256"*) avr_ret=3 ;; esac # 3-byte PC
    local cflags=(-std="$std" "${flags[@]}" -Os -ffreestanding -ffunction-sections
        -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables
        -fno-common -I"$ROOT/include")
    # shellcheck disable=SC2054 # -Wl,-e,main is one word
    case $kind in
        host) cflags+=(-fno-pie); ldflags=(-no-pie) ;;
        bare) ldflags=(-nostdlib -nostartfiles -Wl,-e,main); libs=(mem.o -lgcc) ;;
    esac
    if "$cc" "${flags[@]}" -fcallgraph-info=su -x c -c /dev/null -o probe-ci.o 2>/dev/null; then
        ci=(-fcallgraph-info=su)
    fi
    rm -f probe-ci.*
    echo "callgraph ${ci[*]:-objdump}" >results

    # the parts every build shares
    for s in dummy sample; do
        mkdir -p "$s"
        "$cc" "${cflags[@]}" -I"$WORK/$s" -c "$WORK/$s/site.c" -o "$s/site.o"
    done
    for d in buffered stream; do
        "$cc" "${cflags[@]}" -I"$WORK/dummy" -c "$HERE/$d.c" -o "$d.o"
    done
    "$cc" "${cflags[@]}" -DREPORT_ETH -I"$WORK/dummy" -c "$HERE/buffered.c" \
        -o ethernet.o
    "$cc" "${cflags[@]}" -DREPORT_ETH -DREPORT_MDNS -I"$WORK/dummy" \
        -c "$HERE/buffered.c" -o ethernet-mdns.o
    "$cc" "${cflags[@]}" -DREPORT_ETH -DREPORT_LINKLOCAL -I"$WORK/dummy" \
        -c "$HERE/buffered.c" -o ethernet-ll.o
    "$cc" "${cflags[@]}" -DREPORT_PPP -I"$WORK/dummy" -c "$HERE/buffered.c" \
        -o serial-ppp.o
    if [ "$kind" = bare ]; then
        "$cc" "${cflags[@]}" -fno-builtin -fno-tree-loop-distribute-patterns \
            -c "$ROOT/samples/cortex-m3/mem.c" -o mem.o
    fi
    "$cc" "${cflags[@]}" -c "$HERE/probe.c" -o probe.o
    "${tools}nm" -S probe.o | while read -r _ size _ sym; do
        case $sym in report_sizeof_*) echo "sizeof ${sym#report_sizeof_} $((16#$size))" ;; esac
    done >>results

    # runtime SET DEFINES...: the runtime compiled into SET/, archived as
    # SET/libpagec_runtime.a; fails when it does not compile
    runtime() {
        local set=$1 src
        shift
        mkdir -p "$T/$set"
        for src in $SRCS; do
            (cd "$T/$set" && "$cc" "${cflags[@]}" -fstack-usage "${ci[@]}" "$@" \
                -c "$ROOT/runtime/$src.c" -o "$src.o") || return 1
        done
        (cd "$T/$set" && "${tools}ar" rcs libpagec_runtime.a ./*.o)
    }
    # image BUILD SET DRIVER SITE: links, records "size BUILD rt_text
    # rt_data rt_bss site_text site_data site_bss" and the runtime's
    # sections in RAM
    image() {
        local b=$1 set=$2 driver=$3 site=$4
        "$cc" "${flags[@]}" "${ldflags[@]}" "$driver.o" "$site/site.o" \
            "$set/libpagec_runtime.a" "${libs[@]}" -Wl,--gc-sections \
            -Wl,-Map="$b.map" -o "$b.elf" || return 1
        awk -f "$HERE/mapsize.awk" "$b.map" >"$b.sizes"
        echo "size $b $(awk '$1 == "runtime" { r = $2 " " $3 " " $4 }
            $1 == "site" { s = $2 " " $3 " " $4 } END { print r, s }' "$b.sizes")" >>results
        awk -v b="$b" '$1 == "ram" { print "ram", b, $2, $3 }' "$b.sizes" >>results
    }
    # stack BUILD SET DRIVER: the deepest chain of the driver's entry points
    stack() {
        local b=$1 set=$2 driver=$3 entries
        entries=$BUFFERED_ENTRIES
        [ "$driver" = stream ] && entries=$STREAM_ENTRIES
        [ "$driver" = ethernet ] && entries="$BUFFERED_ENTRIES $ETH_ENTRIES"
        if [ ${#ci[@]} -gt 0 ]; then
            cat "$set"/*.ci | awk -f "$HERE/ci.awk"
        else
            "${tools}objdump" -d "$b.elf" >"$b.dis"
            awk -v ret="$avr_ret" -f "$HERE/avrcalls.awk" "$set"/*.su "$b.dis"
        fi | awk -v entries="$entries" -f "$HERE/stack.awk" >"$b.stack"
        echo "stack $b $(cat "$b.stack")" >>results
    }

    runtime default
    image full default buffered dummy
    image stream default stream dummy
    image full+site default buffered sample
    image stream+site default stream sample
    stack full default buffered
    stack stream default stream

    # each switch at its other value
    local d0 d1 s0 s1
    for sw in "${SWITCHES[@]}"; do
        local other=$((1 - DEFAULT[$sw]))
        if runtime "flip-$sw" "-D$sw=$other" 2>"flip-$sw.log" &&
            image "flip-$sw-buffered" "flip-$sw" buffered dummy 2>>"flip-$sw.log" &&
            image "flip-$sw-stream" "flip-$sw" stream dummy 2>>"flip-$sw.log"; then
            read -r d0 < <(awk '$1 == "size" && $2 == "full" { print $3 }' results)
            read -r d1 < <(awk -v b="flip-$sw-buffered" '$1 == "size" && $2 == b { print $3 }' results)
            read -r s0 < <(awk '$1 == "size" && $2 == "stream" { print $3 }' results)
            read -r s1 < <(awk -v b="flip-$sw-stream" '$1 == "size" && $2 == b { print $3 }' results)
            echo "option $sw $other $((d1 - d0)) $((s1 - s0))" >>results
        else
            echo "option $sw $other fail fail" >>results
        fi
    done
    image full-eth default ethernet dummy
    image full-ppp default serial-ppp dummy
    stack full-eth default ethernet
    runtime minimal "${MINIMAL[@]}"
    image minimal minimal buffered dummy
    image minimal-eth minimal ethernet dummy
    image minimal-eth-mdns minimal ethernet-mdns dummy
    image minimal-eth-ll minimal ethernet-ll dummy
    image minimal-ppp minimal serial-ppp dummy
    # PPP without the modem's dialogue: the runtime of that option's flip
    if [ -f flip-PAGEC_MODEM/libpagec_runtime.a ]; then
        image full-ppp-nomodem flip-PAGEC_MODEM serial-ppp dummy
    fi
    stack minimal-eth minimal ethernet
    image minimal+site minimal buffered sample
    stack minimal minimal buffered
    echo "done" >>results
}

# name, compiler, kind, flags
TARGETS=(
    "x86-64 cc host"
    "cortex-m0plus arm-none-eabi-gcc bare -mcpu=cortex-m0plus -mthumb"
    "cortex-m3 arm-none-eabi-gcc bare -mcpu=cortex-m3 -mthumb"
    "atmega328p avr-gcc avr -mmcu=atmega328p"
    "atmega2560 avr-gcc avr -mmcu=atmega2560"
    "rv32imac riscv64-unknown-elf-gcc bare -march=rv32imac -mabi=ilp32"
)
RAN=()
PIDS=()
for t in "${TARGETS[@]}"; do
    read -r name cc kind rest <<<"$t"
    read -r -a flags <<<"$rest"
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "note: $name skipped: $cc is not installed"
        continue
    fi
    if [ "$kind" = avr ] &&
        ! echo '#include <avr/io.h>' | "$cc" "${flags[@]}" -E -o /dev/null - 2>/dev/null; then
        echo "note: $name skipped: avr-libc is not installed"
        continue
    fi
    (target "$name" "$cc" "$kind" "${flags[@]}") >"$WORK/$name.log" 2>&1 &
    RAN+=("$name")
    PIDS+=($!)
done
OK=()
for i in "${!RAN[@]}"; do
    if wait "${PIDS[$i]}" && grep -qx 'done' "$WORK/${RAN[$i]}/results"; then
        OK+=("${RAN[$i]}")
    else
        echo "note: ${RAN[$i]} failed to build; its log ($WORK/${RAN[$i]}.log) ends:"
        tail -n 15 "$WORK/${RAN[$i]}.log" | sed 's/^/    /'
    fi
done
if [ ${#OK[@]} -eq 0 ]; then
    echo "${0##*/}: no target could be measured" >&2
    exit 1
fi

# r TARGET AWK-PROGRAM: a figure from a target's results
r() {
    awk "$2" "$WORK/$1/results"
}

# --- table 1: the footprint --------------------------------------------------

echo
echo "Runtime footprint in a linked image (bytes): -Os, -ffunction-sections -fdata-sections,"
echo "--gc-sections; the runtime's input sections counted from the map file. text = code and"
echo "constants in flash; stack = the deepest call chain from the driver's calls into the runtime."
echo "Builds: minimal and full with a driver calling pagec_server_input, stream with one calling"
echo "pagec_stream_*; alone with a 1-byte site, +site with samples/site (--mss 966)."
echo
echo "target,build,text,data,bss,stack" >"$CSV"
printf '%-14s %-13s %7s %5s %5s %6s\n' target build text data bss stack
for t in "${OK[@]}"; do
    for b in minimal full stream site minimal+site full+site stream+site; do
        src=$b
        [ "$b" = site ] && src=full+site
        read -r rt rd rb st sd sb < <(r "$t" "\$1 == \"size\" && \$2 == \"$src\" { print \$3, \$4, \$5, \$6, \$7, \$8 }")
        stack_of=${b%+site}
        stack=$(r "$t" "\$1 == \"stack\" && \$2 == \"$stack_of\" { print \$3 }")
        case $b in
            site) text=$st data=$sd bss=$sb stack= ;;
            *+site) text=$((rt + st)) data=$((rd + sd)) bss=$((rb + sb)) ;;
            *) text=$rt data=$rd bss=$rb ;;
        esac
        printf '%-14s %-13s %7s %5s %5s %6s\n' "$t" "$b" "$text" "$data" "$bss" "${stack:--}"
        echo "$t,$b,$text,$data,$bss,$stack" >>"$CSV"
    done
done
echo
echo "site = samples/site's compiled datagrams and tables alone, without board.png (all const; in flash, on AVR"
echo "with __flash); the +site rows are the runtime and that site together."

echo "minimal's options: ${MINIMAL[*]}"

# AVR: no runtime constant in RAM
for t in "${OK[@]}"; do
    case $t in atmega*) ;; *) continue ;; esac
    ram=$(r "$t" '$1 == "ram" { print $2 ": " $3 " (" $4 " bytes)" }')
    data=$(r "$t" '$1 == "size" && $2 !~ /^flip-/ { n += $4 } END { print n + 0 }')
    if [ "$data" = 0 ] && [ -z "$ram" ]; then
        echo "$t: the runtime's .data is 0 bytes in every build: no constant of the runtime is copied to RAM"
    else
        echo "WARNING: $t: runtime sections in initialised RAM (constants copied to RAM at start-up):"
        while read -r line; do echo "    $line"; done <<<"$ram"
    fi
done

# how the stack was found, and its deepest chain
echo
echo "Stack: -fstack-usage of each runtime function (.su; on x86-64 and AVR it includes the"
echo "return address the call pushes), summed along the deepest chain of calls from the"
echo "driver's entry points; the calls from:"
for t in "${OK[@]}"; do
    how=$(r "$t" '$1 == "callgraph" { print $2 }')
    case $how in
        objdump) how="avr-objdump -d of the linked image (call/rcall, jmp/rjmp as tail calls)" ;;
        *) how="GCC's -fcallgraph-info=su (.ci files)" ;;
    esac
    echo "  $t: $how"
done
echo "Deepest chains (bytes per frame):"
for t in "${OK[@]}"; do
    for b in full stream; do
        read -r bytes path unknown quals < <(r "$t" "\$1 == \"stack\" && \$2 == \"$b\" { print \$3, \$4, \$5, \$6 }")
        extra=
        [ "$unknown" != - ] && extra="; not counted (no stack figure): $unknown"
        [ "$quals" != static ] && extra="$extra; frames flagged: $quals"
        printf '  %-14s %-7s %4d  %s%s\n' "$t" "$b" "$bytes" "$path" "$extra"
    done
done
echo "(flagged \"estimated\": libgcc routines in assembly, counted as their return address and"
echo "pushes; \"dynamic,bounded\": a frame whose size GCC bounds but does not fix, counted at its bound.)"
if [ -s "$STATS" ]; then
    echo "Measured on the emulated atmega328p (samples/avr firmware, streaming, whole firmware: main,"
    echo "interrupts and runtime): stack high-water $(awk -F= '$1 == "stack_paint" { a = $2 }
        $1 == "slip_stack_paint" { b = $2 } END { print (b > a ? b : a) }' "$STATS") bytes ($STATS)"
else
    echo "Measured stack high-water on the emulated atmega328p: not measured (run ctest -L emulated first)"
fi

# --- table 2: the options ----------------------------------------------------

echo
echo "What each option of include/pagec/opt.h costs: change in the runtime's text (bytes) when it"
echo "goes from its default to its other value, buffered (full) / streaming (stream) build:"
echo
printf '%-24s %-6s' option value
for t in "${OK[@]}"; do printf ' %15s' "$t"; done
echo
for sw in "${SWITCHES[@]}"; do
    printf '%-24s %-6s' "$sw" "${DEFAULT[$sw]}->$((1 - DEFAULT[$sw]))"
    for t in "${OK[@]}"; do
        cell=$(r "$t" "\$1 == \"option\" && \$2 == \"$sw\" { print (\$4 == \"fail\" ? \"no build\" : sprintf(\"%+d/%+d\", \$4, \$5)) }")
        printf ' %15s' "$cell"
    done
    echo
done
for o in "${OTHERS[@]}"; do
    printf '%-24s not a switch (default: %s); not measured\n' "$o" "${DEFAULT[$o]:-(none)}"
done

# --- table 3: Ethernet --------------------------------------------------------

echo
echo "What Ethernet costs (runtime/eth.c: pagec_eth_input, pagec_eth_header), a driver of a MAC"
echo "calling them around pagec_server_input (scripts/report/buffered.c with REPORT_ETH, ARP's"
echo "reply and the header made in place): the runtime's text added to the minimal and full"
echo "buffered builds (bytes), and the deepest stack of the Ethernet build; then what the"
echo "Multicast DNS responder (mdns.c: pagec_mdns_input) and the link-local address"
echo "(linklocal.c: pagec_linklocal_poll, pagec_linklocal_input) each add to the minimal one:"
echo
printf '%-14s %8s %8s %6s %8s %10s\n' target minimal full stack +mdns +linklocal
for t in "${OK[@]}"; do
    m0=$(r "$t" '$1 == "size" && $2 == "minimal" { print $3 }')
    m1=$(r "$t" '$1 == "size" && $2 == "minimal-eth" { print $3 }')
    md=$(r "$t" '$1 == "size" && $2 == "minimal-eth-mdns" { print $3 }')
    ml=$(r "$t" '$1 == "size" && $2 == "minimal-eth-ll" { print $3 }')
    f0=$(r "$t" '$1 == "size" && $2 == "full" { print $3 }')
    f1=$(r "$t" '$1 == "size" && $2 == "full-eth" { print $3 }')
    st=$(r "$t" '$1 == "stack" && $2 == "full-eth" { print $3 }')
    printf '%-14s %+8d %+8d %6s %+8d %+10d\n' "$t" "$((m1 - m0))" "$((f1 - f0))" \
        "${st:--}" "$((md - m1))" "$((ml - m1))"
done
echo "RAM: eth.c, mdns.c and linklocal.c have none (no .data, no .bss); the driver keeps its MAC"
echo "address (6 bytes) and a frame buffer 14 bytes longer than a datagram's; with the"
echo "responder an answer buffer (PAGEC_MDNS_OUT_MAX, $(sed -n 's/^#define PAGEC_MDNS_OUT_MAX //p' "$ROOT/include/pagec/mdns.h") bytes, or the name's 82 + its length); with"
echo "the link-local address its state, struct pagec_linklocal ($(r "${OK[0]}" '$1 == "sizeof" && $2 == "pagec_linklocal" { print $3 }') bytes on ${OK[0]}), and a millisecond clock."
echo
echo "What PPP costs (runtime/ppp.c: pagec_ppp_input, pagec_ppp_poll, pagec_ppp_send_reply with"
echo "LCP, IPCP and the modem's dialogue), a driver of a serial line (buffered.c with REPORT_PPP):"
echo "the runtime's text added to the minimal build, and the modem's share (PAGEC_MODEM 1 -> 0,"
echo "in the full build):"
echo
printf '%-14s %8s %8s\n' target +ppp modem
for t in "${OK[@]}"; do
    m0=$(r "$t" '$1 == "size" && $2 == "minimal" { print $3 }')
    mp=$(r "$t" '$1 == "size" && $2 == "minimal-ppp" { print $3 }')
    fp=$(r "$t" '$1 == "size" && $2 == "full-ppp" { print $3 }')
    fn=$(r "$t" '$1 == "size" && $2 == "full-ppp-nomodem" { print $3 }')
    printf '%-14s %+8d %8s\n' "$t" "$((mp - m0))" "${fn:+$((fp - fn))}"
done
echo "RAM: none in ppp.c; the driver's struct pagec_ppp ($(r "${OK[0]}" '$1 == "sizeof" && $2 == "pagec_ppp" { print $3 }') bytes on ${OK[0]}) and frame buffer"
echo "(4 + the largest datagram + 2 bytes)."

# --- table 4: RAM of the streaming API ---------------------------------------

echo
echo "RAM of the streaming API (bytes): the driver's one struct pagec_stream, the 8-byte ISN secret"
echo "(struct pagec_server, with the site pointer and address, may be in RAM too), and the stack"
echo "of the deepest call (stream build):"
echo
printf '%-14s %14s %7s %13s %6s %7s\n' target pagec_stream secret pagec_server stack total
for t in "${OK[@]}"; do
    read -r ss sv < <(r "$t" '$1 == "sizeof" && $2 == "stream" { a = $3 } $1 == "sizeof" && $2 == "server" { b = $3 } END { print a, b }')
    stk=$(r "$t" '$1 == "stack" && $2 == "stream" { print $3 }')
    printf '%-14s %14d %7d %13d %6d %7d\n' "$t" "$ss" 8 "$sv" "$stk" $((ss + 8 + stk))
done
echo "(buffered API, for comparison: struct pagec_reply is $(r "${OK[0]}" '$1 == "sizeof" && $2 == "reply" { print $3 }') bytes on ${OK[0]}, plus a buffer for a whole datagram)"

# --- table 4: speed on the AVR -----------------------------------------------

# One fetch of /index.html with curl --compressed, from the datagram sizes:
# the client's SYN (with options), ACK, request, ACK of the reply and FIN;
# the server's SYN-ACK, reply (with its FIN) and the ACK of the client's
# FIN. The request is curl's: request line, Host, User-Agent, Accept,
# Accept-Encoding (the codings of curl's build).
# (the TCP data column: the one before the limit's percentage, which a
# live page's list of fields may follow)
reply_data=$(awk 'function data() { for (i = 2; i <= NF; i++) if ($i ~ /%$/) return $(i - 1) }
    /^\/index\.html / { on = 1 } /^\/[^i]/ { on = 0 }
    on && / gzip / { print data(); exit }' "$WORK/sample/fit.txt")
[ -n "$reply_data" ] || reply_data=$(awk 'function data() { for (i = 2; i <= NF; i++) if ($i ~ /%$/) return $(i - 1) }
    /^\/index\.html / { print data(); exit }' "$WORK/sample/fit.txt")
curl_version=7.88.1
codings="deflate, gzip"
if command -v curl >/dev/null 2>&1; then
    curl_version=$(curl --version | awk 'NR == 1 { print $2 }')
    features=$(curl --version | head -n 1)
    codings="deflate, gzip"
    case $features in *brotli/*) codings="$codings, br" ;; esac
    case $features in *zstd/*) codings="$codings, zstd" ;; esac
fi
request=$(printf 'GET /index.html HTTP/1.1\r\nHost: 192.0.2.2\r\nUser-Agent: curl/%s\r\nAccept: */*\r\nAccept-Encoding: %s\r\n\r\n' \
    "$curl_version" "$codings" | wc -c)
est_in="60 40 $((40 + request)) 40 40"
est_out="44 $((40 + reply_data)) 40"

echo
echo "Speed on the AVR (ATmega328P at 16 MHz, samples/avr: streaming API over SLIP at 115200 baud)"
echo
echo "One fetch of /index.html with curl --compressed, from the datagram sizes:"
echo "  client: SYN 60, ACK 40, request $((40 + request)) ($request bytes of HTTP), ACK 40, FIN 40"
echo "  device: SYN-ACK 44, reply $((40 + reply_data)) (gzip, with FIN), ACK 40"
awk -v in_="$est_in" -v out="$est_out" 'BEGIN {
    ni = split(in_, a, " "); no = split(out, b, " ")
    for (i = 1; i <= ni; i++) bi += a[i]
    for (i = 1; i <= no; i++) bo += b[i]
    # SLIP: an END before and after each frame; escapes of 0xc0 and 0xdb,
    # about 2 in 256 bytes of the checksums, numbers and gzip data
    li = bi + 2 * ni + int(bi * 2 / 256 + 0.5)
    lo = bo + 2 * no + int(bo * 2 / 256 + 0.5)
    printf "  on the line with SLIP framing (estimated escapes): %d bytes in, %d out; at 10 bits a byte,\n", li, lo
    printf "  11520 bytes/s: %.1f fetches/s one direction at a time, %.1f with both directions busy\n", 11520 / (li + lo), 11520 / (li > lo ? li : lo)
}'
echo
if [ -s "$STATS" ]; then
    echo "Measured in pagec-avrsim ($STATS):"
    awk -F= '{ v[$1] = $2 } END {
        n = v["fetches"]; f = v["freq"]
        printf "  %d fetches in a row, %d failed; per fetch:\n", n, v["failed"]
        printf "  %-8s %9s %6s %8s %17s %14s\n", "datagram", "per fetch", "bytes", "cycles", "(in / out)", "line bytes out"
        split("syn request ack fin rst icmp other", k, " ")
        for (i = 1; i <= 7; i++) {
            c = v[k[i] "_count"]
            if (c == 0) continue
            printf "  %-8s %9.1f %6.0f %8.0f (%6.0f / %6.0f) %14.0f\n", k[i], c / n, v[k[i] "_bytes_in"] / c,
                v[k[i] "_cycles"] / c, (v[k[i] "_cycles"] - v[k[i] "_cycles_out"]) / c,
                v[k[i] "_cycles_out"] / c, v[k[i] "_bytes_out"] / c
            sum += v[k[i] "_cycles"]
        }
        busy = v["busy_cycles"] / n
        printf "  runtime cycles per fetch (PB2 high: SLIP decoding, every byte in, the end of each datagram,\n"
        printf "  every byte out; the UART interrupts that fall inside): %.0f = %.2f ms at %.0f MHz\n", busy, busy / f * 1000, f / 1e6
        printf "  so the CPU alone could serve %.0f fetches per second\n", f / busy
        li = v["bytes_in"] / n; lo = v["bytes_out"] / n
        printf "  the line per fetch: %.0f bytes in, %.0f out (SLIP, measured): %.1f fetches/s one direction at a time,\n", li, lo, 11520 / (li + lo)
        printf "  %.1f with both directions busy\n", 11520 / (li > lo ? li : lo)
        dev = v["cycles"] / f
        printf "  sequential fetches over the emulated line: %.2f connections per second in the device'\''s own time\n", n / dev
        printf "  (%.3f s of its cycles), %.2f per second of wall-clock time (curl and the host included)\n", dev, n / (v["fetch_wall_ns"] / 1e9)
        printf "  stack high-water of the whole firmware (main, interrupts, runtime): %d bytes (lowest SP), %d by its\n", v["stack_sp"], v["stack_paint"]
        printf "  paint (fetches); %d / %d in the run of tests/slip/slip.sh (every file, ping, 404, refused port)\n", v["slip_stack_sp"], v["slip_stack_paint"]
        printf "  firmware: flash %d bytes, .data %d, .bss %d\n", v["flash"], v["data"], v["bss"]
    }' "$STATS"
else
    echo "Cycles per fetch, connections per second and stack high-water in the emulator: not measured"
    echo "(run ctest -L emulated first: ctest --test-dir $BUILD -L emulated, as root with simavr)"
fi
echo
echo "For comparison: phpstack served about 5 connections per second over 115200-baud SLIP;"
echo "miniweb needs about 30 bytes of RAM."
echo
echo "CSV: $CSV ($(($(date +%s) - t_start)) s)"
