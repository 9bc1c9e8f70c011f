/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The card-edge interface: what the token layer (Base CSP role) asks of a
 * card, mirroring the Microsoft minidriver model (DESIGN.md section 3).
 * Files are named with minidriver names ("cardid", "mscp/cmapfile"); each
 * edge maps them to its own storage. This is the read side (files, public
 * keys, PIN verify, sign, decrypt, random); the write side (write/create/
 * delete file, keys, PIN change/unblock, admin auth) joins it later.
 *
 * Calls other than open/close/card_info run inside begin()/end(): one PC/SC
 * transaction per logical operation. An edge may keep state it read within a
 * transaction (e.g. its file table) until end(); never across transactions.
 *
 * Every operation returns mdc_card_rc: a status plus the card's SW1SW2, so
 * that exactly one function per edge (`rv`) turns it into a CK_RV.
 */
#ifndef MDCARD_CARD_EDGE_H
#define MDCARD_CARD_EDGE_H

#include "mdcard/pkcs11.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mdc_pcsc; /* transport context (pcsc layer), opaque here */
struct mdc_card; /* one open card; owned by the edge that opened it */

enum mdc_card_status {
    MDC_CARD_OK = 0,
    MDC_CARD_SW,            /* the card answered a status word other than success: see sw */
    MDC_CARD_ABSENT,        /* the requested file/data object does not exist */
    MDC_CARD_NOT_THIS_EDGE, /* the card is not one this edge drives (e.g. SELECT failed) */
    MDC_CARD_NO_CARD,       /* reader empty */
    MDC_CARD_REMOVED,       /* card removed while in use */
    MDC_CARD_RESET,         /* card reset by someone else and could not be re-selected */
    MDC_CARD_BUSY,          /* held exclusively by another process */
    MDC_CARD_COMM,          /* transport failure */
    MDC_CARD_NOMEM,
    MDC_CARD_BAD_RESPONSE, /* malformed answer from the card */
    MDC_CARD_UNSUPPORTED,  /* operation or file not supported (yet) by this edge */
    MDC_CARD_ARGS,         /* bad call: a bug in mdcard */
    MDC_CARD_RESELECTED,   /* begin() succeeded, but only after recovering from a reset:
                              the card's authentication state is gone */
};

typedef struct mdc_card_rc {
    enum mdc_card_status status;
    uint16_t sw; /* last status word seen, 0 if none */
} mdc_card_rc;

/* What the operation was, for the few status words whose meaning depends on
 * it (6700: PIN length vs data length, 6A80: ciphertext vs data). */
enum mdc_card_op {
    MDC_CARD_OP_READ,
    MDC_CARD_OP_PIN,
    MDC_CARD_OP_CRYPTO,  /* sign (or any private-key operation) */
    MDC_CARD_OP_DECRYPT, /* decrypt: 6700 is the ciphertext's length */
};

/* CardGetProperty(CP_CARD_GUID, ...) and friends: identity of an open card. */
struct mdc_card_info {
    char model[17];  /* NUL-terminated, e.g. "GIDS" */
    uint8_t aid[16]; /* application identifier from the FCI, if the card gave one */
    size_t aid_len;
    uint8_t version_major; /* applet version from the AID (GIDS: 1, 2, 4 (TPM VSC)), 0 unknown */
    uint8_t version_minor;
    bool fs_present; /* minidriver file system present (initialized card) */
};

enum mdc_pin_role {
    MDC_PIN_USER,
};

/* CardGetProperty(CP_CARD_PIN_INFO / CP_PIN_TRIES_LEFT-style). */
struct mdc_pin_info {
    bool tries_known;
    unsigned tries_left;
    unsigned try_limit;
};

/* A container's key, as the token layer knows it from the cmapfile. */
struct mdc_card_key {
    unsigned index;    /* container index (cmapfile record) */
    unsigned bits;     /* modulus size: selects the card's algorithm identifier */
    bool key_exchange; /* AT_KEYEXCHANGE (sign + decrypt) vs AT_SIGNATURE */
};

/* CardGetContainerInfo: the public key as the card returns it, big-endian. */
struct mdc_card_pubkey {
    struct mdc_buf modulus;
    struct mdc_buf exponent;
};

