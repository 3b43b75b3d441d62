#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/test.sh - build pagec and run every test (the README's quick
# start, and what CI runs).
#
# Usage: scripts/test.sh [BUILD_DIR] [CTEST_ARGS...]
#        PAGEC_CMAKE_ARGS="-DPAGEC_SANITIZE=ON" scripts/test.sh build-asan
#
# Installs the Debian packages the build and the tests need when they are
# missing (as root), configures and builds in BUILD_DIR (default: build in
# the repository), then runs ctest. The end-to-end tests need root and
# /dev/net/tun; without them ctest reports them as skipped.
#
# In CI (CI=true, or PAGEC_CI=1; PAGEC_CI=0 turns it off) nothing may be
# skipped: the test scripts fail instead of skipping (tests/skip.sh), and
# this script fails too when ctest reports any test as skipped or not run,
# or finds no tests at all. ctest's output is kept in BUILD_DIR/ctest.log.

set -u

PROG=${0##*/}
PACKAGES=(cmake gcc make pkg-config libc6-dev libmagic-dev zlib1g-dev check
    iproute2 curl socat iputils-ping ca-certificates mandoc valgrind
    clang libclang-rt-14-dev python3 python3-scapy hping3 iptables wget
    chromium gcc-avr avr-libc gcc-arm-none-eabi gcc-riscv64-unknown-elf
    simavr libsimavr-dev qemu-system-arm ninja-build libslirp-dev
    iputils-arping ppp arduino-builder arduino-core-avr)

die() {
    echo "$PROG: $*" >&2
    exit 1
}

case ${1:-} in
    -h | --help)
        echo "usage: $PROG [BUILD_DIR] [CTEST_ARGS...]"
        echo "Builds pagec in BUILD_DIR (default: build in the repository) and runs"
        echo "ctest there with CTEST_ARGS (such as -L unit, or -R NAME); see tests/README.md."
        exit 0
        ;;
esac

SCRIPT=$(readlink -f -- "$0") || die "cannot find the script's own path"
ROOT=$(cd "$(dirname -- "$SCRIPT")/.." && pwd) || die "cannot find the repository"
BUILD=$ROOT/build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    case $1 in
        /*) BUILD=$1 ;;
        *) BUILD=$PWD/$1 ;;
    esac
    shift
fi

# shellcheck source=scripts/packages.sh
. "$ROOT/scripts/packages.sh"
ensure_packages "${PACKAGES[@]}" || echo "$PROG: going on; the build may fail" >&2

# PAGEC_CMAKE_ARGS: more cache settings, e.g. -DPAGEC_SANITIZE=ON
# shellcheck disable=SC2086 # a list of arguments
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ${PAGEC_CMAKE_ARGS:-} ||
    die "cmake could not configure $BUILD"
cmake --build "$BUILD" -j"$(nproc 2>/dev/null || echo 2)" || die "the build failed"
cd "$BUILD" || die "$BUILD: cannot change to it"

ci=0
case ${PAGEC_CI:-} in
    1) ci=1 ;;
    0) ;;
    *) [ "${CI:-}" = true ] && ci=1 ;;
esac
ctest_args=(--output-on-failure)
[ "$ci" = 1 ] && ctest_args+=(--no-tests=error)
ctest "${ctest_args[@]}" "$@" 2>&1 | tee "$BUILD/ctest.log"
rc=${PIPESTATUS[0]}

# the tests that did not run: ctest lists them after "The following tests
# did not run:" (" 12 - name (Skipped)"), and marks each ***Skipped or
# ***Not Run on its line
notrun=$(sed -n '/^The following tests did not run:/,/^$/s/^[[:space:]]*[0-9][0-9]* - //p' \
    "$BUILD/ctest.log")
marked=$(grep -c -E '\*\*\*(Skipped|Not Run)' "$BUILD/ctest.log")
if [ -n "$notrun" ] || [ "$marked" -gt 0 ]; then
    echo
    echo "$PROG: tests that did not run (${marked} marked skipped or not run):"
    printf '%s\n' "${notrun:-(see $BUILD/ctest.log)}" | sed 's/^/    /'
    if [ "$ci" = 1 ]; then
        echo "$PROG: in CI every test must run: failing" >&2
        exit 1
    fi
    echo "$PROG: outside CI these are skips; with CI=true or PAGEC_CI=1 they fail"
fi
exit "$rc"
