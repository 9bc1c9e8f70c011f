/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * include/mdcard/pkcs11.h against NSS's 3.0 headers: every size, member
 * offset and flag value we declare must equal NSS's (companion TU
 * test_pkcs11_h_nss.inc fills the reference table).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mdcard/pkcs11.h"

struct layout_entry {
    const char *name;
    unsigned long value;
};

extern const struct layout_entry mdc_test_nss_layout[];

static const struct layout_entry ours[] = {
#define LAYOUT_SIZE(type) {"sizeof(" #type ")", sizeof(type)},
#define LAYOUT_OFF(type, member) {"offsetof(" #type ", " #member ")", offsetof(type, member)},
#define LAYOUT_VALUE(macro) {#macro, (unsigned long)(macro)},
#include "test_pkcs11_h_layout.h"
#undef LAYOUT_SIZE
#undef LAYOUT_OFF
#undef LAYOUT_VALUE
    {NULL, 0},
};

static void test_same_layout(void **state)
{
    size_t i, mismatches = 0;

    (void)state;
    for (i = 0; ours[i].name != NULL; i++) {
        assert_non_null(mdc_test_nss_layout[i].name);
        assert_string_equal(ours[i].name, mdc_test_nss_layout[i].name);
        if (ours[i].value != mdc_test_nss_layout[i].value) {
            print_error("%s: ours %lu, NSS %lu\n", ours[i].name, ours[i].value,
                        mdc_test_nss_layout[i].value);
            mismatches++;
        }
    }
    assert_null(mdc_test_nss_layout[i].name);
    assert_true(i > 100); /* the list really was compared */
    assert_int_equal(mismatches, 0);
}

static void test_list_extends_2_40(void **state)
{
    (void)state;
    /* The 3.0 list is the 2.40 list followed by the new members. */
    assert_int_equal(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterfaceList), sizeof(CK_FUNCTION_LIST));
    assert_int_equal(sizeof(CK_FUNCTION_LIST_3_0),
                     sizeof(CK_FUNCTION_LIST) + 24 * sizeof(CK_C_GetInterface));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_layout),
        cmocka_unit_test(test_list_extends_2_40),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
