/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/mdfs/certname.c: kscXX/kxcXX names, hex first, decimal fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mdfs/certfile.h"

static void test_format(void **state)
{
    char s[MDC_CERTNAME_SIZE];

    (void)state;
    assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_KX, 0, s), MDC_MDFS_OK);
    assert_string_equal(s, "kxc00");
    assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_SIG, 1, s), MDC_MDFS_OK);
    assert_string_equal(s, "ksc01");
    assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_KX, 10, s), MDC_MDFS_OK);
    assert_string_equal(s, "kxc0A");
    assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_KX, 126, s), MDC_MDFS_OK);
    assert_string_equal(s, "kxc7E");
    assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_KX, 127, s), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_certname_format((mdc_cert_kind)2, 1, s), MDC_MDFS_ERR_ARGS);
}

static void check(const char *name, mdc_mdfs_rv rv, mdc_cert_kind kind, int hex, int dec)
{
    mdc_certname n;

    assert_int_equal(mdc_mdfs_certname_parse(name, strlen(name), &n), rv);
    if (rv != MDC_MDFS_OK)
        return;
    assert_int_equal(n.kind, kind);
    assert_int_equal(n.hex_index, hex);
    assert_int_equal(n.dec_index, dec);
}

static void test_parse(void **state)
{
    (void)state;
    check("kxc00", MDC_MDFS_OK, MDC_CERT_KX, 0, 0);
    check("ksc09", MDC_MDFS_OK, MDC_CERT_SIG, 9, 9);
    check("kxc0A", MDC_MDFS_OK, MDC_CERT_KX, 10, -1);
    check("KXC0a", MDC_MDFS_OK, MDC_CERT_KX, 10, -1);
    check("kxc10", MDC_MDFS_OK, MDC_CERT_KX, 16, 10);
    check("kxc2", MDC_MDFS_OK, MDC_CERT_KX, 2, 2);              /* cardmod.h comment style */
    check("kxc126", MDC_MDFS_OK, MDC_CERT_KX, -1, 126);         /* hex 0x126 is no container */
    check("kxc127", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0); /* neither reading is 0..126 */
    check("kxc7E", MDC_MDFS_OK, MDC_CERT_KX, 126, -1);
    check("kxc7F", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kxc99", MDC_MDFS_OK, MDC_CERT_KX, -1, 99);
    check("kxc", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kxc0001", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kxs00", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kss00", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("msroots", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kxc0G", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("kxc-1", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
    check("", MDC_MDFS_ERR_NOT_FOUND, MDC_CERT_KX, 0, 0);
}

static void test_parse_raw_field(void **state)
{
    /* A master-table field: NUL padded, and one with no NUL at all. */
    const char padded[9] = {'k', 'x', 'c', '0', 'B', 0, 0, 0, 0};
    const char full[9] = {'k', 'x', 'c', '0', '1', 'x', 'x', 'x', 'x'};
    mdc_certname n;

    (void)state;
    assert_int_equal(mdc_mdfs_certname_parse(padded, sizeof(padded), &n), MDC_MDFS_OK);
    assert_int_equal(n.hex_index, 11);
    assert_int_equal(mdc_mdfs_certname_parse(full, sizeof(full), &n), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_certname_parse(full, 5, &n), MDC_MDFS_OK);
    assert_int_equal(n.hex_index, 1);
    assert_int_equal(mdc_mdfs_certname_parse(NULL, 5, &n), MDC_MDFS_ERR_ARGS);
}

static void test_resolve(void **state)
{
    bool valid[20] = {false};
    mdc_certname n;
    unsigned idx;

    (void)state;
    /* kxc10: container 16 when it exists, else container 10 (decimal writers). */
    assert_int_equal(mdc_mdfs_certname_parse("kxc10", 5, &n), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 20, &idx), MDC_MDFS_ERR_NOT_FOUND);
    valid[10] = true;
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 20, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 10);
    valid[16] = true;
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 20, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 16);
    /* Only 12 containers known: hex 16 is out of the set, decimal wins. */
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 12, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 10);
    /* kxc0A has no decimal reading. */
    assert_int_equal(mdc_mdfs_certname_parse("kxc0a", 5, &n), MDC_MDFS_OK);
    valid[10] = false;
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 20, &idx), MDC_MDFS_ERR_NOT_FOUND);
    valid[10] = true;
    assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 11, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 10);
    assert_int_equal(mdc_mdfs_certname_resolve(&n, NULL, 0, &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_certname_resolve(&n, NULL, 3, &idx), MDC_MDFS_ERR_ARGS);
}

/* Every written name reads back as its own index, hex first. */
static void test_format_parse_all(void **state)
{
    bool valid[127];
    unsigned i, idx;
    char s[MDC_CERTNAME_SIZE];
    mdc_certname n;

    (void)state;
    for (i = 0; i < 127; i++)
        valid[i] = true;
    for (i = 0; i < 127; i++) {
        assert_int_equal(mdc_mdfs_certname_format(MDC_CERT_SIG, i, s), MDC_MDFS_OK);
        assert_int_equal(mdc_mdfs_certname_parse(s, strlen(s), &n), MDC_MDFS_OK);
        assert_int_equal(n.kind, MDC_CERT_SIG);
        assert_int_equal(mdc_mdfs_certname_resolve(&n, valid, 127, &idx), MDC_MDFS_OK);
        assert_int_equal(idx, i);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),           cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_raw_field),  cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_format_parse_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
