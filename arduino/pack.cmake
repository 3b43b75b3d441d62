# SPDX-License-Identifier: BSD-3-Clause
# Makes the Arduino library (arduino/CMakeLists.txt): run with cmake -P and
#   -DSRC=<source tree> -DOUT=<folder to make the library in, its name the
#   library's> -DZIP=<the .zip to pack it in> -DPAGEC=<pagec executable>
#   -DPROJECT_VERSION=<version>
# The library in the Arduino 1.5 format: library.properties, src/ (the
# runtime's sources, its headers in src/pagec, the Arduino driver and its
# options), examples/SerialWeb (the sketch, its site's files in data and
# the site compiled from them by PAGEC into site.c and site.h).
foreach(v SRC OUT ZIP PAGEC PROJECT_VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "pack.cmake: -D${v}=... is missing")
  endif()
endforeach()

file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/src/pagec" "${OUT}/examples/SerialWeb/data")
configure_file("${SRC}/arduino/library.properties.in"
  "${OUT}/library.properties" @ONLY)
file(COPY "${SRC}/LICENSE" DESTINATION "${OUT}")
file(GLOB runtime "${SRC}/runtime/*.c" "${SRC}/runtime/*.h")
file(COPY ${runtime} DESTINATION "${OUT}/src")
file(GLOB headers "${SRC}/include/pagec/*.h")
file(COPY ${headers} DESTINATION "${OUT}/src/pagec")
file(COPY "${SRC}/arduino/src/" DESTINATION "${OUT}/src")
file(COPY "${SRC}/arduino/examples/" DESTINATION "${OUT}/examples")
# the sample site, without its picture (18 KB: an Uno's flash would not
# hold it beside the rest)
file(GLOB site "${SRC}/samples/site/*")
list(FILTER site EXCLUDE REGEX "/board\\.png$")
file(COPY ${site} DESTINATION "${OUT}/examples/SerialWeb/data")
execute_process(COMMAND "${PAGEC}" --mss 966 --max-segments 1 data -o site.c
  WORKING_DIRECTORY "${OUT}/examples/SerialWeb"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pack.cmake: pagec failed on the example's site")
endif()
get_filename_component(parent "${OUT}" DIRECTORY)
get_filename_component(name "${OUT}" NAME)
file(REMOVE "${ZIP}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E tar cf "${ZIP}" --format=zip
  "${name}" WORKING_DIRECTORY "${parent}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pack.cmake: could not write ${ZIP}")
endif()
