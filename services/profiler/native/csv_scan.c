/*
 * driftgate.profiler._csv_scan: one pass over a block of CSV rows that types every cell.
 *
 * The profiler's reference rules (type_detection.csv_cell_type: empty is null, then integer,
 * number, boolean, date, timestamp, string) applied byte by byte while the block is split into
 * rows and fields, so no cell is ever copied out. The scanner accepts only plain CSV: fields
 * separated by commas, rows ended by LF or CRLF, quoted fields closed and followed by a comma or
 * a line end, every row as wide as the header, valid UTF-8, no NUL. Anything else makes it
 * return None, and the caller reads the block with Arrow or Python's csv module, which decide
 * (and locate errors). A property test holds this scanner to the reference walk.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cell_rules.h"

/* Strict UTF-8 as Python decodes it: no overlongs, no surrogates, nothing past U+10FFFF. */
static int valid_utf8(const unsigned char *p, const unsigned char *end) {
    while (p < end) {
        if (end - p >= 8) {
            uint64_t word;
            memcpy(&word, p, 8);
            if (!(word & 0x8080808080808080ULL)) {
                p += 8;
                continue;
            }
        }
        unsigned char c = *p;
        if (c < 0x80) {
            p++;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (end - p < 2 || (p[1] & 0xC0) != 0x80)
                return 0;
            p += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (end - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
                return 0;
            if (c == 0xE0 && p[1] < 0xA0)
                return 0; /* overlong */
            if (c == 0xED && p[1] >= 0xA0)
                return 0; /* surrogate */
            p += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (end - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
                (p[3] & 0xC0) != 0x80)
                return 0;
            if (c == 0xF0 && p[1] < 0x90)
                return 0; /* overlong */
            if (c == 0xF4 && p[1] >= 0x90)
                return 0; /* past U+10FFFF */
            p += 4;
        } else {
            return 0;
        }
    }
    return 1;
}

typedef struct {
    Py_ssize_t rows;
    Py_ssize_t newlines;
    Py_ssize_t consumed;
} ScanResult;

/* Returns 1 when the block is plain CSV (results filled), 0 when the general path must read it. */
static int scan_block(const unsigned char *p, const unsigned char *end, Py_ssize_t ncols,
                      Py_ssize_t max_rows, int *masks, Py_ssize_t *nulls, ScanResult *out) {
    const unsigned char *start = p;
    Py_ssize_t rows = 0, newlines = 0;
    while (p < end && rows < max_rows) {
        if (*p == '\n') { /* a blank line: the csv module yields no row */
            newlines++;
            p++;
            continue;
        }
        if (*p == '\r') {
            if (end - p >= 2 && p[1] == '\n') {
                newlines++;
                p += 2;
                continue;
            }
            return 0;
        }
        Py_ssize_t col = 0;
        for (;;) {
            int cls;
            const unsigned char *after;
            if (p < end && *p == '"') {
                const unsigned char *q = p + 1;
                int escaped = 0;
                for (;;) {
                    const unsigned char *quote = memchr(q, '"', (size_t)(end - q));
                    if (quote == NULL)
                        return 0; /* never closed in this block */
                    if (quote + 1 < end && quote[1] == '"') {
                        escaped = 1;
                        q = quote + 2;
                        continue;
                    }
                    q = quote;
                    break;
                }
                for (const unsigned char *c = p + 1; c < q; c++) {
                    if (*c == '\n')
                        newlines++;
                    else if (*c == '\0')
                        return 0;
                }
                /* A doubled quote leaves a quote in the value: a string under every rule. */
                cls = escaped ? C_STRING : cell_class(p + 1, q);
                after = q + 1;
                if (after < end && *after != ',' && *after != '\n' && *after != '\r')
                    return 0; /* text after the closing quote */
            } else {
                const unsigned char *q = p;
                while (q < end && *q != ',' && *q != '\n' && *q != '\r') {
                    if (*q == '\0')
                        return 0;
                    q++;
                }
                cls = cell_class(p, q);
                after = q;
            }
            if (col >= ncols)
                return 0; /* wider than the header */
            masks[col] |= cls;
            if (cls == C_NULL)
                nulls[col]++;
            col++;
            if (after >= end) {
                p = after;
                break;
            }
            if (*after == ',') {
                p = after + 1;
                if (p >= end || *p == '\n' || *p == '\r') {
                    /* A trailing comma: one more, empty field. */
                    if (col >= ncols)
                        return 0;
                    masks[col] |= C_NULL;
                    nulls[col]++;
                    col++;
                    if (p >= end)
                        break;
                    after = p;
                } else {
                    continue;
                }
            }
            if (*after == '\n') {
                newlines++;
                p = after + 1;
                break;
            }
            if (*after == '\r' && end - after >= 2 && after[1] == '\n') {
                newlines++;
                p = after + 2;
                break;
            }
            return 0; /* a lone carriage return */
        }
        if (col != ncols)
            return 0; /* narrower than the header */
        rows++;
    }
    out->rows = rows;
    out->newlines = newlines;
    out->consumed = p - start;
    return 1;
}

static PyObject *scan(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "scan(data, columns, max_rows)");
        return NULL;
    }
    Py_ssize_t ncols = PyLong_AsSsize_t(args[1]);
    Py_ssize_t max_rows = PyLong_AsSsize_t(args[2]);
    if ((ncols == -1 || max_rows == -1) && PyErr_Occurred())
        return NULL;
    if (ncols <= 0 || max_rows < 0) {
        PyErr_SetString(PyExc_ValueError, "columns must be positive and max_rows not negative");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(args[0], &view, PyBUF_SIMPLE) != 0)
        return NULL;
    int *masks = calloc((size_t)ncols, sizeof(int));
    Py_ssize_t *nulls = calloc((size_t)ncols, sizeof(Py_ssize_t));
    if (masks == NULL || nulls == NULL) {
        free(masks);
        free(nulls);
        PyBuffer_Release(&view);
        return PyErr_NoMemory();
    }
    const unsigned char *data = view.buf;
    const unsigned char *end = data + view.len;
    ScanResult result = {0, 0, 0};
    int plain;
    Py_BEGIN_ALLOW_THREADS
    plain = valid_utf8(data, end) && scan_block(data, end, ncols, max_rows, masks, nulls, &result);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    PyObject *answer = NULL;
    if (!plain) {
        answer = Py_NewRef(Py_None);
        goto done;
    }
    PyObject *mask_tuple = PyTuple_New(ncols);
    PyObject *null_tuple = PyTuple_New(ncols);
    if (mask_tuple == NULL || null_tuple == NULL) {
        Py_XDECREF(mask_tuple);
        Py_XDECREF(null_tuple);
        goto done;
    }
    for (Py_ssize_t i = 0; i < ncols; i++) {
        PyObject *m = PyLong_FromLong(masks[i]);
        PyObject *n = PyLong_FromSsize_t(nulls[i]);
        if (m == NULL || n == NULL) {
            Py_XDECREF(m);
            Py_XDECREF(n);
            Py_DECREF(mask_tuple);
            Py_DECREF(null_tuple);
            goto done;
        }
        PyTuple_SET_ITEM(mask_tuple, i, m);
        PyTuple_SET_ITEM(null_tuple, i, n);
    }
    answer = Py_BuildValue("(nnnNN)", result.rows, result.newlines, result.consumed, mask_tuple,
                           null_tuple);
