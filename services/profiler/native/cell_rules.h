/*
 * The profiler's typing rules (type_detection.py) for one cell or string, as inline C shared
 * by the native modules. Every pattern is ASCII: a byte outside ASCII makes a string.
 */
#ifndef DRIFTGATE_CELL_RULES_H
#define DRIFTGATE_CELL_RULES_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

enum {
    C_NULL = 1,
    C_INTEGER = 2,
    C_NUMBER = 4,
    C_BOOLEAN = 8,
    C_DATE = 16,
    C_TIMESTAMP = 32,
    C_STRING = 64
};

static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static inline int two_digits_below(const unsigned char *p, unsigned char tens_max) {
    return p[0] >= '0' && p[0] <= tens_max && is_digit(p[1]);
}

static inline int is_hour(const unsigned char *p) {
    return ((p[0] == '0' || p[0] == '1') && is_digit(p[1])) ||
           (p[0] == '2' && p[1] >= '0' && p[1] <= '3');
}

/* [0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]) over ten bytes. */
static inline int is_date(const unsigned char *s) {
    if (!(is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3])))
        return 0;
    if (s[4] != '-' || s[7] != '-')
        return 0;
    unsigned char m1 = s[5], m2 = s[6], d1 = s[8], d2 = s[9];
    int month = (m1 == '0' && m2 >= '1' && m2 <= '9') || (m1 == '1' && m2 >= '0' && m2 <= '2');
    int day = (d1 == '0' && d2 >= '1' && d2 <= '9') || ((d1 == '1' || d1 == '2') && is_digit(d2)) ||
              (d1 == '3' && (d2 == '0' || d2 == '1'));
    return month && day;
}

/* TIME ZONE? from p to exactly end:
 * ([01][0-9]|2[0-3]):[0-5][0-9](:([0-5][0-9]|60)([.,][0-9]+)?)?(Z|z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)? */
static inline int is_time(const unsigned char *p, const unsigned char *end) {
    if (end - p < 5 || !is_hour(p) || p[2] != ':' || !two_digits_below(p + 3, '5'))
        return 0;
    p += 5;
    if (p < end && *p == ':') {
        if (end - p < 3)
            return 0;
        if (!(two_digits_below(p + 1, '5') || (p[1] == '6' && p[2] == '0')))
            return 0;
        p += 3;
        if (p < end && (*p == '.' || *p == ',')) {
            const unsigned char *q = p + 1;
            while (q < end && is_digit(*q))
                q++;
            if (q == p + 1)
                return 0;
            p = q;
        }
    }
    if (p == end)
        return 1;
    if (*p == 'Z' || *p == 'z')
        return p + 1 == end;
    if (*p != '+' && *p != '-')
        return 0;
    if (end - p < 3 || !is_hour(p + 1))
        return 0;
    p += 3;
    if (p == end)
        return 1;
    if (*p == ':')
        p++;
    return end - p == 2 && two_digits_below(p, '5');
}

static inline int is_boolean(const unsigned char *s, Py_ssize_t n) {
    if (n == 4)
        return memcmp(s, "true", 4) == 0 || memcmp(s, "True", 4) == 0 || memcmp(s, "TRUE", 4) == 0;
    if (n == 5)
        return memcmp(s, "false", 5) == 0 || memcmp(s, "False", 5) == 0 ||
               memcmp(s, "FALSE", 5) == 0;
    return 0;
}

/* The class of one unquoted cell value, by the reference rules in their order. */
static inline int cell_class(const unsigned char *s, const unsigned char *end) {
    Py_ssize_t n = end - s;
    if (n == 0)
        return C_NULL;
    const unsigned char *i = s;
    if (*i == '+' || *i == '-')
        i++;
    const unsigned char *j = i;
    while (j < end && is_digit(*j))
        j++;
    int whole = j > i;
    if (whole && j == end)
        return C_INTEGER;
    int number = whole;
    if (j < end && *j == '.') {
        const unsigned char *k = j + 1;
        while (k < end && is_digit(*k))
            k++;
        number = whole || k > j + 1;
        j = k;
    }
    if (number) {
        if (j == end)
            return C_NUMBER;
        if (*j == 'e' || *j == 'E') {
            const unsigned char *k = j + 1;
            if (k < end && (*k == '+' || *k == '-'))
                k++;
            const unsigned char *e = k;
            while (e < end && is_digit(*e))
                e++;
            if (e > k && e == end)
                return C_NUMBER;
        }
    }
    if (is_boolean(s, n))
        return C_BOOLEAN;
    if (n >= 10 && s[4] == '-' && is_date(s)) {
        if (n == 10)
            return C_DATE;
        unsigned char sep = s[10];
        if ((sep == 'T' || sep == 't' || sep == ' ') && is_time(s + 11, end))
            return C_TIMESTAMP;
    }
    return C_STRING;
}

/* A JSON string's class: a date, a timestamp, or a string (string_type in type_detection). */
static inline int string_class(const unsigned char *s, Py_ssize_t n) {
    if (n >= 10 && s[4] == '-' && is_date(s)) {
        if (n == 10)
            return C_DATE;
        unsigned char sep = s[10];
        if ((sep == 'T' || sep == 't' || sep == ' ') && is_time(s + 11, s + n))
            return C_TIMESTAMP;
    }
    return C_STRING;
}

#endif
