/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Certificate file names kscXX/kxcXX: format, parse (hex and decimal), resolve. */
#include "mdfs/certfile.h"
#include "mdfs/cmapfile.h"

#define SUFFIX_MAX 3

mdc_mdfs_rv mdc_mdfs_certname_format(mdc_cert_kind kind, unsigned index,
                                     char out[MDC_CERTNAME_SIZE])
{
    static const char hex[] = "0123456789ABCDEF";

    if (out == NULL || index >= MDC_CMAP_MAX_RECORDS ||
        (kind != MDC_CERT_KX && kind != MDC_CERT_SIG))
        return MDC_MDFS_ERR_ARGS;
    out[0] = 'k';
    out[1] = kind == MDC_CERT_KX ? 'x' : 's';
    out[2] = 'c';
    out[3] = hex[(index >> 4) & 0x0fu];
    out[4] = hex[index & 0x0fu];
    out[5] = '\0';
    return MDC_MDFS_OK;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

mdc_mdfs_rv mdc_mdfs_certname_parse(const char *name, size_t len, mdc_certname *out)
{
    size_t n = 0, i;
    int hex = 0, dec = 0;
    int hex_ok = 1, dec_ok = 1;

    if (name == NULL || out == NULL)
        return MDC_MDFS_ERR_ARGS;
    /* Names come NUL-padded from the master table; the first NUL ends them. */
    while (n < len && name[n] != '\0')
        n++;
    if (n < 4 || n > 3 + SUFFIX_MAX || lower(name[0]) != 'k' || lower(name[2]) != 'c')
        return MDC_MDFS_ERR_NOT_FOUND;
    if (lower(name[1]) == 'x')
        out->kind = MDC_CERT_KX;
    else if (lower(name[1]) == 's')
        out->kind = MDC_CERT_SIG;
    else
        return MDC_MDFS_ERR_NOT_FOUND;
    for (i = 3; i < n; i++) {
        int c = (unsigned char)name[i];
        int h = hex_value(c);
        if (h < 0)
            hex_ok = 0;
        else
            hex = hex * 16 + h;
        if (c < '0' || c > '9')
            dec_ok = 0;
        else
            dec = dec * 10 + (c - '0');
    }
    out->hex_index = (hex_ok && hex < MDC_CMAP_MAX_RECORDS) ? hex : -1;
    out->dec_index = (dec_ok && dec < MDC_CMAP_MAX_RECORDS) ? dec : -1;
    if (out->hex_index < 0 && out->dec_index < 0)
        return MDC_MDFS_ERR_NOT_FOUND;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_certname_resolve(const mdc_certname *name, const bool *valid, size_t count,
                                      unsigned *index)
{
    if (name == NULL || index == NULL || (valid == NULL && count != 0))
        return MDC_MDFS_ERR_ARGS;
    if (name->hex_index >= 0 && (size_t)name->hex_index < count && valid[name->hex_index]) {
        *index = (unsigned)name->hex_index;
        return MDC_MDFS_OK;
    }
    if (name->dec_index >= 0 && (size_t)name->dec_index < count && valid[name->dec_index]) {
        *index = (unsigned)name->dec_index;
        return MDC_MDFS_OK;
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}
