/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/token/config.c: one configuration file per process (it is read once), so
 * this program writes one, points MDCARD_CONF at it and checks what the token layer gets: the
 * reader filters with their fnmatch patterns, the settings, and the environment over the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "token/config.h"
#include "token/tok_int.h"
#include "util/log.h"

static char dir[] = "/tmp/mdcard-test-config-XXXXXX";
static char conf_path[256], log_path[256];

static int setup(void **state)
{
    FILE *f;

    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(conf_path, sizeof(conf_path), "%s/mdcard.conf", dir);
    snprintf(log_path, sizeof(log_path), "%s/log", dir);
    f = fopen(conf_path, "w");
    if (f == NULL)
        return -1;
    fprintf(f,
            "# test\n"
            "reader_include = Yubico YubiKey*\n"
            "reader_include = ACS ACR[0-9]* 0?\n"
            "reader_exclude = *Virtual*\n"
            "reader_exclude = Yubico YubiKey OTP*\n"
            "pin_cache = off\n"
            "cache = off\n"
            "cache_dir = /file/cache\n"
            "log_level = warn:token\n"
            "log_file = %s\n"
            "bogus = 1\n",
            log_path);
    fclose(f);
    setenv("MDCARD_CONF", conf_path, 1);
    unsetenv("MDCARD_DEBUG");
    unsetenv("MDCARD_LOG");
    unsetenv("MDCARD_PIN_CACHE");
    setenv("MDCARD_CACHE", "1", 1);              /* the environment wins over cache = off */
    setenv("MDCARD_CACHE_DIR", "/env/cache", 1); /* and over cache_dir */
    mdc_tok_config_load();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(log_path);
    unlink(conf_path);
    rmdir(dir);
    return 0;
}

static void test_readers(void **state)
{
    (void)state;
    assert_true(mdc_tok_config_reader_allowed("Yubico YubiKey OTP+FIDO+CCID 00 00") == false);
    assert_true(mdc_tok_config_reader_allowed("Yubico YubiKey FIDO+CCID 00 00"));
    assert_true(mdc_tok_config_reader_allowed("ACS ACR39U ICC Reader 00"));  /* '*' spans blanks */
    assert_false(mdc_tok_config_reader_allowed("ACS ACR39U ICC Reader 10")); /* "0?" */
    assert_false(mdc_tok_config_reader_allowed("ACS ACRx 00"));
    assert_false(mdc_tok_config_reader_allowed("yubico yubikey FIDO 00 00"));    /* case matters */
    assert_false(mdc_tok_config_reader_allowed("Yubico YubiKey Virtual 00 00")); /* exclude wins */
    assert_false(mdc_tok_config_reader_allowed("Virtual PCD 00 00"));
    assert_false(mdc_tok_config_reader_allowed("Gemalto PC Twin Reader 00 00"));
    assert_false(mdc_tok_config_reader_allowed(""));
    assert_false(mdc_tok_config_reader_allowed(NULL));
}

static void test_settings(void **state)
{
    (void)state;
    assert_false(mdc_tok_config_pin_cache());
    assert_true(mdc_tok_config_disk_cache());
    assert_string_equal(mdc_tok_config_cache_dir(), "/env/cache");
    /* log_level = warn:token, into log_file, with the problem of line 11. */
    assert_true(mdc_log_enabled(MDC_CAT_TOKEN, MDC_LOG_WARN));
    assert_false(mdc_log_enabled(MDC_CAT_TOKEN, MDC_LOG_INFO));
    assert_false(mdc_log_enabled(MDC_CAT_GIDS, MDC_LOG_ERROR));
}

static void test_log_file(void **state)
{
    char line[512];
    int found = 0;
    FILE *f;

    (void)state;
    MDC_WARN(MDC_CAT_TOKEN, "marker %d", 42);
    MDC_WARN(MDC_CAT_GIDS, "not logged");
    f = fopen(log_path, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strstr(line, ":11: unknown key 'bogus'; line ignored") != NULL &&
            strstr(line, conf_path) != NULL)
            found |= 1;
        if (strstr(line, " warn token test_log_file: marker 42") != NULL)
            found |= 2;
        if (strstr(line, "not logged") != NULL)
            found |= 4;
    }
    fclose(f);
    assert_int_equal(found, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readers),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_log_file),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
