#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/demo.sh - build pagec and serve the sample site (or the build's
# PAGEC_DEMO_SITE) on http://127.0.0.1:8080/ (the README's quick start).
#
# Usage: scripts/demo.sh [--port PORT] [BUILD_DIR]
#
# --port PORT: the port of 127.0.0.1 to serve on instead of 8080.
# BUILD_DIR defaults to "build" in the repository; a relative BUILD_DIR
# given on the command line is relative to the current directory. The
# script may be run from any directory.
#
# Run as root, it serves the site with pagec-tun on a TUN device (steps
# below). Run as another user, it needs neither root nor sudo: it builds
# pagec-serve and serves the site on 127.0.0.1:PORT through it, the
# runtime behind libslirp's TCP/IP stack (no namespace, no ping); the
# packages must be installed then.
#
# Steps as root:
#   1. (as another user: build and run pagec-serve instead, and stop here);
#   2. install the Debian packages it needs that are missing (apt-get);
#   3. configure and build pagec with CMake (Release) in BUILD_DIR;
#   4. create the network namespace "pagec-demo" and run pagec-tun in it on
#      a TUN device: 192.0.2.1 is the namespace's side, 192.0.2.2 the
#      pagec server. Nothing changes in the host's network namespace
#      except one socat that listens on 127.0.0.1:PORT and forwards every
#      connection to 192.0.2.2:80 inside the namespace;
#   5. wait. Ctrl-C (or any exit) stops socat and pagec-tun and deletes
#      the namespace.

set -u

PROG=${0##*/}
NS=pagec-demo
TUN=pagec0
CLIENT_ADDR=192.0.2.1
SERVER_ADDR=192.0.2.2
LISTEN_ADDR=127.0.0.1
LISTEN_PORT=8080
PACKAGES=(cmake gcc make pkg-config libc6-dev libmagic-dev zlib1g-dev check
    iproute2 socat curl iputils-ping)
SERVE_PACKAGES=(cmake gcc make pkg-config libc6-dev libmagic-dev zlib1g-dev
    libslirp-dev curl)

die() {
    echo "$PROG: $*" >&2
    exit 1
}

usage() {
    echo "usage: $PROG [--port PORT] [BUILD_DIR]" >&2
    exit 2
}

help() {
    cat <<EOF
usage: $PROG [--port PORT] [BUILD_DIR]

Builds pagec in BUILD_DIR (default: build in the repository) and serves
the build's demo site (PAGEC_DEMO_SITE; default samples/site) on
http://127.0.0.1:PORT/ (default 8080) until Ctrl-C. As root: pagec-tun
on a TUN device in the network namespace pagec-demo; as another user:
pagec-serve, no root needed. See docs/guide.md, "The demo and the test
script".
EOF
    exit 0
}

BUILD_ARG=
while [ $# -gt 0 ]; do
    case $1 in
        -h | --help) help ;;
        --port) [ $# -ge 2 ] || usage; LISTEN_PORT=$2; shift 2 ;;
        --port=*) LISTEN_PORT=${1#--port=}; shift ;;
        -*) usage ;;
        *) [ -z "$BUILD_ARG" ] || usage; BUILD_ARG=$1; shift ;;
    esac
done
case $LISTEN_PORT in
    '' | *[!0-9]* | 0*) die "--port $LISTEN_PORT: not a port (1 to 65535)" ;;
esac
[ "$LISTEN_PORT" -le 65535 ] || die "--port $LISTEN_PORT: not a port (1 to 65535)"

SCRIPT=$(readlink -f -- "$0") || die "cannot find the script's own path"
ROOT=$(cd "$(dirname -- "$SCRIPT")/.." && pwd) || die "cannot find the repository"

