# pagec_add_site(<target> SITE <dir> [NAME <id>] [MSS <bytes>] [OUTPUT <base>])
#
# Runs pagec on the site directory at build time and adds the generated
# <base>.c (default: <id>.c) to <target>, with its directory on the include
# path. The site is regenerated when pagec or any file of the site changes.
#
# pagec is the pagec::pagec target of this build, or, in a cross build
# (which does not build pagec), the host program named by the cache
# variable PAGEC_EXECUTABLE (found on PATH when not set).
function(pagec_add_site target)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "SITE;NAME;MSS;OUTPUT" "OPTIONS")
  if(NOT ARG_SITE)
    message(FATAL_ERROR "pagec_add_site: SITE <dir> is required")
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
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_site")
  file(GLOB_RECURSE inputs CONFIGURE_DEPENDS "${site}/*")
  if(TARGET pagec::pagec)
    set(pagec pagec::pagec)
  else()
    find_program(PAGEC_EXECUTABLE pagec)
    if(NOT PAGEC_EXECUTABLE)
      message(FATAL_ERROR "pagec_add_site: no pagec: build it for the host "
        "first and pass -DPAGEC_EXECUTABLE=/path/to/pagec")
    endif()
    set(pagec "${PAGEC_EXECUTABLE}")
  endif()
  add_custom_command(
    OUTPUT "${dir}/${ARG_OUTPUT}.c" "${dir}/${ARG_OUTPUT}.h"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND ${pagec} ${opts} ${ARG_OPTIONS} "${site}" -o "${dir}/${ARG_OUTPUT}.c"
    DEPENDS ${pagec} ${inputs}
    COMMENT "Compiling site ${ARG_SITE}"
    VERBATIM)
  target_sources(${target} PRIVATE "${dir}/${ARG_OUTPUT}.c")
  target_include_directories(${target} PRIVATE "${dir}")
endfunction()
