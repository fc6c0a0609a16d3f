# Helpers that keep each layer's CMakeLists.txt to a few lines.
include(GNUInstallDirs)

# How many times slower than a quiet machine this tree's tests may run (test/support/time_scale.h):
# every test gets it as RAGCACHE_TEST_TIME_SCALE in its environment, which stretches the budgets
# the tests wait with, and its CTest TIMEOUT is multiplied by it. Empty: 5 under TSan, 3 under
# ASan, 1 otherwise. scripts/test.sh sets it per tree (and raises it for a stress run); changing
# it only rewrites CTest's files, nothing is rebuilt.
set(RAGCACHE_TEST_TIME_SCALE "" CACHE STRING "Tests time scale (whole number >= 1; empty: by sanitizer)")
if(RAGCACHE_TEST_TIME_SCALE STREQUAL "")
  if(RAGCACHE_TSAN)
    set(RAGCACHE_TEST_TIME_SCALE_VALUE 5)
  elseif(RAGCACHE_ASAN)
    set(RAGCACHE_TEST_TIME_SCALE_VALUE 3)
  else()
    set(RAGCACHE_TEST_TIME_SCALE_VALUE 1)
  endif()
elseif(RAGCACHE_TEST_TIME_SCALE MATCHES "^[1-9][0-9]*$")
  set(RAGCACHE_TEST_TIME_SCALE_VALUE ${RAGCACHE_TEST_TIME_SCALE})
else()
  message(FATAL_ERROR
          "RAGCACHE_TEST_TIME_SCALE must be a whole number >= 1, not '${RAGCACHE_TEST_TIME_SCALE}'")
endif()

# ragcache_test_properties(OUT_VAR TIER BASE_TIMEOUT_SECONDS): the CTest properties every test of
# the project carries (label, hang guard scaled by the time scale, the time scale itself), as a
# list for set_tests_properties(... PROPERTIES ${OUT_VAR}) or gtest_discover_tests(PROPERTIES).
function(ragcache_test_properties out tier base_timeout)
  math(EXPR _timeout "${base_timeout} * ${RAGCACHE_TEST_TIME_SCALE_VALUE}")
  set(${out} LABELS ${tier} TIMEOUT ${_timeout}
      ENVIRONMENT RAGCACHE_TEST_TIME_SCALE=${RAGCACHE_TEST_TIME_SCALE_VALUE} PARENT_SCOPE)
endfunction()

# ragcache_layer(NAME DEPS...): a static library ragcache_NAME (alias ragcache::NAME) from every
# *.cc in the current folder that is not a test (*_test.cc, *_itest.cc, *_ctest.cc, *_etest.cc) and not main.cc.
# `cmake --install` installs it (lib/libragcache_NAME.a) and its headers (include/ragcache/<path in
# src>/*.h), and the CMake package exports it as ragcache::NAME: a new layer needs no install rule.
function(ragcache_layer name)
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER _srcs EXCLUDE REGEX "_(test|itest|ctest|etest)\\.cc$|/main\\.cc$")
  if(_srcs)
    add_library(ragcache_${name} STATIC ${_srcs})
    set(_vis PUBLIC)
  else()
    # A layer that has no sources yet is a header-only interface library.
    add_library(ragcache_${name} INTERFACE)
    set(_vis INTERFACE)
  endif()
  add_library(ragcache::${name} ALIAS ragcache_${name})
  target_include_directories(ragcache_${name} ${_vis}
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/generated>)
  target_link_libraries(ragcache_${name} ${_vis} ${ARGN})
  ragcache_install_library(${name})
  ragcache_install_headers()
endfunction()

# ragcache_install_headers(): the current folder's public headers, installed under the same path
# as in src/ (an installed consumer includes "redis/client.h" as the tree does). Test helpers
# stay behind: shared test suites (*_suite.h, src/README.md) and headers that include GoogleTest
# or the test harness (test/support/, src/<layer>/testing/). test/package/consumer_test.sh checks that every include
# of an installed header is installed.
function(ragcache_install_headers)
  file(GLOB _all_hdrs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.h)
  list(FILTER _all_hdrs EXCLUDE REGEX "_suite\\.h$")
  set(_hdrs)
  foreach(_h ${_all_hdrs})
    file(STRINGS ${_h} _test_includes REGEX "#include [<\"](gtest/|gmock/|support/|[a-z_]+/testing/)")
    if(NOT _test_includes)
      list(APPEND _hdrs ${_h})
    endif()
  endforeach()
  if(_hdrs)
    file(RELATIVE_PATH _rel ${PROJECT_SOURCE_DIR}/src ${CMAKE_CURRENT_SOURCE_DIR})
    install(FILES ${_hdrs} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ragcache/${_rel} COMPONENT dev)
  endif()
