# SPDX-License-Identifier: BSD-3-Clause
# Cross build for 8-bit AVR with Debian's gcc-avr and avr-libc.
# PAGEC_MCU picks the part (default atmega328p; atmega2560 for the Mega).
#   cmake -S . -B build-avr -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/avr.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR avr)
set(CMAKE_C_COMPILER avr-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(NOT PAGEC_MCU)
  set(PAGEC_MCU atmega328p)
endif()
set(CMAKE_C_FLAGS_INIT "-mmcu=${PAGEC_MCU}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
