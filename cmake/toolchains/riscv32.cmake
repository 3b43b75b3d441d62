# SPDX-License-Identifier: BSD-3-Clause
# Cross build for 32-bit RISC-V (rv32imac, ilp32) with Debian's
# gcc-riscv64-unknown-elf.
#   cmake -S . -B build-rv32 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/riscv32.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-march=rv32imac -mabi=ilp32")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
