/*
 * driftgate.profiler._json_scan: where the complete elements of a buffered JSON array end.
 *
 * The JSON reader keeps the text of an array from the start of its next element. This scan
 * follows strings (with their escapes) and brackets to the end of the last element that is
 * complete at the array's top level; the reader then decodes everything before it in one
 * orjson call. Nothing here validates JSON: a wrong answer on invalid text only makes that
 * decode fail, and the reader falls back to reading element by element, which locates the
 * fault.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

static PyObject *last_element_end(PyObject *self, PyObject *arg) {
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) != 0)
        return NULL;
    const unsigned char *start = view.buf;
    const unsigned char *p = start;
    const unsigned char *end = start + view.len;
    Py_ssize_t depth = 0;
    Py_ssize_t last = -1;
    Py_BEGIN_ALLOW_THREADS
    while (p < end) {
        unsigned char c = *p;
        if (c == '"') {
            p++;
            for (;;) {
                while (p < end && *p != '"' && *p != '\\')
                    p++;
                if (p >= end)
                    goto done; /* the buffer ends inside a string */
                if (*p == '\\') {
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
            if (depth == 0)
                last = p - start + 1;
            else if (depth < 0)
                break; /* the array itself closes */
        }
        p++;
    }
done:
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(last);
}

static PyMethodDef methods[] = {
    {"last_element_end", last_element_end, METH_O,
     "last_element_end(text) -> offset just past the last complete top-level value, or -1"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_json_scan", "Element boundaries in a JSON array.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__json_scan(void) { return PyModule_Create(&module); }
