# SPDX-License-Identifier: BSD-3-Clause
# emulated_m3 (label emulated): the Cortex-M3 firmware of
# samples/cortex-m3, cross-built with this build's pagec into
# m3-firmware/ here, runs in QEMU's lm3s6965evb and serves the sample site
# over SLIP to curl and ping through pagec-slip, in a network namespace
# of the test's own (tests/slip/slip.sh); emulated_m3_eth the Ethernet
# firmware through a TAP device. Needs qemu-system-arm,
# arm-none-eabi-gcc, root and /dev/net/tun; skipped with a message
# otherwise. Included from tests/emulated/CMakeLists.txt.
if(TARGET pagec AND TARGET pagec-slip)
  # emulated_m3 over SLIP; then the other firmwares of the sample site
  # (M3_LINK of m3.sh): emulated_m3_eth, pagec-m3-eth on the board's
  # Ethernet controller through a TAP device; emulated_m3_linklocal,
  # pagec-m3-ll with its own link-local address, found by name
  # (m3-linklocal.sh); emulated_m3_ppp, pagec-m3-ppp with PPP on UART0
  # after a modem's dialogue, its PC side tests/tools/pppeer.py
  foreach(link slip eth linklocal ppp)
    set(name emulated_m3_${link})
    if(link STREQUAL "slip")
      set(name emulated_m3)
    endif()
    add_test(NAME ${name} COMMAND ${CMAKE_CURRENT_LIST_DIR}/m3.sh
      $<TARGET_FILE:pagec> $<TARGET_FILE:pagec-slip> ${PROJECT_SOURCE_DIR}
      ${CMAKE_CURRENT_BINARY_DIR}/m3-firmware ${PAGEC_SAMPLE_SITE})
    set_tests_properties(${name} PROPERTIES LABELS emulated
      SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 400
      ENVIRONMENT "CMAKE=${CMAKE_COMMAND};M3_LINK=${link}")
  endforeach()
  # the same firmware serving the site of large files (a 64 KiB big.bin,
  # tests/e2e/large_site.c): pages of many segments over SLIP
  if(PAGEC_LARGE_SITE)
    add_test(NAME emulated_m3_large COMMAND ${CMAKE_CURRENT_LIST_DIR}/m3.sh
      $<TARGET_FILE:pagec> $<TARGET_FILE:pagec-slip> ${PROJECT_SOURCE_DIR}
      ${CMAKE_CURRENT_BINARY_DIR}/m3-firmware-large ${PAGEC_LARGE_SITE})
    set_tests_properties(emulated_m3_large PROPERTIES LABELS emulated
      SKIP_RETURN_CODE 77 RUN_SERIAL TRUE TIMEOUT 300
      ENVIRONMENT "CMAKE=${CMAKE_COMMAND}")
  endif()
endif()
