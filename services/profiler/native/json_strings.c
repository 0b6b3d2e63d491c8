/*
 * driftgate.profiler._json_strings: the classes of a column of decoded JSON strings.
 *
 * The fast JSON walk hands over a column (a list) of values. If every one is a str, the answer
 * is the union of their classes (date, timestamp or string, as type_detection.string_type
 * says) as class bits; otherwise None, and the walk types the column value by value. An ASCII
 * str is read in place; any other str is a string, since every date and timestamp is ASCII.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "cell_rules.h"

static PyObject *string_classes(PyObject *self, PyObject *values) {
    (void)self;
    PyObject *seq = PySequence_Fast(values, "string_classes() takes a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    int mask = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = items[i];
        if (!PyUnicode_CheckExact(item)) {
            Py_DECREF(seq);
            Py_RETURN_NONE;
        }
        if (mask == (C_DATE | C_TIMESTAMP | C_STRING))
            continue; /* nothing left to find: only the kinds are still checked */
        if (PyUnicode_IS_ASCII(item))
            mask |= string_class(PyUnicode_1BYTE_DATA(item), PyUnicode_GET_LENGTH(item));
        else
            mask |= C_STRING;
    }
    Py_DECREF(seq);
    return PyLong_FromLong(mask);
}

static PyMethodDef methods[] = {
    {"string_classes", string_classes, METH_O,
     "string_classes(values) -> class bits of an all-str column, or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_json_strings", "Typing a column of JSON strings.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__json_strings(void) { return PyModule_Create(&module); }
