# SPDX-License-Identifier: BSD-3-Clause
# Cross build for ARM Cortex-M with Debian's gcc-arm-none-eabi.
# PAGEC_CPU picks the core (default cortex-m3; cortex-m0plus for M0+).
#   cmake -S . -B build-m3 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-none-eabi.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(NOT PAGEC_CPU)
  set(PAGEC_CPU cortex-m3)
endif()
set(CMAKE_C_FLAGS_INIT "-mcpu=${PAGEC_CPU} -mthumb")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
