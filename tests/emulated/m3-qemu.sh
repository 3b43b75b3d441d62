#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/m3-qemu.sh - the device of the emulated_m3 test: the
# pagec-m3 firmware on QEMU's Stellaris LM3S6965 board, its UART0 (the
# SLIP line) on a terminal.
#
# Usage: m3-qemu.sh TTY
#        M3_TAP=1 m3-qemu.sh TAPNAME
#
# TTY is the slave side of the pseudo-terminal pagec-slip --pty made (or
# a serial port). With M3_TAP=1 (the firmware pagec-m3-eth) the board's
# Ethernet controller is instead connected to a TAP device of the name
# TAPNAME, which QEMU makes (it goes when QEMU exits), and the controller's
# MAC address is M3_MAC (default 02:00:00:00:00:02); UART0 is left
# unconnected. UART1, the firmware's console, goes to standard output,
# where the firmware prints "pagec-m3: serving N pages ..." once it
# serves: the line tests/slip/slip.sh waits for.
#
# QEMU replaces this script (exec), so whoever started it holds QEMU's
# PID: SIGTERM stops QEMU, which then exits with status 0. -no-reboot
# makes a fault of the firmware (whose handler resets the board) end QEMU
# instead, so that the test sees it.
#
# Environment:
#   M3_FIRMWARE  the firmware, pagec-m3.elf (required)
#   QEMU         the emulator (default: qemu-system-arm)
#   M3_MONITOR   a path for a Unix socket of QEMU's monitor (optional),
#                through which m3-keys.py presses the board's buttons

if [ $# -ne 1 ]; then
    echo "usage: ${0##*/} TTY" >&2
    exit 2
fi
if [ ! -f "${M3_FIRMWARE:-}" ]; then
    echo "${0##*/}: M3_FIRMWARE names no file ('${M3_FIRMWARE:-}')" >&2
    exit 2
fi

# -nodefaults: no monitor (but M3_MONITOR's), no default serial port on
# standard I/O; the two UARTs are the two -serial options, in order. QEMU
# warns on stderr that the board's Ethernet controller has no peer (over
# SLIP) and that a timer of the board has period zero: both are true of
# any image, and harmless.
if [ -n "${M3_MONITOR:-}" ]; then
    set -- "$1" -monitor "unix:$M3_MONITOR,server=on,wait=off"
fi
line=$1
shift
if [ "${M3_TAP:-0}" = 1 ]; then
    # the tap backend opens /dev/net/tun in the caller's namespace
    set -- "$@" -nic "tap,ifname=$line,script=no,downscript=no,mac=${M3_MAC:-02:00:00:00:00:02}" \
        -serial null
else
    set -- "$@" -chardev serial,id=slip,path="$line" -serial chardev:slip
fi
exec "${QEMU:-qemu-system-arm}" -M lm3s6965evb -nodefaults -display none "$@" \
    -no-reboot -kernel "$M3_FIRMWARE" \
    -chardev stdio,id=console,signal=on -serial chardev:console
