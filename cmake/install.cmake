# SPDX-License-Identifier: LGPL-2.1-or-later
# What `cmake --install` puts where. mdcard is a p11-kit module first: the
# module and its registration go where p11-kit looks for them, which are
# absolute paths taken from p11-kit's pkg-config file and deliberately outside
# CMAKE_INSTALL_PREFIX (on Debian /usr/lib/<multiarch>/pkcs11 and
# /usr/share/p11-kit/modules; p11-kit looks nowhere under /usr/local). The
# configuration file goes to CMAKE_INSTALL_FULL_SYSCONFDIR, the path compiled
# into the module (MDCARD_SYSCONFDIR), so it is fixed at configure time too.
# Absolute destinations still honour DESTDIR. The `mdcard` tool installs itself
# (tools/CMakeLists.txt); tests, the simulator and test tools are never
# installed.

pkg_get_variable(mdcard_p11kit_module_path p11-kit-1 p11_module_path)
pkg_get_variable(mdcard_p11kit_module_configs p11-kit-1 p11_module_configs)
if(NOT mdcard_p11kit_module_path)
  set(mdcard_p11kit_module_path ${CMAKE_INSTALL_LIBDIR}/pkcs11)
endif()
if(NOT mdcard_p11kit_module_configs)
  set(mdcard_p11kit_module_configs ${CMAKE_INSTALL_DATADIR}/p11-kit/modules)
endif()
set(MDCARD_P11_MODULE_DIR "${mdcard_p11kit_module_path}" CACHE STRING
  "Where mdcard-pkcs11.so is installed (default: p11-kit's p11_module_path; relative = under the prefix)")
set(MDCARD_P11_CONFIG_DIR "${mdcard_p11kit_module_configs}" CACHE STRING
  "Where mdcard.module is installed (default: p11-kit's p11_module_configs; relative = under the prefix)")

install(TARGETS mdcard-pkcs11 LIBRARY DESTINATION ${MDCARD_P11_MODULE_DIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# conf/mdcard.module names the module by file name, which p11-kit resolves in
# its own module path. When the module goes anywhere else the installed copy
# carries the absolute path instead (known only at install time when the
# directory is relative to the prefix).
set(mdcard_module_conf ${PROJECT_SOURCE_DIR}/conf/mdcard.module)
if(MDCARD_P11_MODULE_DIR STREQUAL mdcard_p11kit_module_path)
  install(FILES ${mdcard_module_conf} DESTINATION ${MDCARD_P11_CONFIG_DIR}
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
else()
  install(CODE "
    set(mod_dir [[${MDCARD_P11_MODULE_DIR}]])
    set(conf_dir [[${MDCARD_P11_CONFIG_DIR}]])
    foreach(d mod_dir conf_dir)
      if(NOT IS_ABSOLUTE \"\${\${d}}\")
        set(\${d} \"\${CMAKE_INSTALL_PREFIX}/\${\${d}}\")
      endif()
    endforeach()
    file(READ [[${mdcard_module_conf}]] text)
    string(REGEX REPLACE \"(^|\\n)module:[^\\n]*\" \"\\\\1module: \${mod_dir}/mdcard-pkcs11.so\" text \"\${text}\")
    file(WRITE [[${PROJECT_BINARY_DIR}/install/mdcard.module]] \"\${text}\")
    file(INSTALL DESTINATION \"\${conf_dir}\" TYPE FILE
      PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
      FILES [[${PROJECT_BINARY_DIR}/install/mdcard.module]])
  ")
endif()

# The configuration file the module reads (module/token/config.c). Until
# conf/mdcard.conf exists the install carries an empty placeholder (every
# setting at its default) and says so at configure time.
set(mdcard_conf ${PROJECT_SOURCE_DIR}/conf/mdcard.conf)
if(NOT EXISTS ${mdcard_conf})
  message(WARNING "conf/mdcard.conf is missing: installing an empty placeholder")
  set(mdcard_conf ${PROJECT_BINARY_DIR}/install/mdcard.conf)
  file(WRITE ${mdcard_conf} "# mdcard configuration: every setting at its default.\n")
endif()
install(FILES ${mdcard_conf} DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

file(GLOB mdcard_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/*.md
  ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/COPYING)
install(FILES ${mdcard_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
