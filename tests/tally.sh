# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=sh
#
# tests/tally.sh - sourced by the shell tests that count their checks
# (cli.sh, secret.sh, oom/oom.sh): one line a check, and the counts.
#
# Sourced, not run: . "$(dirname -- "$0")/tally.sh"
#
# Sets pass and fail to 0 and provides:
#   ok TEXT        "ok: TEXT", counted as passed
#   bad TEXT       "FAIL: TEXT", counted as failed
#   check TEXT COMMAND...  ok TEXT when COMMAND succeeds, else bad TEXT

pass=0
fail=0

ok() { pass=$((pass + 1)); printf 'ok: %s\n' "$1"; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; }
check() {
    d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
