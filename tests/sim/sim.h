// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: types shared by the simulator's units. The card is split into the
 * persistent part (struct sim_card: files, DOs, keys, PIN, life cycle) and the
 * volatile part (struct sim_session: selection, authentication, security
 * environment, chaining), which power off/on/reset and deselect wipe.
 */
#ifndef GIDS_SIM_H
#define GIDS_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>

#include <openssl/evp.h>

/* GidsApplet capacity limits (GIDS-AND-MINIDRIVER.md §2.4). */
#define SIM_MAX_FILES 30
#define SIM_MAX_KEY_EFS 23
#define SIM_MAX_DOS 30
#define SIM_MAX_DO_LEN 32767
#define SIM_PIN_TRIES 3
#define SIM_PIN_MIN 4
#define SIM_PIN_MAX 16
#define SIM_FCP_MAX 255
#define SIM_APP_FID 0x3FFF
#define SIM_ADMIN_KID 0x80
/* Key import buffer: large enough for a 4096-bit RSAPrivateKey in its 70/A5/87 wrapping. */
#define SIM_IMPORT_MAX 2600

enum sim_sw {
    SW_OK = 0x9000,
    SW_TERMINATED = 0x6285,
    SW_WRONG_LENGTH = 0x6700,
    SW_CHANNEL = 0x6881,
    SW_SM = 0x6882,
    SW_CHAIN_UNSUPPORTED = 0x6884,
    SW_CHAIN_BROKEN = 0x6900,
    SW_NOT_BERTLV = 0x6981,
    SW_SECURITY = 0x6982,
    SW_PIN_BLOCKED = 0x6983,
    SW_INVALID_DATA = 0x6984,
    SW_CONDITIONS = 0x6985,
    SW_NOT_ALLOWED = 0x6986,
    SW_WRONG_DATA = 0x6A80,
    SW_FUNC_UNSUPPORTED = 0x6A81,
    SW_NOT_FOUND = 0x6A82,
    SW_NO_MEMORY = 0x6A84,
    SW_WRONG_P1P2 = 0x6A86,
    SW_REF_NOT_FOUND = 0x6A88,
    SW_INS = 0x6D00,
    SW_CLA = 0x6E00,
    SW_INTERNAL = 0x6F00,
};

/* Growable byte buffer; freed buffers are wiped since they may hold secrets. */
struct sim_buf {
    unsigned char *p;
    size_t len, cap;
};

struct sim_do {
    unsigned tag; /* encoded tag bytes as a number: DF24, 5F2F, 53 */
    size_t len;
    unsigned char *val;
};

enum sim_lcs { LCS_CREATION = 1, LCS_ACTIVE = 5 };
enum sim_key_type { KEY_NONE = 0, KEY_RSA, KEY_3DES };

struct sim_file {
    uint16_t fid;
    uint8_t fdb; /* 0x39 BER-TLV EF, 0x18 key EF */
    int lcs;
    unsigned char fcp[SIM_FCP_MAX + 3]; /* the whole 62 TLV as created */
    size_t fcp_len;
    struct sim_do dos[SIM_MAX_DOS]; /* storage order */
    size_t ndo;
    int key_type;
    EVP_PKEY *rsa;
    unsigned char des[24];
};

struct sim_card {
    int activated; /* 0 = initialization mode */
    int terminated;
    int pin_set;
    unsigned char pin[SIM_PIN_MAX];
    size_t pin_len;
    int pin_tries;
    struct sim_file *files[SIM_MAX_FILES];
    size_t nfiles;
};

enum sim_app { APP_NONE = 0, APP_GIDS, APP_OTHER };
enum sim_ga { GA_NONE = 0, GA_MUTUAL, GA_EXTERNAL };

struct sim_session {
    int app;
    uint16_t cur; /* selected file: 0 none, 3FFF the application DF, else an EF */
    int pin_ok, admin_ok;
    int auth_key_set; /* MSE SET A4 for the admin key done */
    int ga_step;
    unsigned char ga_host[16], ga_card[16];
    int se_op; /* 0, 0xB6 (sign) or 0xB8 (decipher) */
    uint8_t se_alg, se_kid;
    int chain; /* command chain in progress */
    uint8_t chain_ins, chain_p1, chain_p2;
    struct sim_buf chain_data;
    struct sim_buf resp; /* pending response data for GET RESPONSE */
    size_t resp_off;
};

