# SPDX-License-Identifier: BSD-3-Clause
# The CMake functions of pagec, for a firmware build. Available after
# find_package(pagec) of an installed pagec, and after add_subdirectory()
# (or FetchContent) of its source tree.
#
# pagec_add_site(<target> SITE <dir> [NAME <id>] [MSS <bytes>]
#                [OUTPUT <base>] [OPTIONS <pagec options>...])
#
#   Runs pagec on the site folder <dir> at build time and adds the
#   generated <base>.c (default: <id>.c, <id> default "site") to <target>,
#   with its folder on the include path, so that <target>'s sources can
#   #include "<base>.h". <target> may be a library (add_library(web
#   STATIC)): the site is then compiled once, and the folder is on the
#   include path of every target that links it too. The site is compiled again when pagec changes or
#   when a file of the site is edited, added or removed: with Ninja, pagec
#   writes a depfile that names every file and folder it read; with the
#   other generators, a step of every build lists the site's files and
#   folders (this file run as a script) and so starts pagec when the list
#   or a time changed. Nothing else is rebuilt but what depends on the
#   generated files (the header is rewritten only when its bytes change).
#
# pagec_add_runtime(<target>)
#
#   Adds a static library <target> built from the runtime's sources with
#   the compiler of this build: what a cross build links into a firmware
#   (the installed pagec::runtime is built for the host). -Os and one
#   section per function (with GCC or Clang) whatever the build type; GNU
#   C on AVR, where the site stays in flash through __flash.
#
# Which pagec runs: the pagec::pagec target (built here when pagec is a
# subdirectory, imported from the installed package after find_package),
# else the program named by the cache variable PAGEC_EXECUTABLE (found on
# PATH when not set). A cross build does not build pagec: give it an
# installed one, or the one of a host build with -DPAGEC_EXECUTABLE=.

# Run as a script, by the step of a build that lists a site (see
# pagec_add_site()): cmake -DPAGEC_SCAN_SITE=<dir> -DPAGEC_SCAN_LIST=<file>
# -P PagecSite.cmake. <file> gets the paths of <dir> and of every file and
# folder in it, one a line; it is written when they changed (a file added
# or removed) and touched when one of them is newer than it (a file
# edited), and left alone otherwise, so that pagec, which depends on it,
# runs only then.
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED PAGEC_SCAN_SITE)
  cmake_policy(VERSION 3.16)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true "${PAGEC_SCAN_SITE}/*")
  list(SORT entries)
  set(paths "${PAGEC_SCAN_SITE}")
  foreach(entry IN LISTS entries)
    string(APPEND paths "\n${entry}")
  endforeach()
  set(old "")
  if(EXISTS "${PAGEC_SCAN_LIST}")
    file(READ "${PAGEC_SCAN_LIST}" old)
  endif()
  if(NOT old STREQUAL paths)
    file(WRITE "${PAGEC_SCAN_LIST}" "${paths}")
    return()
  endif()
  foreach(entry IN ITEMS "${PAGEC_SCAN_SITE}" LISTS entries)
    if("${entry}" IS_NEWER_THAN "${PAGEC_SCAN_LIST}")
      file(TOUCH "${PAGEC_SCAN_LIST}")
      return()
    endif()
  endforeach()
  return()
endif()

