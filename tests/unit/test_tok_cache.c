/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Object enumeration and the cardcf-keyed cache of the token layer, over a
 * fake card edge that serves minidriver files from memory and counts what
 * is read: certificate file names (any case, hex first, decimal fallback,
 * leftovers of free containers), msroots, reservations; cardcf re-read on
 * every find, cardid and files only when cardcf moved, public keys only
 * when the containers counter moved; and the disk cache in a private
 * directory: a new token answers from the record, counters decide, a damaged
 * record is rebuilt.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "mdfs/cmapfile.h"
#include "token/tok_int.h"
#include "vectors/vectors.h"

struct fake_file {
    const char *name;
    uint8_t *data;
    size_t len;
};

static struct {
    struct fake_file files[8];
    size_t n_files;
    uint8_t cardcf[6];
    uint8_t *mod2048, *mod1024;
    size_t mod2048_len, mod1024_len;
    unsigned reads_cardcf, reads_cardid, reads_other, pubkey_reads;
} fk;

static mdc_card_rc ok(void)
{
    return (mdc_card_rc){MDC_CARD_OK, 0};
}

static mdc_card_rc f_begin(struct mdc_card *c)
{
    (void)c;
    return ok();
}

static void f_end(struct mdc_card *c)
{
    (void)c;
}

static void f_close(struct mdc_card *c)
{
    (void)c;
}

static mdc_card_rc f_info(struct mdc_card *c, struct mdc_card_info *info)
{
    (void)c;
    memset(info, 0, sizeof(*info));
    strcpy(info->model, "GIDS");
    info->fs_present = true;
    return ok();
}

static mdc_card_rc put(struct mdc_buf *out, const void *p, size_t n)
{
    mdc_buf_clear(out);
    return mdc_buf_append(out, p, n) ? ok() : (mdc_card_rc){MDC_CARD_NOMEM, 0};
}

static mdc_card_rc f_read(struct mdc_card *c, const char *dir, const char *name,
                          struct mdc_buf *out)
{
    static const uint8_t cardid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    (void)c;
    if (dir == NULL && strcmp(name, "cardcf") == 0) {
        fk.reads_cardcf++;
        return put(out, fk.cardcf, sizeof(fk.cardcf));
    }
    if (dir == NULL && strcmp(name, "cardid") == 0) {
        fk.reads_cardid++;
        return put(out, cardid, sizeof(cardid));
    }
    fk.reads_other++;
    for (size_t i = 0; dir != NULL && strcmp(dir, "mscp") == 0 && i < fk.n_files; i++)
        if (strcmp(fk.files[i].name, name) == 0)
            return put(out, fk.files[i].data, fk.files[i].len);
    return (mdc_card_rc){MDC_CARD_ABSENT, 0x6A88};
}

static mdc_card_rc f_list(struct mdc_card *c, const char *dir, struct mdc_buf *out)
{
    (void)c;
    assert_string_equal(dir, "mscp");
    mdc_buf_clear(out);
    for (size_t i = 0; i < fk.n_files; i++)
        assert_true(mdc_buf_append(out, fk.files[i].name, strlen(fk.files[i].name) + 1));
    return ok();
}

static mdc_card_rc f_pubkey(struct mdc_card *c, const struct mdc_card_key *key,
                            struct mdc_card_pubkey *out)
{
    static const uint8_t e[] = {1, 0, 1};

    (void)c;
    fk.pubkey_reads++;
    memset(out, 0, sizeof(*out));
    if (key->index == 0 && key->key_exchange && key->bits == 2048)
        assert_true(mdc_buf_append(&out->modulus, fk.mod2048, fk.mod2048_len));
    else if (key->index == 10 && !key->key_exchange && key->bits == 1024)
        assert_true(mdc_buf_append(&out->modulus, fk.mod1024, fk.mod1024_len));
    else
        return (mdc_card_rc){MDC_CARD_ABSENT, 0x6A88};
    assert_true(mdc_buf_append(&out->exponent, e, sizeof(e)));
    return ok();
}

static CK_RV f_rv(mdc_card_rc rc, enum mdc_card_op op)
{
    (void)op;
    return rc.status == MDC_CARD_OK ? CKR_OK : CKR_DEVICE_ERROR;
}

static const struct mdc_card_edge fake_edge = {
    .name = "fake",
    .close = f_close,
    .begin = f_begin,
    .end = f_end,
    .card_info = f_info,
    .read_file = f_read,
    .list_files = f_list,
    .get_public_key = f_pubkey,
    .rv = f_rv,
};

static void add_file(const char *name, uint8_t *data, size_t len)
{
    fk.files[fk.n_files++] = (struct fake_file){name, data, len};
}

