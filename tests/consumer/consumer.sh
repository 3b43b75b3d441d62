#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/consumer/consumer.sh - builds the consumer project of this folder
# against pagec as a user's firmware build would, and checks it.
#
# Usage: consumer.sh MODE CMAKE PAGEC_BUILD_DIR PAGEC_SOURCE_DIR
#
# MODE:
#   install  installs PAGEC_BUILD_DIR into a prefix of its own (cmake
#            --install), builds the consumer with find_package(pagec) and
#            runs it: a SYN and a GET for each page, replies checked; then
#            builds it again by hand with pkg-config's flags for
#            pagec-runtime and runs that
#   subdir   builds the consumer with add_subdirectory() of
#            PAGEC_SOURCE_DIR and runs it
#   cross    cross-compiles the consumer's firmware (the runtime through
#            pagec_add_runtime() and the site) for Cortex-M0+ with the
#            installed package, through a toolchain file that sets
#            CMAKE_FIND_ROOT_PATH_MODE_PACKAGE to ONLY, found with
#            -Dpagec_DIR; checks the library is ARM code with the site
#   recipe   the cross-compiled firmware of docs/guide.md as written
#            there (its cmake and sh blocks, the prefix /usr/local
#            replaced by the test's own): samples/cortex-m3's sources (the
#            site's name changed to web) and linker script as board.ld,
#            the sample site as web/; the image must be a linked ARM
#            executable whose entry is reset_handler, with the site in it
#   rebuild  with the Makefile and the Ninja generators, with a site
#            file named with '#', '$' and a space: a build with no change
#            does no work (and ninja -n -d explain finds none); editing
#            (also that file), adding and removing a site file, and
#            adding a file in a new folder and editing it, regenerates
#            the site and relinks the program that uses it, and nothing
#            else; CMake does not run again for a file added
#
# Prints one line per check; exit status 0 when all passed, 1 when one
# failed, 2 on a usage error, 77 when a tool is missing (skipped).

