#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/large/matrix.sh - the measurements of docs/large-pages.md: run.sh
# over clients, timestamps and SACK on and off, MSS 1460 and 536, without
# loss and with 10 % loss both ways. Each run is bounded by timeout(1).
# usage: matrix.sh [N_LOSSY]   (fetches per lossy run, default 100)
set -u
HERE=$(cd "$(dirname -- "$0")" && pwd)
NL=${1:-100}
run() { timeout 900 "$HERE/run.sh" "$@" 2>&1 | grep -E '^(client=|kernel|SKIP|FAIL)'; }
echo "# without loss"
run --n 20 --ts 1 --sack 1 --mtu 1500 --kernel
run --n 20 --ts 1 --sack 1 --mtu 576
run --n 20 --ts 0 --sack 1 --mtu 1500
run --n 20 --ts 0 --sack 1 --mtu 576
run --n 20 --ts 1 --sack 0 --mtu 1500
run --n 20 --ts 0 --sack 0 --mtu 1500
for c in wget urllib chromium; do run --n 5 --client "$c" --ts 1 --sack 1; done
echo "# 10 % loss both ways"
run --n "$NL" --loss 0.1 --ts 1 --sack 1 --mtu 1500
run --n "$NL" --loss 0.1 --ts 0 --sack 1 --mtu 1500
run --n "$NL" --loss 0.1 --ts 1 --sack 1 --mtu 576
run --n "$NL" --loss 0.1 --ts 0 --sack 1 --mtu 576
run --n 30 --loss 0.1 --ts 1 --sack 0 --mtu 1500
run --n 3 --loss 0.1 --ts 0 --sack 0 --mtu 1500
