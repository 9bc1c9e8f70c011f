# SPDX-License-Identifier: LGPL-2.1-or-later
# OpenSSL (libp11's pkcs11 engine) and GnuTLS (p11tool, gnutls-cli) on the
# enrolled card: TLS client authentication to a local openssl s_server over
# TLS 1.3 and 1.2 (tls-server.sh), signing, decryption, key generation and
# certificate loading. Label "apps-openssl".
mdcard_integration_test(app-openssl app-openssl.sh LABELS apps-openssl)
mdcard_integration_test(app-gnutls app-gnutls.sh LABELS apps-openssl)

# p11-encrypt: C_Encrypt with a card's public key (app-openssl.sh runs it in a
# process whose OpenSSL has libp11's engine as default).
add_executable(p11-encrypt p11_encrypt.c)
target_link_libraries(p11-encrypt PRIVATE PkgConfig::P11KIT ${CMAKE_DL_LIBS})
set_target_properties(p11-encrypt PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
