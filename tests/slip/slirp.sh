#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/slip/slirp.sh - end-to-end test of pagec-slip --slirp: curl
# through libslirp's TCP/IP stack and a pseudo-terminal to a device on a
# SLIP line, as an ordinary user: no root, no TUN device, no namespace.
#
# Usage: slirp.sh PAGEC_SLIP PAGEC_SLIPDEV SITE_DIR
#
# Runs tests/slip/slip.sh --slirp with these arguments: PAGEC_SLIP
# --slirp --listen 127.0.0.1:0 --pty -v (port 0: slirp listens on a free
# port, which the bridge's start line names), PAGEC_SLIPDEV (a host
# stand-in for a device, serving SITE_DIR compiled with --mss 966) on the
# pseudo-terminal the bridge made, then on http://127.0.0.1:PORT/:
#
#   - every regular file of SITE_DIR (dotfiles skipped) fetched with curl
#     --compressed: status 200 and the same bytes, a page with live
#     fields its file with each field as spaces (tests/tools/live.py);
#     "/" is index.html;
#   - a missing path gets 404;
#   - 24 fetches of the site's files, 8 at once, all byte-exact;
#   - in the bridge's -v log: slirp's SYNs announce an MSS of 966 (the
#     line's MTU, 1006, less 40), no frame on the line is longer than
#     1006 bytes, every TCP segment to the device comes from slirp's
#     address, 192.0.2.1, to the device's, 192.0.2.2, port 80; frames
#     went both ways;
#   - a frame from the line that is not IPv4 is dropped, and the bridge
#     goes on;
#   - both programs exit with status 0 on SIGTERM.
#
# Prints one line per check and at the end "N passed, M failed". Exit
# status: 0 all checks passed, 1 a check failed, 2 usage error, 77 a
# prerequisite is missing (curl, a PAGEC_SLIP built with libslirp,
# python3 for a site with live fields); in CI a skip is a failure
# (tests/skip.sh).
#
# Environment: that of tests/slip/slip.sh (SLIP_KEEP=1 keeps the work
# directory; SLIP_PARALLEL=N sets the number of parallel fetches).

exec "$(dirname -- "$0")/slip.sh" --slirp "$@"
