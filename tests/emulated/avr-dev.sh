#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# tests/emulated/avr-dev.sh - the device of the emulated_avr test: the
# pagec-avr firmware in pagec-avrsim, its UART0 (the SLIP line) on a
# terminal.
#
# Usage: avr-dev.sh TTY
#
# TTY is the slave side of the pseudo-terminal pagec-slip --pty made (or
# a serial port). pagec-avrsim prints "pagec-avrsim: serving TTY ..." once
# the firmware listens: the line tests/slip/slip.sh is told to wait for.
#
# pagec-avrsim replaces this script (exec), so whoever started it holds
# its PID: SIGTERM stops it, with status 0, after it printed (and with
# AVR_STATS wrote) its measurements.
#
# Environment:
#   AVR_SIM       pagec-avrsim (required)
#   AVR_FIRMWARE  the firmware, pagec-avr.elf (required)
#   AVR_STATS     a file for the measurements, key=value lines (optional)
#   AVR_ADC0_MV   the voltage on the part's ADC0 pin, millivolts (optional,
#                 default 0): the firmware's input field shows it
#   AVR_MCU       the part, for pagec-avrsim --mcu (optional, its default
#                 atmega328p)
#   AVR_EEPROM    the part's EEPROM, a file read at start and written on
#                 exit (pagec-avrsim --eeprom; optional: erased)

if [ $# -ne 1 ]; then
    echo "usage: ${0##*/} TTY" >&2
    exit 2
fi
if [ ! -x "${AVR_SIM:-}" ] || [ ! -f "${AVR_FIRMWARE:-}" ]; then
    echo "${0##*/}: AVR_SIM and AVR_FIRMWARE must name pagec-avrsim and the firmware" >&2
    exit 2
fi
tty=$1
set --
[ -n "${AVR_STATS:-}" ] && set -- "$@" --stats "$AVR_STATS"
[ -n "${AVR_ADC0_MV:-}" ] && set -- "$@" --adc0 "$AVR_ADC0_MV"
[ -n "${AVR_MCU:-}" ] && set -- "$@" --mcu "$AVR_MCU"
[ -n "${AVR_EEPROM:-}" ] && set -- "$@" --eeprom "$AVR_EEPROM"
exec "$AVR_SIM" "$@" "$AVR_FIRMWARE" "$tty"
