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
    MDC_CARD_EXISTS,       /* create_file: a file of that name exists already */
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
    MDC_CARD_OP_WRITE,   /* file, key and card writes: 6A84 is "card full" */
    MDC_CARD_OP_ADMIN,   /* administrator authentication: 6982 is a wrong admin key */
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

    /* ---- write side ----
     * The token layer runs each logical write as one transaction: begin(),
     * re-read what it depends on, write cardcf ONCE (write_file "cardcf") with
     * the counters it touches bumped, then these calls, then end(). The edge
     * keeps its own structures (GIDS: master table, keymap) consistent: a new
     * data object is written before the table record that references it, and
     * a record is removed before the object it referenced (DESIGN.md 5). */

    /* CardWriteFile of an existing file. copy_on_write: the new content goes
     * to a fresh data object, the table is repointed, then the old object is
     * deleted (used for certificates); otherwise written in place (cardcf,
     * cmapfile, cardid...). MDC_CARD_ABSENT: no such file. */
    mdc_card_rc (*write_file)(struct mdc_card *card, const char *dir, const char *name,
                              const uint8_t *data, size_t len, bool copy_on_write);
    /* CardCreateFile + write: data first, then the table record.
     * MDC_CARD_EXISTS: the name (any case) is taken. */
    mdc_card_rc (*create_file)(struct mdc_card *card, const char *dir, const char *name,
                               const uint8_t *data, size_t len);
    /* CardDeleteFile: table record first, then the data object. */
    mdc_card_rc (*delete_file)(struct mdc_card *card, const char *dir, const char *name);

    /* CardCreateContainer(generate): the key file of container key->index is
     * created (an orphan one from an interrupted run is deleted first), the key
     * generated on the card, the edge's own key map updated (GIDS keymap,
     * created when absent or empty); the public key is returned. The cmapfile
     * record is the token layer's. */
    mdc_card_rc (*generate_key)(struct mdc_card *card, const struct mdc_card_key *key,
                                struct mdc_card_pubkey *out);
    /* CardCreateContainer(import): as generate_key with an RSA private key
     * given as PKCS#1 RSAPrivateKey DER (wiped by the caller afterwards). */
    mdc_card_rc (*import_key)(struct mdc_card *card, const struct mdc_card_key *key,
                              const uint8_t *rsa_private_der, size_t der_len);
    /* CardDeleteContainer: key file deleted, key map record released. */
    mdc_card_rc (*delete_key)(struct mdc_card *card, const struct mdc_card_key *key);

    /* CardChangeAuthenticator: the PIN stays verified afterwards. Wrong old
     * PIN: MDC_CARD_SW with *tries_left as for verify_pin. */
    mdc_card_rc (*change_pin)(struct mdc_card *card, enum mdc_pin_role role, const uint8_t *old_pin,
                              size_t old_len, const uint8_t *new_pin, size_t new_len,
                              unsigned *tries_left);
    /* CardAuthenticateEx(admin): 24-byte 3DES admin key; the card's answer is
     * checked too (a card that cannot prove the key is refused). */
    mdc_card_rc (*admin_auth)(struct mdc_card *card, const uint8_t admin_key[24]);
    /* CardUnblockPin after admin_auth: sets the user PIN, resets its counter;
     * afterwards neither PIN nor admin is authenticated. */
    mdc_card_rc (*unblock_pin)(struct mdc_card *card, const uint8_t *new_pin, size_t new_len);
    /* Blank card only (card_info: !fs_present): create the card's structures
     * and minidriver files (cardid, cardapps, cardcf, empty cmapfile) with
     * this admin key and user PIN, and end its initialization phase. */
    mdc_card_rc (*initialize)(struct mdc_card *card, const uint8_t admin_key[24],
                              const uint8_t *user_pin, size_t pin_len, const uint8_t cardid[16]);
    /* Logical wipe support (admin authenticated): delete every key of the
     * card and empty the key map. Files are the token layer's to delete. */
    mdc_card_rc (*erase_keys)(struct mdc_card *card);

    /* The edge's one mapping of results to CK_RV. */
    CK_RV (*rv)(mdc_card_rc rc, enum mdc_card_op op);
};

/* Card edges known to the token layer, probed in order. */
extern const struct mdc_card_edge mdc_gids_edge;

#endif