static void set_record(mdc_cmapfile *cm, size_t i, uint16_t kx, uint16_t sig, const char *name)
{
    mdc_cmap_record r;

    memset(&r, 0, sizeof(r));
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, name), MDC_MDFS_OK);
    r.flags = MDC_CMAP_FLAG_VALID;
    r.kx_key_bits = kx;
    r.sig_key_bits = sig;
    assert_int_equal(mdc_mdfs_cmap_set_record(cm, i, &r), MDC_MDFS_OK);
}

static char cache_dir[] = "/tmp/mdcard-test-cache.XXXXXX";
static char record[128];

static int setup(void **state)
{
    mdc_cmapfile cm = {NULL, 0};
    mdc_cmap_record freerec;
    uint8_t *cmap, *kxc, *der, *roots;
    size_t cmap_len, kxc_len, der_len, roots_len;

    (void)state;
    unlink(record); /* every test starts with an empty disk cache */
    memset(&fk, 0, sizeof(fk));
    memset(&freerec, 0, sizeof(freerec));
    fk.mod2048 = vec_load("rsa2048.modulus.hex", &fk.mod2048_len);
    fk.mod1024 = vec_load("rsa1024.modulus.hex", &fk.mod1024_len);
    kxc = vec_load("ee_rsa2048.kxc", &kxc_len);
    der = vec_load("ee_rsa2048.der", &der_len);
    roots = vec_load("msroots_two.z", &roots_len);
    assert_non_null(kxc);
    assert_non_null(der);
    assert_non_null(roots);
    /* 0: key exchange 2048; 1..9: free; 10: signature 1024; 11: reservation. */
    set_record(&cm, 0, 2048, 0, "first");
    for (size_t i = 1; i < 10; i++)
        assert_int_equal(mdc_mdfs_cmap_set_record(&cm, i, &freerec), MDC_MDFS_OK);
    set_record(&cm, 10, 0, 1024, "second");
    set_record(&cm, 11, 0, 0, "reserved");
    assert_int_equal(mdc_mdfs_cmap_build(&cm, &cmap, &cmap_len), MDC_MDFS_OK);
    mdc_mdfs_cmap_clear(&cm);
    add_file("cmapfile", cmap, cmap_len);
    add_file("KXC00", kxc, kxc_len); /* compressed, upper case */
    add_file("kxc01", der, der_len); /* leftover of a free container */
    add_file("ksc10", der, der_len); /* hex 0x10 is no container: decimal 10 */
    add_file("msroots", roots, roots_len);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < fk.n_files; i++) {
        if (strcmp(fk.files[i].name, "cmapfile") == 0)
            mdc_mdfs_free(fk.files[i].data);
        else if (strcmp(fk.files[i].name, "ksc10") != 0)
            free(fk.files[i].data);
    }
    free(fk.mod2048);
    free(fk.mod1024);
    return 0;
}

static struct mdc_tok *fake_token(void)
{
    struct mdc_tok *tok = mdc_tok_new(NULL, "fake reader");

    assert_non_null(tok);
    tok->edge = &fake_edge;
    tok->card = (struct mdc_card *)&fk; /* any non-NULL: the fake ignores it */
    return tok;
}

static size_t count_class(struct mdc_tok *tok, CK_OBJECT_CLASS cls)
{
    CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof(cls)};
    CK_OBJECT_HANDLE *h;
    size_t n;

    assert_int_equal(mdc_tok_find(tok, &t, 1, &h, &n), CKR_OK);
    free(h);
    return n;
}

static void test_enumerate(void **state)
{
    struct mdc_tok *tok = fake_token();
    size_t n_certs = 0;

    (void)state;
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    /* Private keys are there, but not visible before login. */
    assert_int_equal(count_class(tok, CKO_PRIVATE_KEY), 0);
    assert_int_equal(tok->objs.count, 2 + 2 + 2 + 2);
    for (size_t i = 0; i < tok->objs.count; i++) {
        const struct mdc_tok_object *o = &tok->objs.items[i];

        if (o->cls != CKO_CERTIFICATE)
            continue;
        n_certs++;
        if (o->container == 0)
            assert_string_equal(o->file, "KXC00");
        else if (o->container == 10)
            assert_string_equal(o->file, "ksc10");
        else
            assert_int_equal(o->container, -1); /* msroots */
    }
    assert_int_equal(n_certs, 4);
    assert_int_equal(count_class(tok, CKO_CERTIFICATE), 4);
    /* The signature key of container 10 cannot decrypt. */
    for (size_t i = 0; i < tok->objs.count; i++)
        if (tok->objs.items[i].container == 10 && tok->objs.items[i].cls == CKO_PRIVATE_KEY)
            assert_false(tok->objs.items[i].key_exchange);
    mdc_tok_free(tok);
}

