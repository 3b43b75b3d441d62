# SPDX-License-Identifier: BSD-3-Clause
# What cmake --install puts where (GNU layout under CMAKE_INSTALL_PREFIX):
#   bin/pagec                                the compiler
#   bin/pagec-secret                         draws a device's ISN secret
#   lib/libpagec_runtime.a                   the runtime, built for the host
#   include/pagec/*.h                        the public headers
#   share/pagec/runtime/*.c, *.h             the runtime's sources, for
#                                            pagec_add_runtime() in a cross build
#   share/pagec/toolchains/*.cmake           the toolchain files
#   share/man/man1/pagec.1, pagec-secret.1,
#   man3/pagec.3                             the manual pages
#   lib/cmake/pagec/                         pagecConfig.cmake, its version
#                                            file, the exported targets
#                                            pagec::pagec, pagec::runtime,
#                                            pagec::headers, PagecSite.cmake
#   lib/pkgconfig/pagec-runtime.pc           for pkg-config users
include(CMakePackageConfigHelpers)

set(PAGEC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pagec" CACHE STRING
  "where pagecConfig.cmake is installed, under the prefix")
set(PAGEC_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/pagec")

install(TARGETS pagec_runtime pagec_headers EXPORT pagecTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/pagec"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/"
  DESTINATION "${PAGEC_INSTALL_DATADIR}/runtime"
  FILES_MATCHING PATTERN "*.c" PATTERN "*.h")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/cmake/toolchains/"
  DESTINATION "${PAGEC_INSTALL_DATADIR}/toolchains")
install(EXPORT pagecTargets NAMESPACE pagec::
  DESTINATION "${PAGEC_INSTALL_CMAKEDIR}")

set(PAGEC_RUNTIME_INSTALL_DIR "${PAGEC_INSTALL_DATADIR}/runtime")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/pagecConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/pagecConfig.cmake"
  INSTALL_DESTINATION "${PAGEC_INSTALL_CMAKEDIR}"
  PATH_VARS PAGEC_RUNTIME_INSTALL_DIR CMAKE_INSTALL_INCLUDEDIR)
# 0.x: a new minor version may change the site format. Independent of the
# architecture: a cross build for a 32- or 8-bit target uses the host's
# pagec (and pagec_add_runtime()), whatever the host's pointer size.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/pagecConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/pagecConfig.cmake"
  "${PROJECT_BINARY_DIR}/pagecConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/PagecSite.cmake"
  DESTINATION "${PAGEC_INSTALL_CMAKEDIR}")

# the prefix relative to the .pc file, so that an install with --prefix
# (or a copy of the tree) still finds its headers and library
file(RELATIVE_PATH PAGEC_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file("${PROJECT_SOURCE_DIR}/cmake/pagec-runtime.pc.in"
  "${PROJECT_BINARY_DIR}/pagec-runtime.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/pagec-runtime.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
