# SPDX-License-Identifier: LGPL-2.1-or-later
# Read by cpack before it builds a package: a .deb whose module looks for its
# configuration outside /etc (a build configured with the default /usr/local
# prefix) would install a file Debian packages must not ship and the module
# would read a path the package does not own, so it is refused.
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_MDCARD_SYSCONFDIR STREQUAL "/etc")
  message(FATAL_ERROR "mdcard: this build reads ${CPACK_MDCARD_SYSCONFDIR}/mdcard.conf; "
    "a Debian package needs /etc: configure with -DCMAKE_INSTALL_PREFIX=/usr "
    "(`make deb` does)")
endif()
