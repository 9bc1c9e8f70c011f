// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the card's persistent state on disk and its canonical dump.
 *
 * State file (text, one record per line, '#' comments; written to FILE.tmp and renamed
 * over FILE after every change, so a reader sees the old or the new card, never half):
 *   gids-sim-state 1
 *   activated 0|1                 initialization mode ends with 1
 *   terminated 0|1
 *   pin-tries N
 *   pin HEX                       secret; absent while no PIN was ever set
 *   file FID FDB creation|active FCPHEX
 *   do FID TAG HEX|-              DOs in storage order, '-' = empty value
 *   key FID rsa DERHEX            secret: PKCS#1 RSAPrivateKey
 *   key FID des3 HEX              secret: 24-byte admin key
 * All numbers and byte strings are upper-case hex except N.
 *
 * Dump (--dump): files sorted by FID, DOs by tag, keys as public parts with a
 * SHA-256 fingerprint of the modulus; PIN, admin key and private keys are never shown.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sim.h"

static int put_hex(FILE *f, const unsigned char *p, size_t n)
{
    char pair[3];
    if (n == 0)
        return fputc('-', f) == EOF ? -1 : 0;
    for (size_t i = 0; i < n; i++) {
        sim_hex(pair, p + i, 1);
        if (fputs(pair, f) == EOF)
            return -1;
    }
    return 0;
}

static int save_to(const struct sim_card *c, FILE *f)
{
    fprintf(f, "# gids-sim card state; contains secrets (pin, keys)\n");
    fprintf(f, "gids-sim-state 1\nactivated %d\nterminated %d\npin-tries %d\n", c->activated,
            c->terminated, c->pin_tries);
    if (c->pin_set) {
        fputs("pin ", f);
        put_hex(f, c->pin, c->pin_len);
        fputc('\n', f);
    }
    for (size_t i = 0; i < c->nfiles; i++) {
        const struct sim_file *e = c->files[i];
        fprintf(f, "file %04X %02X %s ", e->fid, e->fdb,
                e->lcs == LCS_ACTIVE ? "active" : "creation");
        put_hex(f, e->fcp, e->fcp_len);
        fputc('\n', f);
        for (size_t j = 0; j < e->ndo; j++) {
            fprintf(f, "do %04X %X ", e->fid, e->dos[j].tag);
            put_hex(f, e->dos[j].val, e->dos[j].len);
            fputc('\n', f);
        }
        if (e->key_type == KEY_RSA) {
            unsigned char *der = NULL;
            int n = i2d_PrivateKey(e->rsa, &der);
            if (n <= 0)
                return -1;
            fprintf(f, "key %04X rsa ", e->fid);
            put_hex(f, der, (size_t)n);
            fputc('\n', f);
            OPENSSL_clear_free(der, (size_t)n);
        } else if (e->key_type == KEY_3DES) {
            fprintf(f, "key %04X des3 ", e->fid);
            put_hex(f, e->des, sizeof e->des);
            fputc('\n', f);
        }
    }
    return ferror(f) ? -1 : 0;
}

int sim_state_save(const struct sim *sim)
{
    const char *path = sim->opt->state_path;
    size_t len = strlen(path) + 5;
    char *tmp = malloc(len);
    FILE *f;
    int r, fd;

    if (!tmp)
        return -1;
    snprintf(tmp, len, "%s.tmp", path);
    /* 0600: the state holds the PIN and the keys. */
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        free(tmp);
        return -1;
    }
    r = save_to(&sim->card, f);
    if (fclose(f) != 0)
        r = -1;
    if (r == 0 && rename(tmp, path) != 0)
        r = -1;
    if (r)
        remove(tmp);
    free(tmp);
    return r;
}

void sim_persist(struct sim *sim)
{
    if (sim->opt->state_path && sim_state_save(sim))
        fprintf(stderr, "gids-sim: cannot write state %s: %s\n", sim->opt->state_path,
                strerror(errno));
}