struct sim_opts {
    int port;
    const char *state_path;
    const char *apdu_log;
    const char *ctl_path;
    long latency_us;
    long reinsert_ms;
    int torn;
    unsigned char other_aid[16];
    size_t other_aid_len;
};

struct sim {
    struct sim_card card;
    struct sim_session s;
    const struct sim_opts *opt;
    FILE *log;
};

struct sim_apdu {
    uint8_t cla, ins, p1, p2;
    const unsigned char *data;
    size_t lc;
    int has_le;
    size_t le; /* 1..256 when has_le */
};

/* util.c */
int sim_buf_put(struct sim_buf *b, const void *d, size_t n);
int sim_buf_byte(struct sim_buf *b, unsigned c);
void sim_buf_free(struct sim_buf *b);
void sim_hex(char *out, const unsigned char *p, size_t n);
int sim_unhex(const char *s, unsigned char *out, size_t max, size_t *n);
int sim_random(unsigned char *p, size_t n);

/* tlv.c */
int sim_tlv_head(const unsigned char *p, size_t n, unsigned *tag, size_t *hdr, size_t *vlen);
int sim_tlv_next(const unsigned char **p, size_t *n, unsigned *tag, const unsigned char **v,
                 size_t *vlen);
const unsigned char *sim_tlv_find(const unsigned char *p, size_t n, unsigned tag, size_t *vlen);
int sim_tlv_put_tag(struct sim_buf *b, unsigned tag);
int sim_tlv_put_len(struct sim_buf *b, size_t len);
int sim_tlv_put(struct sim_buf *b, unsigned tag, const void *v, size_t len);

/* fs.c */
struct sim_file *sim_fs_find(struct sim_card *c, uint16_t fid);
struct sim_file *sim_fs_key(struct sim_card *c, uint8_t kid);
unsigned sim_acl(const struct sim *sim, const unsigned char *fcp, size_t fcp_len, unsigned op);
unsigned sim_file_usable(const struct sim *sim, const struct sim_file *f, unsigned op);
void sim_file_free(struct sim_file *f);
void sim_card_free(struct sim_card *c);
const unsigned char *sim_fcp_templates(const struct sim_file *f, size_t *n);
unsigned sim_cmd_select(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_create(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_activate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_delete(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_terminate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);

/* dataobj.c */
struct sim_do *sim_do_find(struct sim_file *f, unsigned tag);
int sim_do_set(struct sim_file *f, unsigned tag, const unsigned char *v, size_t len);
void sim_do_remove(struct sim_file *f, unsigned tag);
unsigned sim_cmd_get_data(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_put_data(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_put_data_precheck(struct sim *sim, const struct sim_apdu *a);
void sim_put_data_torn(struct sim *sim, uint8_t p1, uint8_t p2, const struct sim_buf *chain);

/* pin.c */
unsigned sim_cmd_verify(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_change_ref(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_reset_retry(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_pin_status(struct sim *sim, unsigned tag, struct sim_buf *out);

/* admin.c */
unsigned sim_mse_auth(struct sim *sim, const struct sim_apdu *a);
unsigned sim_cmd_general_auth(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);

/* keys.c */
unsigned sim_cmd_mse(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_generate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_cmd_pso(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_pso_precheck(struct sim *sim, const struct sim_apdu *a);
unsigned sim_read_pubkey(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out);
unsigned sim_import_key(struct sim *sim, const struct sim_apdu *a);
int sim_pubkey_encode(EVP_PKEY *pk, struct sim_buf *out);

/* apdu.c */
void sim_session_reset(struct sim *sim);
size_t sim_process(struct sim *sim, const unsigned char *cmd, size_t n, unsigned char *rsp,
                   unsigned *sw);

/* state.c */
int sim_state_save(const struct sim *sim);
int sim_state_load(struct sim_card *c, const char *path);
int sim_state_dump(const char *path, FILE *out);
void sim_persist(struct sim *sim);

/* vpcd.c */
int sim_vpcd_connect(int port, volatile sig_atomic_t *stop);
long sim_vpcd_recv(int fd, unsigned char *buf, size_t max);
int sim_vpcd_send(int fd, const unsigned char *p, size_t n);

/* apdulog.c */
void sim_log_apdu(FILE *log, const unsigned char *cmd, size_t n, size_t rlen, unsigned sw, long us);
void sim_log_cut(FILE *log, const unsigned char *cmd, size_t n);

/* ctl.c */
int sim_ctl_poll(const char *path, long *armed);

#endif
