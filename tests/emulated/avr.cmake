# SPDX-License-Identifier: BSD-3-Clause
# Emulated AVR (label emulated), included by tests/emulated/CMakeLists.txt
# in the host build: pagec-avrsim runs the samples/avr firmware (an
# ATmega328P at 16 MHz) in simavr, its UART0 on the pseudo-terminal of
# pagec-slip, paced to the wall clock; avr.sh builds the firmware in a
# cross build with this build's pagec and runs tests/slip/slip.sh through
# it, then times sequential fetches. Needs simavr's library and headers
# (libsimavr-dev), avr-gcc and avr-libc, root and /dev/net/tun; skipped
# with a message otherwise.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PAGEC_SIMAVR QUIET IMPORTED_TARGET simavr)
endif()
if(PAGEC_SIMAVR_FOUND)
  set(pagec_simavr PkgConfig::PAGEC_SIMAVR)
else()
  # Debian's simavr.pc requires libelf.pc, which only libelf-dev installs,
  # so pkg-config refuses it; libsimavr.so itself links libelf.
  find_path(PAGEC_SIMAVR_INCLUDE_DIR sim_avr.h PATH_SUFFIXES simavr)
  find_library(PAGEC_SIMAVR_LIBRARY simavr)
  if(PAGEC_SIMAVR_INCLUDE_DIR AND PAGEC_SIMAVR_LIBRARY)
    add_library(pagec_simavr INTERFACE)
    target_include_directories(pagec_simavr INTERFACE "${PAGEC_SIMAVR_INCLUDE_DIR}")
    target_link_libraries(pagec_simavr INTERFACE "${PAGEC_SIMAVR_LIBRARY}")
    set(pagec_simavr pagec_simavr)
  endif()
endif()

if(pagec_simavr AND TARGET pagec-slip)
  add_executable(pagec-avrsim "${CMAKE_CURRENT_LIST_DIR}/avrsim.c")
  set_target_properties(pagec-avrsim PROPERTIES C_STANDARD 99)
  target_link_libraries(pagec-avrsim PRIVATE ${pagec_simavr} pagec_warnings)

  add_test(NAME emulated_avr COMMAND "${CMAKE_CURRENT_LIST_DIR}/avr.sh"
    "${CMAKE_COMMAND}" $<TARGET_FILE:pagec> $<TARGET_FILE:pagec-slip>
    $<TARGET_FILE:pagec-avrsim> "${PROJECT_SOURCE_DIR}"
    "${CMAKE_CURRENT_BINARY_DIR}/avr-firmware")
  # the same firmware for an ATmega2560, serving a 16 KiB page in
  # segments (PAGEC_LARGE) from the site of large files
  if(PAGEC_LARGE_SITE)
    add_test(NAME emulated_avr_large
      COMMAND "${CMAKE_CURRENT_LIST_DIR}/avr-large.sh"
      "${CMAKE_COMMAND}" $<TARGET_FILE:pagec> $<TARGET_FILE:pagec-slip>
      $<TARGET_FILE:pagec-avrsim> "${PROJECT_SOURCE_DIR}"
      "${CMAKE_CURRENT_BINARY_DIR}/avr-firmware-2560" "${PAGEC_LARGE_SITE}")
    set_tests_properties(emulated_avr_large PROPERTIES LABELS emulated
      SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 300)
  endif()
  # pagec-avr-ppp on an ATmega2560: PPP after a modem's dialogue, dialed
  # by chat(8) and tests/tools/pppeer.py
  add_test(NAME emulated_avr_ppp COMMAND "${CMAKE_CURRENT_LIST_DIR}/avr-ppp.sh"
    "${CMAKE_COMMAND}" $<TARGET_FILE:pagec> $<TARGET_FILE:pagec-avrsim>
    "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_BINARY_DIR}/avr-firmware-ppp")
  set_tests_properties(emulated_avr_ppp PROPERTIES LABELS emulated
    SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 400)
  # the Arduino library's .zip installed, its example built by
  # arduino-builder for an Uno and a Mega, provisioned, and served from
  # the Uno's image through pagec-slip (TUN and --slirp)
  if(PAGEC_ARDUINO_ZIP)
    add_test(NAME emulated_arduino
      COMMAND "${CMAKE_CURRENT_LIST_DIR}/arduino.sh" $<TARGET_FILE:pagec>
      $<TARGET_FILE:pagec-secret> $<TARGET_FILE:pagec-slip>
      $<TARGET_FILE:pagec-avrsim> "${PAGEC_ARDUINO_ZIP}" "${PROJECT_SOURCE_DIR}"
      "${CMAKE_CURRENT_BINARY_DIR}/avr-firmware/samples/avr/pagec-avr.elf")
    set_tests_properties(emulated_arduino PROPERTIES LABELS emulated
      SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 400)
  endif()
  # HalfSipHash's reference vectors computed on the AVR, and the cycles
  # of one ISN there
  add_test(NAME emulated_avr_isn COMMAND "${CMAKE_CURRENT_LIST_DIR}/avr-isn.sh"
    $<TARGET_FILE:pagec-avrsim> "${PROJECT_SOURCE_DIR}")
else()
  foreach(t emulated_avr emulated_avr_isn emulated_avr_large emulated_avr_ppp
      emulated_arduino)
    pagec_skipped_test(${t} "simavr (libsimavr-dev) not found when the build was configured")
  endforeach()
endif()
set_tests_properties(emulated_avr emulated_avr_isn PROPERTIES LABELS emulated
  SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 300)
