# shellcheck shell=bash
#
# tests/e2e/common.sh - shell helpers shared by e2e.sh and serve.sh.
#
# Sourced, not run: . "$(dirname -- "$0")/common.sh"
#
# Provides:
#   check_args BINARY_NAME "$@"  the two arguments, a server binary and a
#                     site directory: sets BIN and SITE (SITE made
#                     absolute), or exits 2 with the usage line or a message
#   skip MESSAGE      "SKIP: MESSAGE" and exit 77
#   need COMMAND [NOTE]  skip "needs COMMAND [NOTE]" unless COMMAND exists
#   trap_cleanup      from now on the caller's cleanup function runs at exit;
#                     SIGINT and SIGTERM end the script with 130 and 143
#   remove_work KEEP  remove WORK, or when KEEP is 1 keep it and say where
#   stop_server [SIGNAL]  stop the server (SIGTERM by default, SIGKILL after
#                     STOP_WAIT tenths of a second) and set SERVER_RC
#   pass, fail TEXT   one "ok   - TEXT" or "FAIL - TEXT" line, counted
#   evidence          stdin indented, the details under a failed check
#   finish            on failure the end of LOG, then "N passed, M failed";
#                     exits 0 when no check failed, else 1
#   urlencode PATH    PATH with every byte outside [A-Za-z0-9._~/-] as %XX
#   each_site_file COMMAND...  runs COMMAND... URLPATH FILE for every
#                     regular file of SITE; sets NFILES
#   check_shutdown    the server must still run and exit 0 on SIGTERM
#
# Sets when sourced: MAX_FILES (5000, the bound of each_site_file),
# SERVER_PID and SERVER_RC (empty), PASSED and FAILED (0).
#
# The caller sets, before the helpers that use them run:
#   PROG         the script's name, for messages (check_args, stop_server,
#                remove_work)
#   SERVER_NAME  the server's name in messages (pagec-tun, pagec-serve)
#   STOP_WAIT    tenths of a second stop_server waits for the server to exit
#   WORK         the work directory (remove_work)
#   LOG          the server's -v log; LOG_HEADING, the line finish prints
#                above its last LOG_TAIL lines when a check failed
#   SERVER_PID   the server's PID once it started (empty again once it
#                was waited for)
#   cleanup      a function, run at exit once trap_cleanup was called

MAX_FILES=5000    # bound on the number of site files fetched
SERVER_PID=
SERVER_RC=
PASSED=0
FAILED=0

check_args() {
    local what=$1
    shift
    if [ $# -ne 2 ]; then
        echo "usage: $PROG $what SITE_DIR" >&2
        exit 2
    fi
    BIN=$1
    SITE=$2
    if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
        echo "$PROG: $BIN: not an executable file" >&2
        exit 2
    fi
    if [ ! -d "$SITE" ]; then
        echo "$PROG: $SITE: not a directory" >&2
        exit 2
    fi
    SITE=$(cd "$SITE" && pwd)
}

skip() {
    echo "SKIP: $*"
    exit 77
}

need() {
    command -v "$1" >/dev/null 2>&1 || skip "needs $*"
}

trap_cleanup() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

remove_work() {
    if [ "$1" = 1 ]; then
        echo "$PROG: work directory kept: $WORK"
    else
        rm -rf -- "$WORK"
    fi
}

stop_server() {
    local i sig=${1:-TERM}
    SERVER_RC=
    [ -n "$SERVER_PID" ] || return 0
    kill -s "$sig" "$SERVER_PID" 2>/dev/null
    for ((i = 0; i < STOP_WAIT; i++)); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "$PROG: $SERVER_NAME (pid $SERVER_PID) ignored SIG$sig, killing it"
        kill -s KILL "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_RC=$?
    SERVER_PID=
}

pass() {
    PASSED=$((PASSED + 1))
    echo "ok   - $*"
}

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL - $*"
}

evidence() {
    sed 's/^/       | /'
}

finish() {
    if [ "$FAILED" -gt 0 ] && [ -s "$LOG" ]; then
        echo "$LOG_HEADING"
        tail -n "$LOG_TAIL" "$LOG" | evidence
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit
}

urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~/-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c"; out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# Dotfiles and dot-directories are skipped; at most MAX_FILES files, in
# the C locale's order. URLPATH is "/" and FILE's path in SITE, %-encoded.
each_site_file() {
    local file
    NFILES=0
    while IFS= read -r -d '' file && [ "$NFILES" -lt "$MAX_FILES" ]; do
        NFILES=$((NFILES + 1))
        "$@" "/$(urlencode "${file#"$SITE"/}")" "$file"
    done < <(find "$SITE" -mindepth 1 -name '.*' -prune -o -type f -print0 |
        LC_ALL=C sort -z)
}

check_shutdown() {
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        stop_server TERM
        if [ "$SERVER_RC" -eq 0 ]; then
            pass "$SERVER_NAME exits with status 0 on SIGTERM"
        else
            fail "$SERVER_NAME exit status $SERVER_RC on SIGTERM (want 0)"
        fi
    else
        wait "$SERVER_PID"
        fail "$SERVER_NAME died during the test, exit status $?"
        SERVER_PID=
    fi
}