/* Decodes a hex field ('-' = empty) into a fresh buffer. */
static unsigned char *field_hex(const char *s, size_t *n)
{
    size_t max = strlen(s) / 2 + 1;
    unsigned char *p = malloc(max);

    if (!p)
        return NULL;
    if (strcmp(s, "-") == 0) {
        *n = 0;
        return p;
    }
    if (sim_unhex(s, p, max, n)) {
        free(p);
        return NULL;
    }
    return p;
}

static int load_line(struct sim_card *c, char *line)
{
    char *save = NULL, *w[6] = {0};
    int nw = 0;
    unsigned char *bytes = NULL;
    size_t n = 0;
    struct sim_file *f;
    int r = -1;

    for (char *t = strtok_r(line, " \t\r\n", &save); t && nw < 6;
         t = strtok_r(NULL, " \t\r\n", &save))
        w[nw++] = t;
    if (nw == 0 || w[0][0] == '#')
        return 0;
    if (nw == 2 && strcmp(w[0], "gids-sim-state") == 0)
        return strcmp(w[1], "1") == 0 ? 0 : -1;
    if (nw == 2 && strcmp(w[0], "activated") == 0) {
        c->activated = atoi(w[1]) != 0;
        return 0;
    }
    if (nw == 2 && strcmp(w[0], "terminated") == 0) {
        c->terminated = atoi(w[1]) != 0;
        return 0;
    }
    if (nw == 2 && strcmp(w[0], "pin-tries") == 0) {
        c->pin_tries = atoi(w[1]);
        return c->pin_tries >= 0 && c->pin_tries <= SIM_PIN_TRIES ? 0 : -1;
    }
    bytes = field_hex(w[nw - 1], &n);
    if (!bytes)
        return -1;
    if (nw == 2 && strcmp(w[0], "pin") == 0) {
        if (n >= SIM_PIN_MIN && n <= SIM_PIN_MAX) {
            memcpy(c->pin, bytes, n);
            c->pin_len = n;
            c->pin_set = 1;
            r = 0;
        }
    } else if (nw == 5 && strcmp(w[0], "file") == 0) {
        if (c->nfiles < SIM_MAX_FILES && n >= 2 && n <= SIM_FCP_MAX &&
            (f = calloc(1, sizeof *f)) != NULL) {
            f->fid = (uint16_t)strtoul(w[1], NULL, 16);
            f->fdb = (uint8_t)strtoul(w[2], NULL, 16);
            f->lcs = strcmp(w[3], "active") == 0 ? LCS_ACTIVE : LCS_CREATION;
            memcpy(f->fcp, bytes, n);
            f->fcp_len = n;
            c->files[c->nfiles++] = f;
            r = 0;
        }
    } else if (nw == 4 && strcmp(w[0], "do") == 0) {
        f = sim_fs_find(c, (uint16_t)strtoul(w[1], NULL, 16));
        if (f && n <= SIM_MAX_DO_LEN)
            r = sim_do_set(f, (unsigned)strtoul(w[2], NULL, 16), bytes, n);
    } else if (nw == 4 && strcmp(w[0], "key") == 0) {
        f = sim_fs_find(c, (uint16_t)strtoul(w[1], NULL, 16));
        if (f && strcmp(w[2], "rsa") == 0) {
            const unsigned char *d = bytes;
            f->rsa = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &d, (long)n);
            f->key_type = KEY_RSA;
            r = f->rsa && EVP_PKEY_get_bits(f->rsa) <= 4096 ? 0 : -1;
        } else if (f && strcmp(w[2], "des3") == 0 && n == 24) {
            memcpy(f->des, bytes, 24);
            f->key_type = KEY_3DES;
            r = 0;
        }
    }
    OPENSSL_clear_free(bytes, n ? n : 1);
    return r;
}