endfunction()

# ragcache_install_library(NAME): installs ragcache_NAME (made by ragcache_layer or by hand, like the
# domain umbrella) as ragcache::NAME of the CMake package (cmake/package.cmake). Definitions that
# change what the headers declare go with it to consumers only (the tree sets them for every
# target, see CMakeLists.txt), so command lines inside the tree stay what they were.
function(ragcache_install_library name)
  set_property(GLOBAL APPEND PROPERTY RAGCACHE_INSTALLED_LIBRARIES ragcache_${name})
  set_target_properties(ragcache_${name} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(ragcache_${name} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/ragcache>)
  target_compile_definitions(ragcache_${name} INTERFACE "$<INSTALL_INTERFACE:${RAGCACHE_USAGE_DEFINITIONS}>")
  target_compile_features(ragcache_${name} INTERFACE $<INSTALL_INTERFACE:cxx_std_20>)
  install(TARGETS ragcache_${name} EXPORT ragcacheTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
endfunction()

# ragcache_tests(LAYER DEPS...): one test executable per layer and tier, tests registered with
# CTest one by one (so ctest -j runs them in parallel) under a label:
#   *_test.cc  -> label unit         (no server needed)
#   *_itest.cc -> label integration  (real redis-server started by the harness)
#   *_ctest.cc -> label cluster      (real local Redis Cluster / Sentinel started by the harness)
#   *_etest.cc -> label e2e          (the built ragcache binary as separate processes, real clients)
function(ragcache_tests layer)
  if(NOT RAGCACHE_BUILD_TESTS)
    return()
  endif()
  foreach(tier unit integration cluster e2e)
    if(tier STREQUAL unit)
      set(_suffix _test.cc)
    elseif(tier STREQUAL integration)
      set(_suffix _itest.cc)
    elseif(tier STREQUAL e2e)
      set(_suffix _etest.cc)
    else()
      set(_suffix _ctest.cc)
    endif()
    file(GLOB _tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*${_suffix})
    if(NOT _tests)
      continue()
    endif()
    set(_exe ${layer}_${tier}_tests)
    add_executable(${_exe} ${_tests})
    target_link_libraries(${_exe} PRIVATE ragcache::${layer} ragcache::testing ${ARGN} GTest::gtest_main GTest::gmock)
    target_compile_definitions(${_exe} PRIVATE RAGCACHE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    # Every test has a hard deadline: a hung test fails, it never stalls CI.
    if(tier STREQUAL e2e)
      # e2e tests run the ragcache executable itself.
      add_dependencies(${_exe} ragcache)
    endif()
    if(tier STREQUAL unit)
      ragcache_test_properties(_properties ${tier} 120)
    else()
      ragcache_test_properties(_properties ${tier} 300)
    endif()
    gtest_discover_tests(${_exe}
      DISCOVERY_MODE PRE_TEST
      PROPERTIES ${_properties}
      TEST_PREFIX "${layer}.")
  endforeach()
endfunction()

# ragcache_embed_text(TARGET OUT_NAME FILES...): embeds text files (Lua scripts, dashboard assets)
# into a generated .cc as std::string_view constants, so the binary needs no files at run time.
# For file src/redis/scripts/foo_bar.lua the symbol is ragcache::embedded::<OUT_NAME>_foo_bar; every
# file is also listed by name (foo_bar.lua) in ragcache::embedded::<OUT_NAME>_files. Two files with
# the same name without extension (app.js, app.css) are refused: their symbols would clash.
function(ragcache_embed_text target out_name)
  set(_out_cc ${PROJECT_BINARY_DIR}/generated/ragcache/embedded_${out_name}.cc)
  set(_out_h ${PROJECT_BINARY_DIR}/generated/ragcache/embedded_${out_name}.h)
  # The file list is one argument with '|' between paths (a ';' would split it), quoted for the
  # shell by VERBATIM.
  string(REPLACE ";" "|" _files "${ARGN}")
  add_custom_command(
    OUTPUT ${_out_cc} ${_out_h}
    COMMAND ${CMAKE_COMMAND} -DOUT_CC=${_out_cc} -DOUT_H=${_out_h} -DNAME=${out_name}
            "-DFILES=${_files}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    DEPENDS ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/embed_text.cmake
    COMMENT "Embedding ${out_name} files"
    VERBATIM)
  target_sources(${target} PRIVATE ${_out_cc} ${_out_h})
endfunction()

# ragcache_pch(LAYER HEADERS...): precompiled headers for a layer that has sources.
function(ragcache_pch layer)
  get_target_property(_type ragcache_${layer} TYPE)
  if(NOT _type STREQUAL "INTERFACE_LIBRARY")
    target_precompile_headers(ragcache_${layer} PRIVATE ${ARGN})
  endif()
endfunction()