# Where the runtime's sources and the public headers are: beside this file
# in the source tree; an installed package sets them before including it.
if(NOT PAGEC_RUNTIME_SOURCE_DIR)
  set(PAGEC_RUNTIME_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../runtime")
endif()
if(NOT PAGEC_INCLUDE_DIR)
  set(PAGEC_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include")
endif()
get_filename_component(PAGEC_RUNTIME_SOURCE_DIR "${PAGEC_RUNTIME_SOURCE_DIR}" ABSOLUTE)
get_filename_component(PAGEC_INCLUDE_DIR "${PAGEC_INCLUDE_DIR}" ABSOLUTE)
set_property(GLOBAL PROPERTY PAGEC_RUNTIME_SOURCE_DIR "${PAGEC_RUNTIME_SOURCE_DIR}")
set_property(GLOBAL PROPERTY PAGEC_INCLUDE_DIR "${PAGEC_INCLUDE_DIR}")
set_property(GLOBAL PROPERTY PAGEC_SITE_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(pagec_add_site target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "SITE;NAME;MSS;OUTPUT" "OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "pagec_add_site: unknown arguments: ${ARG_UNPARSED_ARGUMENTS}"
      " (the keywords are SITE, NAME, MSS, OUTPUT and OPTIONS)")
  endif()
  if(NOT ARG_SITE)
    message(FATAL_ERROR "pagec_add_site: SITE <dir> is required")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "pagec_add_site: ${target} is not a target")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME site)
  endif()
  if(NOT ARG_OUTPUT)
    set(ARG_OUTPUT ${ARG_NAME})
  endif()
  set(opts --name ${ARG_NAME})
  if(ARG_MSS)
    list(APPEND opts --mss ${ARG_MSS})
  endif()
  get_filename_component(site "${ARG_SITE}" ABSOLUTE)
  if(NOT EXISTS "${site}")
    message(FATAL_ERROR "pagec_add_site: ${site}: no such folder")
  elseif(NOT IS_DIRECTORY "${site}")
    message(FATAL_ERROR "pagec_add_site: ${site}: not a folder")
  endif()
  if(TARGET pagec::pagec)
    set(pagec pagec::pagec)
  else()
    find_program(PAGEC_EXECUTABLE pagec)
    if(NOT PAGEC_EXECUTABLE)
      message(FATAL_ERROR "pagec_add_site: no pagec: install pagec or build "
        "it for the host first and pass -DPAGEC_EXECUTABLE=/path/to/pagec")
    endif()
    set(pagec "${PAGEC_EXECUTABLE}")
  endif()
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_site")
  set(out "${dir}/${ARG_OUTPUT}")
  file(MAKE_DIRECTORY "${dir}")
  set(workdir "${CMAKE_CURRENT_BINARY_DIR}")
  set(out_c "${out}.c")
  if(CMAKE_GENERATOR MATCHES "Ninja")
    # pagec's depfile names every file and folder it read (absolute
    # paths); a folder's time changes when a file is added to it or
    # removed from it. Ninja reads it as pagec writes it (CMP0116 OLD):
    # CMake's rewrite of a depfile for Ninja (NEW) drops the escapes of
    # '#' and '$', which splits such a file's path in two, and a path
    # that does not exist makes every build compile the site again.
    # Ninja takes the depfile only when its target is the output as
    # build.ninja names it, relative to the top of the build tree: pagec
    # runs there and is given that path.
    set(workdir "${CMAKE_BINARY_DIR}")
    file(RELATIVE_PATH out_c "${CMAKE_BINARY_DIR}" "${out}.c")
    set(deps --depfile "${out}.d")
    set(depends DEPFILE "${out}.d")
    set(policy OLD)
  else()
    # The Makefile generators of CMake (3.25 at least) merge a custom
    # command's depfile into what they knew before and so keep a removed
    # file as a dependency for good, which would compile the site at
    # every build from then on; and a list of the site's files made when
    # CMake runs misses those added later, unless CMake runs again for
    # them (CONFIGURE_DEPENDS, which prints "GLOB mismatch!" each time).
    # Instead a step of every build lists the site (this file as a
    # script: <base>.files changes only when the site did), and pagec
    # depends on that list. The step depends on <base>.scan, a file
    # never made (SYMBOLIC), so that it runs every time.
    set(scan "${out}.scan")
    set(list "${out}.files")
    get_property(script GLOBAL PROPERTY PAGEC_SITE_SCRIPT)
    add_custom_command(OUTPUT "${scan}" COMMAND "${CMAKE_COMMAND}" -E true
      COMMENT "" VERBATIM)
    set_source_files_properties("${scan}" PROPERTIES SYMBOLIC TRUE)
    add_custom_command(OUTPUT "${list}"
      COMMAND "${CMAKE_COMMAND}" "-DPAGEC_SCAN_SITE=${site}" "-DPAGEC_SCAN_LIST=${list}"
        -P "${script}"
      DEPENDS "${scan}"
      COMMENT "" VERBATIM)
    set(deps)
    set(depends DEPENDS "${list}")
    set(policy NEW)
  endif()
  cmake_policy(PUSH)
  if(POLICY CMP0116)
    cmake_policy(SET CMP0116 ${policy})
  endif()
  # The header is a byproduct: pagec leaves it untouched when its bytes
  # stay the same, so that the sources that include it are not compiled
  # again when only the pages change.
  add_custom_command(
    OUTPUT "${out}.c"
    BYPRODUCTS "${out}.h"
    COMMAND ${pagec} ${opts} ${ARG_OPTIONS} ${deps} "${site}" -o "${out_c}"
    DEPENDS ${pagec}
    ${depends}
    WORKING_DIRECTORY "${workdir}"
    COMMENT "Compiling site ${ARG_SITE}"
    VERBATIM)
  cmake_policy(POP)
  target_sources(${target} PRIVATE "${out}.c" "${out}.h")
  get_target_property(type ${target} TYPE)
  if(type MATCHES "^(STATIC|SHARED|OBJECT)_LIBRARY$")
    target_include_directories(${target} PUBLIC "$<BUILD_INTERFACE:${dir}>")
  else()
    target_include_directories(${target} PRIVATE "${dir}")
  endif()
endfunction()

function(pagec_add_runtime target)
  if(ARGN)
    message(FATAL_ERROR "pagec_add_runtime: unknown arguments: ${ARGN}")
  endif()
  get_property(src GLOBAL PROPERTY PAGEC_RUNTIME_SOURCE_DIR)
  get_property(inc GLOBAL PROPERTY PAGEC_INCLUDE_DIR)
  add_library(${target} STATIC
    "${src}/check.c" "${src}/chksum.c" "${src}/eth.c" "${src}/halfsiphash.c"
    "${src}/http.c" "${src}/large.c" "${src}/linklocal.c" "${src}/live.c"
    "${src}/match.c" "${src}/mdns.c" "${src}/ppp.c" "${src}/server.c"
    "${src}/slip.c" "${src}/stream.c" "${src}/tcp.c")
  target_include_directories(${target} PUBLIC "${inc}")
  set_target_properties(${target} PROPERTIES C_STANDARD 99
    C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  if(CMAKE_SYSTEM_PROCESSOR STREQUAL "avr")
    set_target_properties(${target} PROPERTIES C_EXTENSIONS ON)
  endif()
  # small whatever the build type: the runtime's size is the firmware's
  target_compile_options(${target} PRIVATE
    $<$<C_COMPILER_ID:GNU,Clang>:-ffreestanding -Os -ffunction-sections -fdata-sections>)
endfunction()
