# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=sh
#
# tests/skip.sh - sourced by the test scripts: how a test that cannot run
# says so. Outside CI a skip is a skip (exit 77, which ctest reports as
# skipped through SKIP_RETURN_CODE); in CI it is a failure, so that a
# missing tool, device or folder cannot leave the suite green while a
# test never ran.
#
# Sourced, not run: . "$(dirname -- "$0")/skip.sh"
#
# Provides:
#   ci_mode        true in CI: PAGEC_CI=1, or CI=true (as CI services set
#                  it) unless PAGEC_CI=0 says otherwise
#   skip MESSAGE   outside CI: "SKIP: MESSAGE" and exit 77; in CI:
#                  "FAIL - skipped in CI: MESSAGE" and exit 1

ci_mode() {
    case ${PAGEC_CI:-} in
        1) return 0 ;;
        0) return 1 ;;
    esac
    [ "${CI:-}" = true ]
}

skip() {
    if ci_mode; then
        echo "FAIL - skipped in CI: $*"
        echo "(in CI, CI=true or PAGEC_CI=1, every test must run; PAGEC_CI=0 allows skips)"
        exit 1
    fi
    echo "SKIP: $*"
    exit 77
}
