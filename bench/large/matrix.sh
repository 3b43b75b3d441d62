#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/large/matrix.sh - the measurements of docs/large-pages.md: run.sh
# over clients, timestamps and SACK on and off, MSS 1460 and 536, without
# loss and with 10 % loss both ways. Each run is bounded by timeout(1).
#
# usage: matrix.sh [--server PAGEC_TUN [--impair PAGEC_IMPAIR]] [N_LOSSY]
#   N_LOSSY    fetches per lossy run (default 100)
#   --server   the C runtime (run.sh --server): a pagec-tun built from the
#              site of tests/e2e/large_site.c (build/tests/pagec-tun-large)
#              for the runs without loss; without it, the prototype
#   --impair   a pagec-impair built from that site
#              (build/tests/impair/pagec-impair-large) for the runs with
#              loss; without it (and with --server) they are not run
set -u
HERE=$(cd "$(dirname -- "$0")" && pwd)
TUN_BIN='' IMPAIR_BIN=''
while [ $# -gt 0 ]; do
    case $1 in
        --server) TUN_BIN=$2; shift 2 ;;
        --impair) IMPAIR_BIN=$2; shift 2 ;;
        *) break ;;
    esac
done
NL=${1:-100}
run() { timeout 900 "$HERE/run.sh" "$@" 2>&1 | grep -E '^(client=|kernel|SKIP|FAIL)'; }
clean=() lossy=()
[ -n "$TUN_BIN" ] && clean=(--server "$TUN_BIN")
[ -n "$IMPAIR_BIN" ] && lossy=(--server "$IMPAIR_BIN")
echo "# without loss"
run "${clean[@]}" --n 20 --ts 1 --sack 1 --mtu 1500 --kernel
run "${clean[@]}" --n 20 --ts 1 --sack 1 --mtu 576
run "${clean[@]}" --n 20 --ts 0 --sack 1 --mtu 1500
run "${clean[@]}" --n 20 --ts 0 --sack 1 --mtu 576
run "${clean[@]}" --n 20 --ts 1 --sack 0 --mtu 1500
run "${clean[@]}" --n 20 --ts 0 --sack 0 --mtu 1500
for c in wget urllib chromium; do run "${clean[@]}" --n 5 --client "$c" --ts 1 --sack 1; done
if [ -n "$TUN_BIN" ] && [ -z "$IMPAIR_BIN" ]; then
    echo "# 10 % loss both ways: not run (no --impair)"
    exit 0
fi
echo "# 10 % loss both ways"
run "${lossy[@]}" --n "$NL" --loss 0.1 --ts 1 --sack 1 --mtu 1500
run "${lossy[@]}" --n "$NL" --loss 0.1 --ts 0 --sack 1 --mtu 1500
run "${lossy[@]}" --n "$NL" --loss 0.1 --ts 1 --sack 1 --mtu 576
run "${lossy[@]}" --n "$NL" --loss 0.1 --ts 0 --sack 1 --mtu 576
run "${lossy[@]}" --n 30 --loss 0.1 --ts 1 --sack 0 --mtu 1500
run "${lossy[@]}" --n 3 --loss 0.1 --ts 0 --sack 0 --mtu 1500
