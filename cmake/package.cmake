# Packaging: what `cmake --install` puts where, the CMake package that consumers find with
# find_package(ragcache CONFIG), the Debian package (CPack; scripts/package.sh) and their tests.
#
# Install components:
#   dev      the static libraries, their headers (include/ragcache/<layer>/...) and
#            lib/cmake/ragcache (ragcacheConfig.cmake, version file, targets)
#   server   bin/ragcache and the tiktoken rank files it counts tokens with (share/ragcache/tiktoken)
#   service  the systemd unit and /etc/ragcache/ragcache.toml: only in the Debian package
#            (EXCLUDE_FROM_ALL, so `cmake --install --prefix DIR` never writes to /etc)
# Every library made by ragcache_layer (cmake/ragcache.cmake) is installed and exported by itself.
include(CMakePackageConfigHelpers)

# --- the CMake package --------------------------------------------------------------------------
get_property(_ragcache_libraries GLOBAL PROPERTY RAGCACHE_INSTALLED_LIBRARIES)
add_library(ragcache_umbrella INTERFACE)
add_library(ragcache::ragcache ALIAS ragcache_umbrella)
target_link_libraries(ragcache_umbrella INTERFACE ${_ragcache_libraries})
set_target_properties(ragcache_umbrella PROPERTIES EXPORT_NAME ragcache)
install(TARGETS ragcache_umbrella EXPORT ragcacheTargets)

set(RAGCACHE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/ragcache)
install(EXPORT ragcacheTargets NAMESPACE ragcache:: DESTINATION ${RAGCACHE_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ragcacheConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ragcacheConfig.cmake INSTALL_DESTINATION ${RAGCACHE_CMAKE_DIR})
# 0.x: a minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ragcacheConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ragcacheConfig.cmake ${PROJECT_BINARY_DIR}/ragcacheConfigVersion.cmake
        DESTINATION ${RAGCACHE_CMAKE_DIR} COMPONENT dev)

# The generated version header (app/version.h includes it).
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.h.in ${PROJECT_BINARY_DIR}/generated/ragcache/version.h @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/generated/ragcache/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ragcache/ragcache
        COMPONENT dev)

# --- the gateway --------------------------------------------------------------------------------
install(TARGETS ragcache RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
# The binary looks for rank files in ../share/ragcache/tiktoken (src/tokens/registry.h); they come
# from the npm tiktoken package that scripts/common.sh installs in tools/node.
set(_ragcache_encoders ${PROJECT_SOURCE_DIR}/tools/node/node_modules/tiktoken/encoders)
install(FILES ${_ragcache_encoders}/cl100k_base.json ${_ragcache_encoders}/o200k_base.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ragcache/tiktoken COMPONENT server OPTIONAL)
# The built-in neural embedder's model (NOTICE), when scripts/fetch_model.sh has fetched it; the
# packaged ragcache.toml names this path (without the file the gateway falls back to lexical).
install(FILES ${PROJECT_SOURCE_DIR}/.ragcache/models/use-lite-en-0.2.0.bin
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ragcache/models COMPONENT server OPTIONAL)
install(FILES ${PROJECT_SOURCE_DIR}/NOTICE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/ragcache COMPONENT server OPTIONAL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/ragcache.service
        DESTINATION lib/systemd/system COMPONENT service EXCLUDE_FROM_ALL)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/ragcache.toml
        DESTINATION /etc/ragcache COMPONENT service EXCLUDE_FROM_ALL)

# --- the Debian package: ragcache_<version>_amd64.deb -------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ragcache)
set(CPACK_PACKAGE_VENDOR ragcache)
set(CPACK_PACKAGE_CONTACT "ragcache maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "OpenAI-compatible caching gateway for RAG and LLM applications, on Redis")
set(CPACK_PACKAGE_DESCRIPTION "ragcache serve puts an exact and semantic answer cache, stampede protection, \
session state, rate limits and hot-question ranking in front of any OpenAI-compatible model server, \
keeping everything in Redis. Runs as the systemd service ragcache.service.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)  # with CPACK_SET_DESTDIR, the prefix the install step uses
set(CPACK_SET_DESTDIR ON)  # /etc/ragcache is absolute: staged under DESTDIR like the rest
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server service)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# The runtime libraries (libssl3, libhiredis0.14, libboost-json1.81.0, ...) from dpkg-shlibdeps;
# redis-server for the managed local Redis; adduser for the postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "redis-server, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
  ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# cpack (and the install target) must not rebuild the whole tree: scripts/package.sh builds the
# binary, the tests below run on a tree that is built.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
include(CPack)

# --- tests (label package: Release tree only; a sanitizer build cannot be linked without its flags)
if(RAGCACHE_BUILD_TESTS AND NOT RAGCACHE_ASAN AND NOT RAGCACHE_TSAN)
  add_test(NAME package.consumer
           COMMAND bash ${PROJECT_SOURCE_DIR}/test/package/consumer_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  add_test(NAME package.deb
           COMMAND bash ${PROJECT_SOURCE_DIR}/test/package/deb_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
                   ${PROJECT_VERSION})
  set_tests_properties(package.consumer package.deb PROPERTIES LABELS package TIMEOUT 600)
endif()
