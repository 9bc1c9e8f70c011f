#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Regenerates the key, certificate and msroots vectors with the openssl CLI and
# Python's zlib, independently of mdcard's code. Expected CKA_IDs are computed
# exactly as DESIGN.md section 4 defines them:
#   openssl rsa -pubin -noout -modulus | hex-decode | sha1
# Run from this directory; the outputs are committed, so this only documents
# where they came from.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sha1hex() { python3 -c 'import sys,hashlib;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest())'; }
unhex() { python3 -c 'import sys;sys.stdout.buffer.write(bytes.fromhex(sys.stdin.read().strip()))'; }

# 2048 and 1024: the top bit is set, so the DER INTEGER has a leading zero byte;
# 2047: no leading zero in DER either way.
for bits in 1024 2048 2047; do
    openssl genrsa -out "$tmp/rsa$bits.key" $bits 2>/dev/null
    openssl pkey -in "$tmp/rsa$bits.key" -pubout -outform DER -out rsa$bits.spki.der
    openssl rsa -pubin -inform DER -in rsa$bits.spki.der -noout -modulus | sed 's/^Modulus=//' > rsa$bits.modulus.hex
    unhex < rsa$bits.modulus.hex | sha1hex > rsa$bits.id.hex
done

# End-entity certificate for the 2048-bit key (its ID equals the key's).
openssl req -x509 -new -key "$tmp/rsa2048.key" -subj "/CN=mdcard test user" -days 3650 \
    -outform DER -out ee_rsa2048.der

# CA certificates for msroots: RSA and EC P-256.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/ca_rsa.key" 2>/dev/null
openssl req -x509 -new -key "$tmp/ca_rsa.key" -subj "/CN=mdcard test root RSA" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -outform DER -out ca_rsa.der
openssl rsa -in "$tmp/ca_rsa.key" -noout -modulus | sed 's/^Modulus=//' | unhex | sha1hex > ca_rsa.id.hex
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ca_ec.key"
openssl req -x509 -new -key "$tmp/ca_ec.key" -subj "/CN=mdcard test root EC" -days 3650 \
    -addext basicConstraints=critical,CA:TRUE -outform DER -out ca_ec.der
# The EC point is the last 65 bytes (04 || X || Y) of the P-256 SubjectPublicKeyInfo.
openssl x509 -inform DER -in ca_ec.der -pubkey -noout | openssl pkey -pubin -outform DER |
    tail -c 65 | sha1hex > ca_ec.id.hex

# msroots: certs-only PKCS#7 with two, one and no certificates; a compressed copy.
openssl x509 -inform DER -in ca_rsa.der -out "$tmp/ca_rsa.pem"
openssl x509 -inform DER -in ca_ec.der -out "$tmp/ca_ec.pem"
openssl crl2pkcs7 -nocrl -certfile "$tmp/ca_rsa.pem" -certfile "$tmp/ca_ec.pem" -outform DER -out msroots_two.der
openssl crl2pkcs7 -nocrl -certfile "$tmp/ca_rsa.pem" -outform DER -out msroots_one.der
openssl crl2pkcs7 -nocrl -outform DER -out msroots_empty.der

# Compressed files: 01 00 + LE16 length + zlib at level 9 (what compress2(Z_BEST_COMPRESSION) gives).
compress() {
    python3 -c 'import sys,zlib,struct
d=open(sys.argv[1],"rb").read()
sys.stdout.buffer.write(b"\x01\x00"+struct.pack("<H",len(d))+zlib.compress(d,9))' "$1"
}
compress ee_rsa2048.der > ee_rsa2048.kxc
compress msroots_two.der > msroots_two.z
