# Read by cpack for each generator it runs (CPACK_PROJECT_CONFIG_FILE, cmake/Packaging.cmake).
# The /usr prefix is for the Debian package only: a source tarball keeps the tree at its top.
if(NOT CPACK_GENERATOR STREQUAL "DEB")
  unset(CPACK_PACKAGING_INSTALL_PREFIX)
endif()