/* 1 = loaded, 0 = no such file (blank card), -1 = unreadable or malformed. */
int sim_state_load(struct sim_card *c, const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int r = 1, lineno = 0;

    if (!f)
        return errno == ENOENT ? 0 : -1;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        if (load_line(c, line)) {
            fprintf(stderr, "gids-sim: %s:%d: bad state line\n", path, lineno);
            r = -1;
            break;
        }
    }
    if (line) {
        OPENSSL_cleanse(line, cap);
        free(line);
    }
    fclose(f);
    return r;
}

static int cmp_file(const void *a, const void *b)
{
    const struct sim_file *x = *(struct sim_file *const *)a, *y = *(struct sim_file *const *)b;
    return (x->fid > y->fid) - (x->fid < y->fid);
}

static int cmp_do(const void *a, const void *b)
{
    const struct sim_do *x = *(const struct sim_do *const *)a;
    const struct sim_do *y = *(const struct sim_do *const *)b;
    return (x->tag > y->tag) - (x->tag < y->tag);
}

static void dump_rsa(EVP_PKEY *pk, FILE *out)
{
    BIGNUM *n = NULL, *e = NULL;
    unsigned char nb[512], md[32];
    int nl;

    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1 ||
        (nl = BN_num_bytes(n)) > (int)sizeof nb) {
        fprintf(out, "  key rsa (unreadable)\n");
        goto out;
    }
    BN_bn2bin(n, nb);
    EVP_Digest(nb, (size_t)nl, md, NULL, EVP_sha256(), NULL);
    fprintf(out, "  key rsa-%d e %lu\n  key sha256(n) ", EVP_PKEY_get_bits(pk),
            (unsigned long)BN_get_word(e));
    put_hex(out, md, sizeof md);
    fprintf(out, "\n  key n ");
    put_hex(out, nb, (size_t)nl);
    fputc('\n', out);
out:
    BN_free(n);
    BN_free(e);
}

int sim_state_dump(const char *path, FILE *out)
{
    struct sim_card c;
    struct sim_file *files[SIM_MAX_FILES];
    int r;

    memset(&c, 0, sizeof c);
    c.pin_tries = SIM_PIN_TRIES;
    r = sim_state_load(&c, path);
    if (r <= 0) {
        fprintf(stderr, "gids-sim: cannot load state %s\n", path);
        sim_card_free(&c);
        return -1;
    }
    fprintf(out, "gids-sim card state\n");
    fprintf(out, "application %s\n",
            c.terminated  ? "terminated"
            : c.activated ? "operational"
                          : "initialization");
    fprintf(out, "pin %s tries-left %d of %d\n", c.pin_set ? "set" : "unset", c.pin_tries,
            SIM_PIN_TRIES);
    memcpy(files, c.files, c.nfiles * sizeof files[0]);
    qsort(files, c.nfiles, sizeof files[0], cmp_file);
    for (size_t i = 0; i < c.nfiles; i++) {
        struct sim_file *f = files[i];
        const struct sim_do *dos[SIM_MAX_DOS];
        fprintf(out, "file %04X %s %s fcp ", f->fid, f->fdb == 0x39 ? "bertlv" : "key",
                f->lcs == LCS_ACTIVE ? "active" : "creation");
        put_hex(out, f->fcp, f->fcp_len);
        fputc('\n', out);
        for (size_t j = 0; j < f->ndo; j++)
            dos[j] = &f->dos[j];
        qsort(dos, f->ndo, sizeof dos[0], cmp_do);
        for (size_t j = 0; j < f->ndo; j++) {
            fprintf(out, "  do %X len %zu ", dos[j]->tag, dos[j]->len);
            put_hex(out, dos[j]->val, dos[j]->len);
            fputc('\n', out);
        }
        if (f->key_type == KEY_RSA)
            dump_rsa(f->rsa, out);
        else if (f->key_type == KEY_3DES)
            fprintf(out, "  key des3 (secret)\n");
    }
    sim_card_free(&c);
    return ferror(out) ? -1 : 0;
}
