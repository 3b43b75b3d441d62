#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The runtime cross-built for each target whose compiler is installed:
# Cortex-M0+ and Cortex-M3 (arm-none-eabi-gcc), ATmega328P and ATmega2560
# (avr-gcc), rv32imac (riscv64-unknown-elf-gcc). Each build uses the
# toolchain file of cmake/toolchains with -Werror and -Os; the library must
# call nothing outside itself (no libc, no heap) and keep no RAM of its own.
# Prints each target's code size. A target whose compiler is missing makes
# the test skipped (77) once the others are built, unless one failed; in CI
# (CI=true or PAGEC_CI=1) a skip is a failure (tests/skip.sh).
# usage: cross.sh SOURCE_DIR
set -u
src=$(cd "$1" && pwd)
# shellcheck source=tests/skip.sh
. "$src/tests/skip.sh" || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0
missing=""

# target: name, toolchain file, compiler, cache setting
targets=(
    "cortex-m0plus arm-none-eabi arm-none-eabi-gcc -DPAGEC_CPU=cortex-m0plus"
    "cortex-m3 arm-none-eabi arm-none-eabi-gcc -DPAGEC_CPU=cortex-m3"
    "atmega328p avr avr-gcc -DPAGEC_MCU=atmega328p"
    "atmega2560 avr avr-gcc -DPAGEC_MCU=atmega2560"
    "rv32imac riscv32 riscv64-unknown-elf-gcc -DPAGEC_DUMMY=1"
)
for t in "${targets[@]}"; do
    read -r name file cc setting <<<"$t"
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "not built: $name: no $cc"
        missing="$missing $name ($cc)"
        continue
    fi
    b=$work/$name
    if ! cmake -S "$src" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/$file.cmake" \
        "$setting" >"$work/$name.log" 2>&1 ||
        ! cmake --build "$b" >>"$work/$name.log" 2>&1; then
        fail=$((fail + 1))
        echo "FAIL: $name: the runtime does not build with -Werror"
        tail -n 30 "$work/$name.log"
        continue
    fi
    lib=$b/runtime/libpagec_runtime.a
    nm=${cc%gcc}nm
    size=${cc%gcc}size
    undefined=$("$nm" -u "$lib" | awk 'NF == 2 {print $2}' | sort -u)
    defined=$("$nm" --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u)
    # allowed: the compiler's own support routines (libgcc: division,
    # multiplication where the core has no 32-bit multiply, byte swaps,
    # switch tables, AVR's start-up copy of initialised data)
    # and the four memory functions GCC requires of any freestanding
    # environment
    outside=$(comm -23 <(printf '%s\n' "$undefined") <(printf '%s\n' "$defined") |
        grep -v -E '^$|^(memcpy|memset|memmove|memcmp)$|^__(aeabi_|divmod|udivmod|bswap|gnu_thumb1_case_|tablejump2__$|do_copy_data$|do_clear_bss$|mulsi3$|umulhisi3$|mulhisi3$|muluhisi3$)' ||
        true)
    # const data: in flash on ARM and RISC-V, but copied to RAM at start-up
    # on AVR unless placed in program memory
    rodata=0
    while read -r hex; do
        rodata=$((rodata + 16#$hex))
    done < <("${cc%gcc}objdump" -h "$lib" | awk '$2 ~ /^\.rodata/ { print $3 }')
    read -r text data bss _ < <("$size" -t "$lib" | tail -n 1)
    if [ -n "$outside" ]; then
        fail=$((fail + 1))
        echo "FAIL: $name: calls outside the runtime:" $outside
    elif [ "$((data + bss))" != 0 ]; then
        fail=$((fail + 1))
        echo "FAIL: $name: $data bytes of .data, $bss of .bss"
    else
        pass=$((pass + 1))
        echo "ok: $name: .text $text, .data $data, .bss $bss, const data $rodata bytes (-Os)"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] || exit 1
[ -z "$missing" ] || skip "no compiler for:$missing"