if [ -n "$BUILD_ARG" ]; then
    case $BUILD_ARG in
        /*) BUILD=$BUILD_ARG ;;
        *) BUILD=$PWD/$BUILD_ARG ;;
    esac
else
    BUILD=$ROOT/build
fi
cd "$ROOT" || die "$ROOT: cannot change to it"

# --- 1. not root: pagec-serve ----------------------------------------------

if [ "$(id -u)" -ne 0 ]; then
    # shellcheck source=scripts/packages.sh
    . "$ROOT/scripts/packages.sh"
    ensure_packages "${SERVE_PACKAGES[@]}" ||
        die "install them (as root) and run $PROG again; or run $PROG as root for the TUN demo"
    echo "$PROG: not root: serving through pagec-serve, no TUN device (as root, $PROG runs pagec-tun on one)"
    echo "$PROG: building in $BUILD"
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ||
        die "cmake could not configure $BUILD"
    cmake --build "$BUILD" -j2 --target pagec-serve ||
        die "the build failed (pagec-serve needs libslirp-dev)"
    [ -x "$BUILD/samples/pagec-serve" ] ||
        die "$BUILD/samples/pagec-serve: not built (is libslirp-dev installed?)"
    cat <<EOF

pagec serves the sample site through pagec-serve: the runtime behind a
user-mode TCP/IP stack, at an Ethernet client's MSS (--link slip: SLIP's).

  Open:  http://$LISTEN_ADDR:$LISTEN_PORT/
  Fetch: curl -v http://$LISTEN_ADDR:$LISTEN_PORT/

Connections and requests follow, one line each (pagec-serve -v). Ctrl-C
stops the demo.

EOF
    exec "$BUILD/samples/pagec-serve" --port "$LISTEN_PORT" --bind "$LISTEN_ADDR" -v
fi

# --- 2. packages -----------------------------------------------------------

# shellcheck source=scripts/packages.sh
. "$ROOT/scripts/packages.sh"
ensure_packages "${PACKAGES[@]}" || die "could not install ${PACKAGES[*]}"
for cmd in cmake ip socat; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd is not installed"
done
[ -c /dev/net/tun ] || die "/dev/net/tun is missing (load the tun module: modprobe tun)"

# --- 3. build --------------------------------------------------------------

echo "$PROG: building in $BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release ||
    die "cmake could not configure $BUILD"
cmake --build "$BUILD" -j2 || die "the build failed"
BIN=$BUILD/samples/pagec-tun
[ -x "$BIN" ] || die "$BIN: not built"
SITE=$(sed -n 's/^PAGEC_DEMO_SITE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")

# --- 4. namespace, server, forwarder ---------------------------------------

if ip netns list | awk '{ print $1 }' | grep -qx "$NS"; then
    die "network namespace $NS exists already: is another demo running? If not, delete it with: ip netns del $NS"
fi

NS_CREATED=0
SERVER_PID=
SOCAT_PID=

# shellcheck disable=SC2317 # called from cleanup
# stop PID: SIGTERM, wait at most 3 s, then SIGKILL.
stop() {
    local i
    kill -s TERM "$1" 2>/dev/null || return 0
    for ((i = 0; i < 30; i++)); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -s KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
    local pid
    trap - EXIT INT TERM
    echo
    echo "$PROG: stopping"
    [ -n "$SOCAT_PID" ] && stop "$SOCAT_PID"
    [ -n "$SERVER_PID" ] && stop "$SERVER_PID"
    if [ "$NS_CREATED" -eq 1 ]; then
        # What still runs in our namespace (socat children) is ours.
        for pid in $(ip netns pids "$NS" 2>/dev/null); do
            kill -s KILL "$pid" 2>/dev/null
        done
        ip netns del "$NS" || echo "$PROG: could not delete namespace $NS" >&2
    fi
    echo "$PROG: done"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns add "$NS" || die "cannot create network namespace $NS"
NS_CREATED=1

# No IPv6 in the namespace: keeps the packet log free of the kernel's
# router and multicast solicitations. /proc/sys/net is per namespace.
# shellcheck disable=SC2016 # $f is expanded by the inner shell
ip netns exec "$NS" sh -c 'for f in /proc/sys/net/ipv6/conf/default/disable_ipv6 \
    /proc/sys/net/ipv6/conf/all/disable_ipv6; do
    [ -w "$f" ] && echo 1 >"$f"; done; exit 0'

# pagec-tun prints one line per packet (-v) on this terminal.
ip netns exec "$NS" "$BIN" --dev "$TUN" -v &
SERVER_PID=$!

up=0
for ((i = 0; i < 50; i++)); do
    if ip netns exec "$NS" ip link show dev "$TUN" >/dev/null 2>&1; then
        up=1
        break
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
[ "$up" -eq 1 ] || die "pagec-tun did not create the device $TUN"
if ! { ip netns exec "$NS" ip addr add "$CLIENT_ADDR" peer "$SERVER_ADDR" dev "$TUN" &&
    ip netns exec "$NS" ip link set "$TUN" up &&
    ip netns exec "$NS" ip link set lo up; }; then
    die "cannot configure $TUN in namespace $NS"
fi

# Every connection to 127.0.0.1:PORT runs a socat inside the namespace that
# connects to the server; "\:" keeps the inner address's colons from the
# outer socat's address parser.
socat "TCP-LISTEN:$LISTEN_PORT,bind=$LISTEN_ADDR,reuseaddr,fork" \
    "EXEC:ip netns exec $NS socat STDIO TCP\\:$SERVER_ADDR\\:80" &
SOCAT_PID=$!
sleep 0.5
kill -0 "$SOCAT_PID" 2>/dev/null ||
    die "socat cannot listen on $LISTEN_ADDR:$LISTEN_PORT (port in use?)"

cat <<EOF

pagec serves ${SITE:-the sample site} in network namespace $NS at $SERVER_ADDR.

  Open:  http://$LISTEN_ADDR:$LISTEN_PORT/
  Fetch: curl -v http://$LISTEN_ADDR:$LISTEN_PORT/
  Ping:  ip netns exec $NS ping $SERVER_ADDR      (as root)

Packets follow, one line each (pagec-tun -v). Ctrl-C stops the demo.

EOF

wait "$SERVER_PID"
rc=$?
SERVER_PID=
echo "$PROG: pagec-tun exited with status $rc"
exit "$rc"
