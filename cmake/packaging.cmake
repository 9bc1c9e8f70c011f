# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package (`cpack -G DEB` in a build directory; `make deb`): the
# install layout of cmake/install.cmake under /usr, dependencies computed by
# dpkg-shlibdeps, /etc/mdcard.conf a conffile (kept on remove, gone on purge).
# The configuration path is compiled into the module, so a package is only
# made from a build configured with the system's /etc
# (-DCMAKE_INSTALL_PREFIX=/usr); cmake/packaging-check.cmake refuses others.

set(MDCARD_DEB_MAINTAINER "mdcard maintainers <maintainers@mdcard.invalid>" CACHE STRING
  "Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME mdcard)
set(CPACK_PACKAGE_VENDOR mdcard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "PKCS#11 module for GIDS smart cards with the minidriver file system")
set(CPACK_PACKAGE_DESCRIPTION
  "mdcard-pkcs11.so gives PKCS#11 applications (NSS and Firefox, OpenSSL, GnuTLS,
OpenSC's pkcs11-tool, p11-kit) access to GIDS smart cards and TPM virtual smart
cards that carry the Microsoft minidriver file system: it lists keys and
certificates, signs and decrypts on the card, generates keys and writes
certificates into the container of their key so that Windows sees them too.
The module is registered with p11-kit, so applications that load
p11-kit-proxy.so find it with no configuration.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Absolute destinations (p11-kit's directories, /etc) go into the staging
# tree through DESTDIR, never into the build machine's own /usr and /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
# Debug information stays in the build directory, not in the package.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${MDCARD_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# pcscd talks to the readers; p11-kit's proxy and tools are how most
# applications find the module, but a direct path works without them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS pcscd)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "p11-kit-modules, p11-kit")

set(mdcard_deb_control ${PROJECT_BINARY_DIR}/debian)
file(MAKE_DIRECTORY ${mdcard_deb_control})
file(WRITE ${mdcard_deb_control}/conffiles "${CMAKE_INSTALL_FULL_SYSCONFDIR}/mdcard.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${mdcard_deb_control}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_MDCARD_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/packaging-check.cmake)

include(CPack)
