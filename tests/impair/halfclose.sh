#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/impair/halfclose.sh - connections that end without a reply, with
# Linux's TCP as the client (Python sockets in a network namespace) and
# pagec-impair as the server, told to lose the first request it gets:
#   - a connection closed without a request (a browser's unused
#     preconnection) gets the server's FIN: the client's read ends at once;
#   - a half-closing client (request, then shutdown for writing, as
#     nc -N) whose request is lost on the way ends too, with an empty
#     reply, instead of waiting for ever;
#   - the same client without loss gets the whole page.
#
# usage: halfclose.sh PAGEC_IMPAIR_BINARY SITE_DIR   (root, /dev/net/tun)

set -u

PROG=${0##*/}
SERVER_NAME=pagec-impair
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
STOP_WAIT=30
END_MAX=3   # seconds in which a connection must end

. "$(dirname -- "$0")/../e2e/common.sh" || exit 1

check_args PAGEC_IMPAIR_BINARY "$@"
need python3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pagec-halfclose.XXXXXX") || exit 1
LOG=$WORK/pagec-impair.log
LOG_HEADING="last lines of the pagec-impair -v log ($LOG):"
LOG_TAIL=40

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    trap - EXIT INT TERM
    ns_teardown
    remove_work "${E2E_KEEP:-0}"
}
trap_cleanup

ns_create halfclose phc
ns_start_server --stdbuf "$BIN" --dev "$TUN" --seed 1 --drop-requests 1 -v

# client MODE: one connection to the server's port 80; prints the bytes
# received and "end" when the server ended it within END_MAX seconds,
# "wait" when it did not.
#   MODE close: connect, then close for writing at once
#   MODE request: send a GET, then close for writing
client() {
    nsexec python3 - "$SERVER_ADDR" "$1" "$END_MAX" <<'PY'
import socket, sys
addr, mode, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.create_connection((addr, 80), timeout=5)
if mode == "request":
    s.sendall(b"GET / HTTP/1.0\r\nHost: " + addr.encode() + b"\r\n\r\n")
s.shutdown(socket.SHUT_WR)
s.settimeout(limit)
got = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            print(len(got), "end")
            break
        got += b
except socket.timeout:
    print(len(got), "wait")
s.close()
PY
}

read -r n how < <(client close)
if [ "${how:-}" = end ] && [ "${n:-1}" = 0 ]; then
    pass "a connection closed without a request ends at once (our FIN)"
else
    fail "a connection closed without a request: ${n:-?} bytes, ${how:-no answer} (want 0 bytes and the end within $END_MAX s)"
fi

# pagec-impair drops the first segment with data it gets: this request
read -r n how < <(client request)
if [ "${how:-}" = end ] && [ "${n:-1}" = 0 ]; then
    pass "a half-closing client whose request was lost ends at once, with an empty reply"
else
    fail "a half-closing client whose request was lost: ${n:-?} bytes, ${how:-no answer} (want 0 bytes and the end within $END_MAX s)"
fi

read -r n how < <(client request)
if [ "${how:-}" = end ] && [ "${n:-0}" -gt 0 ]; then
    pass "a half-closing client gets the page ($n bytes) and the end"
else
    fail "a half-closing client: ${n:-?} bytes, ${how:-no answer} (want the page and the end)"
fi

check_shutdown
finish
