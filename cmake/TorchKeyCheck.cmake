# TorchKeyCheck.cmake: run torch-keycheck on a CMake target's sources.
#
#   torch_keycheck_add_check(<target>
#     [ALL]                       run with the default build, not only on demand
#     [CHECKS <globs>]            --checks (default: every check)
#     [WARNINGS_AS_ERRORS <globs>]
#     [PROJECT <file>]            the project file (default: the nearest
#                                 .torch-keycheck.json above the sources)
#     [JOBS <n>]                  translation units at a time (default 2)
#     [FORMAT text|sarif|json] [OUTPUT <file>])
#
# adds `<target>-keycheck`, which runs `torch-keycheck check` on the
# target's C++ sources with the flags of this build's compile_commands.json
# (so CMAKE_EXPORT_COMPILE_COMMANDS must be ON), and, when a project file
# names models, `<target>-golden-update`, which rewrites their goldens.
# The check fails the build on errors, drift from a golden included. It
# parses the sources, not the build's objects: the target is not built
# first (build it, or the targets generating headers, if sources need them).
#
# Found through find_package(TorchKeyCheck) after `cmake --install`, or
# included from a source tree with TORCH_KEYCHECK_EXECUTABLE set.

include_guard(GLOBAL)
set(_TORCH_KEYCHECK_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}" CACHE INTERNAL
    "Where TorchKeyCheck.cmake and its helper script are")

function(torch_keycheck_add_check target)
  cmake_parse_arguments(PARSE_ARGV 1 TKC "ALL"
    "CHECKS;WARNINGS_AS_ERRORS;PROJECT;JOBS;FORMAT;OUTPUT" "")
  if(TKC_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "torch_keycheck_add_check: unknown arguments ${TKC_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "torch_keycheck_add_check: no target '${target}'")
  endif()
  if(NOT TORCH_KEYCHECK_EXECUTABLE)
    message(FATAL_ERROR
      "torch_keycheck_add_check: TORCH_KEYCHECK_EXECUTABLE is not set; "
      "use find_package(TorchKeyCheck)")
  endif()
  if(NOT CMAKE_EXPORT_COMPILE_COMMANDS)
    message(FATAL_ERROR
      "torch_keycheck_add_check: set CMAKE_EXPORT_COMPILE_COMMANDS ON; "
      "torch-keycheck parses '${target}' with the flags this build uses")
  endif()

  # The target's C++ translation units, absolute: headers are analysed
  # through the units that include them.
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  set(units "")
  foreach(source IN LISTS sources)
    if(source MATCHES "\\$<")
      continue() # generator expressions: not known at configure time
    endif()
    if(source MATCHES "\\.(cpp|cc|cxx|c\\+\\+|C)$")
      cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY "${source_dir}"
                 NORMALIZE OUTPUT_VARIABLE absolute)
      list(APPEND units "${absolute}")
    endif()
  endforeach()
  if(NOT units)
    message(FATAL_ERROR
      "torch_keycheck_add_check: '${target}' has no C++ source files")
  endif()

  set(options -p "${CMAKE_BINARY_DIR}")
  if(TKC_JOBS)
    list(APPEND options -j ${TKC_JOBS})
  else()
    list(APPEND options -j 2)
  endif()
  if(TKC_PROJECT)
    cmake_path(ABSOLUTE_PATH TKC_PROJECT BASE_DIRECTORY
               "${CMAKE_CURRENT_SOURCE_DIR}" OUTPUT_VARIABLE project_file)
    list(APPEND options "--project=${project_file}")
  endif()
  set(check_options ${options})
  if(TKC_CHECKS)
    list(APPEND check_options "--checks=${TKC_CHECKS}")
  endif()
  if(TKC_WARNINGS_AS_ERRORS)
    list(APPEND check_options "--warnings-as-errors=${TKC_WARNINGS_AS_ERRORS}")
  endif()
  if(TKC_FORMAT)
    list(APPEND check_options "--format=${TKC_FORMAT}")
  endif()

  set(all "")
  if(TKC_ALL)
    set(all ALL)
  endif()
  if(TKC_OUTPUT)
    # A report file (SARIF for code scanning): written even when the check
    # finds errors, which still fail the target.
    add_custom_target(${target}-keycheck ${all}
      COMMAND ${CMAKE_COMMAND}
              "-DCOMMAND=${TORCH_KEYCHECK_EXECUTABLE}"
              "-DARGS=check;${check_options};${units}"
              "-DOUTPUT=${TKC_OUTPUT}"
              -P "${_TORCH_KEYCHECK_MODULE_DIR}/TorchKeyCheckRun.cmake"
      WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
      COMMENT "torch-keycheck: checking ${target} into ${TKC_OUTPUT}"
      VERBATIM)
  else()
    add_custom_target(${target}-keycheck ${all}
      COMMAND "${TORCH_KEYCHECK_EXECUTABLE}" check ${check_options} ${units}
      WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
      COMMENT "torch-keycheck: checking ${target}"
      VERBATIM)
  endif()
  add_custom_target(${target}-golden-update
    COMMAND "${TORCH_KEYCHECK_EXECUTABLE}" golden --update ${options} ${units}
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    COMMENT "torch-keycheck: writing the golden manifests of ${target}'s models"
    VERBATIM)
endfunction()