set -u
PROG=${0##*/}
if [ $# -ne 4 ]; then
    echo "usage: $PROG install|subdir|cross|recipe|rebuild CMAKE PAGEC_BUILD_DIR PAGEC_SOURCE_DIR" >&2
    exit 2
fi
MODE=$1
CMAKE=$2
PAGEC_BUILD=$3
PAGEC_SRC=$4
HERE=$(cd "$(dirname -- "$0")" && pwd)
LOG=/dev/null # finish's log: none here, each step shows its own

# shellcheck source=tests/e2e/common.sh
. "$HERE/../e2e/common.sh" || exit 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-consumer.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

# run LOG COMMAND...: COMMAND with its output in LOG; on failure the end
# of LOG is shown.
run() {
    local log=$1
    shift
    if ! "$@" >"$log" 2>&1; then
        sed 's/^/#    /' "$log" | tail -n 30
        return 1
    fi
}

# doc_block FILE LANG MARKER: the text of the first ```LANG block of the
# Markdown FILE that contains MARKER.
doc_block() {
    awk -v lang="$2" -v marker="$3" '
        !inside && $0 == "```" lang { inside = 1; text = ""; next }
        inside && $0 == "```" {
            inside = 0
            if (index(text, marker)) { printf "%s", text; exit }
            next
        }
        inside { text = text $0 "\n" }' "$1"
}

install_pagec() {
    PREFIX=$WORK/prefix
    if run "$WORK/install.log" "$CMAKE" --install "$PAGEC_BUILD" --prefix "$PREFIX"; then
        pass "cmake --install of the pagec build into $PREFIX"
    else
        fail "cmake --install of the pagec build"
        finish
    fi
}

# configure_build NAME SRC BUILD ARGS...: configures and builds.
configure_build() {
    local name=$1 src=$2 build=$3
    shift 3
    if run "$WORK/$name-configure.log" "$CMAKE" -S "$src" -B "$build" "$@" &&
        run "$WORK/$name-build.log" "$CMAKE" --build "$build"; then
        pass "$name: configured and built"
        return 0
    fi
    fail "$name: configure or build failed"
    return 1
}

# serves BUILD SRC PAGE...: the consumer program serves those pages right.
serves() {
    local build=$1 src=$2 out
    shift 2
    if out=$("$build/consumer" "$src/site" "$@" 2>&1); then
        pass "${build##*/}: $out"
    else
        fail "${build##*/}: the consumer program: $out"
    fi
}

case $MODE in
install)
    # what the README and the guide say, which this test does: cmake
    # --install --prefix PREFIX, then -DCMAKE_PREFIX_PATH=PREFIX
    for doc in README.md docs/guide.md; do
        if grep -qF -- '-DCMAKE_PREFIX_PATH=' "$PAGEC_SRC/$doc" &&
            grep -qF -- '--prefix' "$PAGEC_SRC/$doc"; then
            pass "$doc: an install with --prefix is found with -DCMAKE_PREFIX_PATH"
        else
            fail "$doc does not say that an install with --prefix PREFIX is found with -DCMAKE_PREFIX_PATH=PREFIX"
        fi
    done
    install_pagec
    configure_build find_package "$HERE" "$WORK/build" -DCMAKE_PREFIX_PATH="$PREFIX" &&
        serves "$WORK/build" "$HERE" index.html note.txt
    # the same program built by hand with pkg-config's flags for the
    # installed runtime (and the site the CMake build generated)
    pc=$(find "$PREFIX" -name pagec-runtime.pc | head -n 1)
    if ! command -v pkg-config >/dev/null 2>&1; then
        echo "#    no pkg-config: pagec-runtime.pc not tried"
    elif [ -z "$pc" ]; then
        fail "no pagec-runtime.pc installed"
    elif flags=$(PKG_CONFIG_PATH=${pc%/*} pkg-config --cflags --libs pagec-runtime) &&
        run "$WORK/pc.log" cc -std=c99 -o "$WORK/pc-consumer" "$HERE/main.c" \
            "$WORK/build/consumer_site/web.c" -I"$WORK/build/consumer_site" $flags &&
        run "$WORK/pc-run.log" "$WORK/pc-consumer" "$HERE/site" index.html note.txt; then
        pass "pkg-config pagec-runtime: $flags"
    else
        fail "a program built with pkg-config's flags for pagec-runtime (${flags:-none})"
    fi
    ;;
subdir)
    configure_build add_subdirectory "$HERE" "$WORK/build" -DPAGEC_SOURCE_DIR="$PAGEC_SRC" &&
        serves "$WORK/build" "$HERE" index.html note.txt
    ;;
cross)
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || skip "no arm-none-eabi-gcc (gcc-arm-none-eabi)"
    install_pagec
    # a toolchain file as vendors write them: the host's packages hidden
    cat >"$WORK/toolchain.cmake" <<EOT
include("$PREFIX/share/pagec/toolchains/arm-none-eabi.cmake")
set(CMAKE_FIND_ROOT_PATH "$WORK/sysroot")
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOT
    if "$CMAKE" -S "$HERE" -B "$WORK/hidden" -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" \
        -DCMAKE_PREFIX_PATH="$PREFIX" >"$WORK/hidden.log" 2>&1; then
        echo "#    (this toolchain file does not hide the host's packages)"
    else
        pass "find_package(pagec) alone fails under CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY"
    fi
    if configure_build cross "$HERE" "$WORK/build" -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" \
        -DPAGEC_CPU=cortex-m0plus -Dpagec_DIR="$PREFIX/lib/cmake/pagec"; then
        lib=$WORK/build/libconsumer_fw.a
        if arm-none-eabi-readelf -h "$lib" 2>/dev/null | grep -q 'Machine:.*ARM' &&
            arm-none-eabi-nm "$lib" | grep -q ' R web$' &&
            arm-none-eabi-nm "$WORK/build/libconsumer_runtime.a" | grep -q ' T pagec_stream_byte$'; then
            pass "the firmware library is ARM code with the site (web) and the runtime beside it"
        else
            fail "the firmware library is not ARM code with the site and the runtime"
        fi
    fi
    ;;
recipe)
    command -v arm-none-eabi-gcc >/dev/null 2>&1 || skip "no arm-none-eabi-gcc (gcc-arm-none-eabi)"
    install_pagec
    guide=$PAGEC_SRC/docs/guide.md
    m3=$PAGEC_SRC/samples/cortex-m3
    fw=$WORK/fw
    mkdir -p "$fw" || exit 1
    doc_block "$guide" cmake 'pagec_add_runtime(pagec_rt)' >"$fw/CMakeLists.txt"
    doc_block "$guide" sh 'build-fw' | sed "s|/usr/local|$PREFIX|g" >"$fw/build.sh"
    if [ ! -s "$fw/CMakeLists.txt" ] || [ ! -s "$fw/build.sh" ]; then
        fail "the guide's cross-compiling recipe (a cmake block with pagec_add_runtime(pagec_rt), an sh block with build-fw) not found"
        finish
    fi
    cp "$m3"/startup.c "$m3"/mem.c "$m3"/uart.c "$m3"/uart.h "$m3"/lm3s6965.h "$fw"/ &&
        cp "$m3/lm3s6965.ld" "$fw/board.ld" &&
        sed 's/demo_site/web/g' "$m3/main.c" >"$fw/main.c" &&
        sed 's/@M3_SECRET_BYTES@/1, 2, 3, 4, 5, 6, 7, 8/' "$m3/m3_secret.h.in" >"$fw/m3_secret.h" &&
        cp -r "$PAGEC_SRC/samples/site" "$fw/web" || exit 1
    # the commands as the guide gives them, with this cmake first on PATH
    PATH=$(dirname -- "$CMAKE"):$PATH
    if (cd "$fw" && run "$WORK/recipe.log" bash -e build.sh); then
        pass "the guide's firmware recipe configures, builds and links"
    else
        fail "the guide's firmware recipe, as written there"
        finish
    fi
    elf=$fw/build-fw/firmware.elf
    entry=$(arm-none-eabi-readelf -h "$elf" 2>/dev/null | awk '/Entry point/ { print $NF }')
    reset=$(arm-none-eabi-nm "$elf" 2>/dev/null | awk '$3 == "reset_handler" { print $1 }')
    if arm-none-eabi-readelf -h "$elf" 2>/dev/null | grep -q 'Type:.*EXEC' &&
        arm-none-eabi-readelf -h "$elf" | grep -q 'Machine:.*ARM' &&
        [ -n "$reset" ] && [ $((entry & ~1)) -eq $((16#$reset & ~1)) ] &&
        arm-none-eabi-nm "$elf" | grep -q ' [RrTt] web$' &&
        arm-none-eabi-nm "$elf" | grep -q ' [Tt] pagec_server_input$'; then
        pass "firmware.elf: an ARM executable, entry reset_handler ($entry), the site (web) and the runtime in it"
    else
        fail "firmware.elf: not an ARM executable entered at reset_handler with the site and the runtime (entry '$entry', reset_handler '$reset')"
    fi
    ;;
rebuild)
    install_pagec
    gens=("Unix Makefiles")
    if command -v ninja >/dev/null 2>&1; then
        gens+=(Ninja)
    else
        echo "#    no ninja (ninja-build): the Makefile generator only"
    fi
    for gen in "${gens[@]}"; do
        tag=${gen// /-}
        src=$WORK/src-$tag
        build=$WORK/build-$tag
        cp -r "$HERE" "$src"
        # names that depfiles escape ('#' and '$', and a space)
        # shellcheck disable=SC2016 # a '$' of its own
        odd='odd #1 $x.txt'
        printf 'a page with an odd name\n' >"$src/site/$odd"
        configure_build "$gen" "$src" "$build" -G "$gen" -DCMAKE_PREFIX_PATH="$PREFIX" || continue
        serves "$build" "$src" index.html note.txt
        site_c=$build/consumer_site/web.c
        main_o=$build/CMakeFiles/consumer.dir/main.c.o
        stamp() { stat -c '%y' "$site_c" "$main_o" "$build/consumer" "$build/unrelated"; }
        # one build with no change: no work
        before=$(stamp)
        "$CMAKE" --build "$build" >"$WORK/nochange.log" 2>&1
        if [ "$(stamp)" = "$before" ] &&
            ! grep -Eq 'Building|Linking|Compiling site|Generating' "$WORK/nochange.log"; then
            pass "$gen: a build with no change does no work"
        else
            fail "$gen: a build with no change did work:"
            sed 's/^/#    /' "$WORK/nochange.log" | head -n 20
        fi
        # and Ninja says why it would
        if [ "$gen" = Ninja ]; then
            ninja -C "$build" -n -d explain >"$WORK/explain.log" 2>&1
            if grep -q 'no work to do' "$WORK/explain.log"; then
                pass "$gen: ninja -n -d explain: no work to do"
            else
                fail "$gen: ninja -n -d explain:"
                grep -v '^ninja: Entering' "$WORK/explain.log" | sed 's/^/#    /' | head -n 20
            fi
        fi
        # check_change WHAT: after a change to the site, the site was
        # compiled again and the consumer relinked; main.c and the
        # unrelated program were not touched
        check_change() {
            local old=$1 what=$2
            read -r s0 m0 c0 u0 <<<"$(echo "$old" | awk '{print $2}' | paste -sd ' ')"
            read -r s1 m1 c1 u1 <<<"$(stamp | awk '{print $2}' | paste -sd ' ')"
            if [ "$s0" != "$s1" ] && [ "$c0" != "$c1" ] && [ "$m0" = "$m1" ] && [ "$u0" = "$u1" ] &&
                grep -q 'Compiling site' "$WORK/change.log"; then
                pass "$gen: $what: the site compiled again and the program relinked, nothing else"
            else
                fail "$gen: $what: site $s0 -> $s1, consumer $c0 -> $c1, main.c.o $m0 -> $m1, unrelated $u0 -> $u1"
                sed 's/^/#    /' "$WORK/change.log" | head -n 20
            fi
        }
        sleep 1
        before=$(stamp)
        printf 'plain text, version 2\n' >"$src/site/note.txt"
        "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1
        check_change "$before" "a file edited"
        serves "$build" "$src" note.txt
        sleep 1
        before=$(stamp)
        printf 'the odd name, version 2\n' >"$src/site/$odd"
        "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1
        check_change "$before" "the file named '$odd' edited"
        sleep 1
        before=$(stamp)
        printf 'a new page\n' >"$src/site/new.txt"
        "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1
        check_change "$before" "a file added"
        serves "$build" "$src" new.txt index.html
        # CMake itself does not run again for a file added (no "--
        # GLOB mismatch!", no configure)
        if grep -q 'GLOB mismatch\|Configuring done' "$WORK/change.log"; then
            fail "$gen: CMake ran again for a file added:"
            grep 'GLOB mismatch\|Configuring done' "$WORK/change.log" | sed 's/^/#    /'
        else
            pass "$gen: CMake did not run again for a file added"
        fi
        # a file added in a new folder, then edited: the folder is known
        # without a new configure
        sleep 1
        before=$(stamp)
        mkdir "$src/site/more" && printf 'deeper\n' >"$src/site/more/deep.txt"
        "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1
        check_change "$before" "a file added in a new folder"
        sleep 1
        before=$(stamp)
        printf 'deeper, version 2\n' >"$src/site/more/deep.txt"
        "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1
        check_change "$before" "that file edited"
        serves "$build" "$src" more/deep.txt
        sleep 1
        before=$(stamp)
        rm "$src/site/new.txt"
        if "$CMAKE" --build "$build" >"$WORK/change.log" 2>&1; then
            check_change "$before" "a file removed"
        else
            fail "$gen: the build fails after a site file was removed"
            sed 's/^/#    /' "$WORK/change.log" | tail -n 20
        fi
        if "$build/consumer" "$src/site" new.txt >/dev/null 2>&1; then
            fail "$gen: the removed page is still served"
        else
            pass "$gen: the removed page is gone"
        fi
        before=$(stamp)
        "$CMAKE" --build "$build" >"$WORK/nochange.log" 2>&1
        if [ "$(stamp)" = "$before" ]; then
            pass "$gen: and then a build with no change does no work"
        else
            fail "$gen: a second build with no change did work"
        fi
    done
    ;;
*)
    echo "$PROG: unknown mode $MODE" >&2
    exit 2
    ;;
esac
finish
