# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# scripts/packages.sh - sourced by the other scripts: installs the Debian
# packages a script needs when they are missing.
#
# ensure_packages PACKAGE...: installs the missing ones with apt-get
# (--no-install-recommends), running apt-get update first. Needs root to
# install; without it, or without apt-get, names what is missing and
# returns 1.

ensure_packages() {
    local pkg missing=()
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        echo "${PROG:-pagec}: no apt-get here; make sure these (Debian names) are installed: $*" >&2
        return 0
    fi
    for pkg in "$@"; do
        # shellcheck disable=SC2016 # ${Status} is dpkg-query's, not ours
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
            grep -q 'install ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "${PROG:-pagec}: missing packages: ${missing[*]}; run as root to install them" >&2
        return 1
    fi
    echo "${PROG:-pagec}: installing ${missing[*]}"
    apt-get update &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}