static void test_cache_policy(void **state)
{
    struct mdc_tok *tok = fake_token();
    CK_OBJECT_HANDLE first;

    (void)state;
    /* Cold: cardcf, cardid, then the files; public keys of both containers. */
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_int_equal(fk.reads_cardcf, 1);
    assert_int_equal(fk.reads_cardid, 1);
    assert_int_equal(fk.pubkey_reads, 2);
    first = tok->objs.items[0].handle;

    /* Warm, unchanged: one cardcf read and nothing else. */
    fk.reads_other = 0;
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_int_equal(fk.reads_cardcf, 2);
    assert_int_equal(fk.reads_cardid, 1);
    assert_int_equal(fk.reads_other, 0);

    /* PIN counter moved (Firefox's C_SetPIN(pin, pin)): cache still good. */
    fk.cardcf[1]++;
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_int_equal(fk.reads_cardid, 2);
    assert_int_equal(fk.reads_other, 0);

    /* Files counter moved: files re-read, public keys kept, handles kept. */
    fk.cardcf[4]++;
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_true(fk.reads_other > 0);
    assert_int_equal(fk.pubkey_reads, 2);
    assert_int_equal(tok->objs.items[0].handle, first);

    /* Containers counter moved: public keys read again. */
    fk.cardcf[2]++;
    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_int_equal(fk.pubkey_reads, 4);
    mdc_tok_free(tok);
}

static void new_token_counts(unsigned *cardcf, unsigned *cardid, unsigned *other, unsigned *pubkeys)
{
    struct mdc_tok *tok = fake_token();
    unsigned c0 = fk.reads_cardcf, i0 = fk.reads_cardid, o0 = fk.reads_other, p0 = fk.pubkey_reads;

    assert_int_equal(count_class(tok, CKO_PUBLIC_KEY), 2);
    assert_int_equal(count_class(tok, CKO_CERTIFICATE), 4);
    assert_int_equal(tok->objs.count, 8);
    *cardcf = fk.reads_cardcf - c0;
    *cardid = fk.reads_cardid - i0;
    *other = fk.reads_other - o0;
    *pubkeys = fk.pubkey_reads - p0;
    mdc_tok_free(tok);
}

static void test_disk_cache(void **state)
{
    unsigned cf, id, other, pk;
    struct stat st;
    FILE *f;
    int byte;

    (void)state;
    /* Cold: the card is read and the record written, 0600. */
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    assert_int_equal(pk, 2);
    assert_int_equal(stat(record, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* A new token (as in a new process): cardcf and cardid only. */
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(cf, 2); /* one per find */
    assert_int_equal(id, 1);
    assert_int_equal(other, 0);
    assert_int_equal(pk, 0);

    /* The PIN counter is not part of the key. */
    fk.cardcf[1]++;
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(other, 0);

    /* Files counter moved elsewhere: the card is read, the record replaced... */
    fk.cardcf[4]++;
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    /* ...and the next new token answers from it again. */
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(other, 0);
    assert_int_equal(pk, 0);

    /* Containers counter moved: public keys read from the card again. */
    fk.cardcf[2]++;
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(pk, 2);

    /* Truncated record: ignored, deleted, rebuilt from the card. */
    assert_int_equal(truncate(record, 40), 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    assert_int_equal(pk, 2);
    assert_int_equal(stat(record, &st), 0);
    assert_true(st.st_size > 40);
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(other, 0);

    /* One byte flipped in the middle: the same. */
    f = fopen(record, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    byte = fgetc(f);
    assert_int_not_equal(byte, EOF);
    assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
    assert_int_not_equal(fputc(byte ^ 0xff, f), EOF);
    assert_int_equal(fclose(f), 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(other, 0);
}

static void test_disk_cache_dir_refused(void **state)
{
    unsigned cf, id, other, pk;
    char dir[160];
    struct stat st;

    (void)state;
    new_token_counts(&cf, &id, &other, &pk);
    /* The card directory open to the group: not used, the card is read. */
    snprintf(dir, sizeof(dir), "%s/0102030405060708090a0b0c0d0e0f10", cache_dir);
    assert_int_equal(chmod(dir, 0770), 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    assert_int_equal(chmod(dir, 0700), 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_int_equal(other, 0);
    /* The record readable by others: refused and deleted. */
    assert_int_equal(chmod(record, 0644), 0);
    new_token_counts(&cf, &id, &other, &pk);
    assert_true(other > 0);
    assert_int_equal(stat(record, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_enumerate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_cache_dir_refused, setup, teardown),
    };
    char dir[160];
    int rc;

    /* A private cache directory: never the user's, never an earlier run's. */
    if (mkdtemp(cache_dir) == NULL)
        return 1;
    snprintf(record, sizeof(record), "%s/0102030405060708090a0b0c0d0e0f10/card.rec", cache_dir);
    setenv("MDCARD_CACHE", "1", 1);
    setenv("MDCARD_CACHE_DIR", cache_dir, 1);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(record);
    snprintf(dir, sizeof(dir), "%s/0102030405060708090a0b0c0d0e0f10", cache_dir);
    rmdir(dir);
    rmdir(cache_dir);
    return rc;
}