/* How the card signs (CardSignData with or without host-side padding). */
enum mdc_sign_mode {
    MDC_SIGN_PKCS1, /* input: DigestInfo (or raw TLS MD5+SHA-1); the card pads (GIDS 5x) */
    MDC_SIGN_RAW,   /* input: exactly modulus-size bytes, already padded (GIDS 1x) */
};

/* How the card decrypts (CardRSADecrypt). */
enum mdc_decrypt_mode {
    MDC_DECRYPT_RAW,       /* output: the whole modulus-size block (GIDS 0x) */
    MDC_DECRYPT_PKCS1,     /* the card removes PKCS#1 v1.5 type 2 padding (GIDS 4x) */
    MDC_DECRYPT_OAEP_SHA1, /* the card removes OAEP, SHA-1, empty label (GIDS 8x) */
};

struct mdc_card_edge {
    const char *name;
    /* Connect to `reader` and identify the card (SELECT).
     * MDC_CARD_NOT_THIS_EDGE: some other card. */
    mdc_card_rc (*open)(struct mdc_pcsc *pcsc, const char *reader, struct mdc_card **card);
    void (*close)(struct mdc_card *card);
    /* Exclusive transaction around a multi-APDU operation. A reset seen at
     * the start is recovered (reconnect + re-select) and reported as
     * MDC_CARD_RESELECTED (the transaction is then open, as with OK). */
    mdc_card_rc (*begin)(struct mdc_card *card);
    void (*end)(struct mdc_card *card);
    mdc_card_rc (*card_info)(struct mdc_card *card, struct mdc_card_info *info);
    /* CardReadFile: dir NULL or "" = root. Replaces the content of `out`. */
    mdc_card_rc (*read_file)(struct mdc_card *card, const char *dir, const char *name,
                             struct mdc_buf *out);
    mdc_card_rc (*pin_info)(struct mdc_card *card, enum mdc_pin_role role,
                            struct mdc_pin_info *info);
    /* CardEnumFiles: the names of the files in `dir` (NULL/"" = root), as
     * stored on the card (any case), each NUL-terminated, one after the
     * other, in `out`. */
    mdc_card_rc (*list_files)(struct mdc_card *card, const char *dir, struct mdc_buf *out);
    /* CardGetContainerInfo. MDC_CARD_ABSENT: no key in that container. */
    mdc_card_rc (*get_public_key)(struct mdc_card *card, const struct mdc_card_key *key,
                                  struct mdc_card_pubkey *out);
    /* CardAuthenticatePin. On a wrong PIN: MDC_CARD_SW with the card's status
     * word, and *tries_left (when not NULL) set if the card said it, else
     * UINT_MAX. The PIN bytes are not kept. */
    mdc_card_rc (*verify_pin)(struct mdc_card *card, enum mdc_pin_role role, const uint8_t *pin,
                              size_t pin_len, unsigned *tries_left);
    /* CardDeauthenticate: drop the card's PIN (and admin) authentication. */
    mdc_card_rc (*logout)(struct mdc_card *card);
    /* CardSignData with the container's private key; replaces `out`. */
    mdc_card_rc (*sign)(struct mdc_card *card, const struct mdc_card_key *key,
                        enum mdc_sign_mode mode, const uint8_t *in, size_t in_len,
                        struct mdc_buf *out);
    /* CardRSADecrypt: `in` is exactly modulus-size bytes; replaces `out`. */
    mdc_card_rc (*decrypt)(struct mdc_card *card, const struct mdc_card_key *key,
                           enum mdc_decrypt_mode mode, const uint8_t *in, size_t in_len,
                           struct mdc_buf *out);
    /* Random bytes from the card. MDC_CARD_UNSUPPORTED when the card has no
     * generator (GidsApplet answers GET CHALLENGE with 6D00). */
    mdc_card_rc (*get_random)(struct mdc_card *card, uint8_t *out, size_t len);
    /* Re-select the application after another process selected another one
     * or reset the card (6A82/6D00/6982 out of the blue); authentication is
     * lost afterwards. */
    mdc_card_rc (*reselect)(struct mdc_card *card);
    /* The edge's one mapping of results to CK_RV. */
    CK_RV (*rv)(mdc_card_rc rc, enum mdc_card_op op);
};

/* Card edges known to the token layer, probed in order. */
extern const struct mdc_card_edge mdc_gids_edge;

#endif