done:
    free(masks);
    free(nulls);
    return answer;
}

/* column_classes(data, offsets, validity, offset, length): an Arrow utf8 array's buffers
 * (validity may be None) -> (class bits, nulls). Arrow has validated the UTF-8. */
static PyObject *column_classes(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "column_classes(data, offsets, validity, offset, length)");
        return NULL;
    }
    Py_ssize_t offset = PyLong_AsSsize_t(args[3]);
    Py_ssize_t length = PyLong_AsSsize_t(args[4]);
    if ((offset == -1 || length == -1) && PyErr_Occurred())
        return NULL;
    Py_buffer data = {0}, offsets = {0}, validity = {0};
    int has_data = args[0] != Py_None, has_validity = args[2] != Py_None;
    if (has_data && PyObject_GetBuffer(args[0], &data, PyBUF_SIMPLE) != 0)
        return NULL;
    if (PyObject_GetBuffer(args[1], &offsets, PyBUF_SIMPLE) != 0)
        goto fail_data;
    if (has_validity && PyObject_GetBuffer(args[2], &validity, PyBUF_SIMPLE) != 0)
        goto fail_offsets;
    if (offset < 0 || length < 0 ||
        (offset + length + 1) * (Py_ssize_t)sizeof(int32_t) > offsets.len ||
        (has_validity && (offset + length + 7) / 8 > validity.len)) {
        PyErr_SetString(PyExc_ValueError, "offset and length do not fit the buffers");
        goto fail_validity;
    }
    const int32_t *ends = offsets.buf;
    const unsigned char *bytes = has_data ? data.buf : (const unsigned char *)"";
    const unsigned char *bits = validity.buf;
    Py_ssize_t data_len = has_data ? data.len : 0;
    int mask = 0;
    Py_ssize_t nulls = 0;
    for (Py_ssize_t i = offset; i < offset + length; i++) {
        if (has_validity && !((bits[i >> 3] >> (i & 7)) & 1)) {
            nulls++;
            continue;
        }
        if (ends[i] < 0 || ends[i] > ends[i + 1] || ends[i + 1] > data_len) {
            PyErr_SetString(PyExc_ValueError, "offsets outside the data buffer");
            goto fail_validity;
        }
        int cls = cell_class(bytes + ends[i], bytes + ends[i + 1]);
        if (cls == C_NULL)
            nulls++;
        mask |= cls;
    }
    if (nulls)
        mask |= C_NULL;
    if (has_validity)
        PyBuffer_Release(&validity);
    PyBuffer_Release(&offsets);
    if (has_data)
        PyBuffer_Release(&data);
    return Py_BuildValue("(in)", mask, nulls);
fail_validity:
    if (has_validity)
        PyBuffer_Release(&validity);
fail_offsets:
    PyBuffer_Release(&offsets);
fail_data:
    if (has_data)
        PyBuffer_Release(&data);
    return NULL;
}

static PyObject *classify(PyObject *self, PyObject *arg) {
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) != 0)
        return NULL;
    const unsigned char *s = view.buf;
    int cls = cell_class(s, s + view.len);
    PyBuffer_Release(&view);
    return PyLong_FromLong(cls);
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(data, columns, max_rows) -> (rows, newlines, consumed, masks, nulls) | None"},
    {"column_classes", (PyCFunction)(void (*)(void))column_classes, METH_FASTCALL,
     "column_classes(data, offsets, validity, offset, length) -> (class bits, nulls)"},
    {"classify", classify, METH_O, "classify(cell: bytes) -> class bit of one unquoted cell"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_csv_scan", "One-pass CSV cell typing.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__csv_scan(void) { return PyModule_Create(&module); }
