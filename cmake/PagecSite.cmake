# pagec_add_site(<target> SITE <dir> [NAME <id>] [MSS <bytes>] [OUTPUT <base>])
#
# Runs pagec on the site directory at build time and adds the generated
# <base>.c (default: <id>.c) to <target>, with its directory on the include
# path. The site is regenerated when pagec or any file of the site changes.
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
  add_custom_command(
    OUTPUT "${dir}/${ARG_OUTPUT}.c" "${dir}/${ARG_OUTPUT}.h"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND pagec::pagec ${opts} ${ARG_OPTIONS} "${site}" -o "${dir}/${ARG_OUTPUT}.c"
    DEPENDS pagec::pagec ${inputs}
    COMMENT "Compiling site ${ARG_SITE}"
    VERBATIM)
  target_sources(${target} PRIVATE "${dir}/${ARG_OUTPUT}.c")
  target_include_directories(${target} PRIVATE "${dir}")
endfunction()
