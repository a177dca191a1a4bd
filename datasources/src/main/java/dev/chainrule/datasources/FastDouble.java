package dev.chainrule.datasources;

import java.nio.charset.StandardCharsets;

/**
 * Parses a decimal number from bytes without making a String: the value {@link Double#parseDouble} gives,
 * bit for bit. Plain decimals of at most 15 significant digits with a decimal exponent of at most 22 in
 * magnitude take the exact fast path (an integer below 2^53 times or divided by an exactly representable
 * power of ten: one correctly rounded operation); anything else goes to {@link Double#parseDouble}.
 * Only digits, one sign, one point and an exponent are numbers: {@code NaN}, {@code Infinity}, hex floats,
 * Java's {@code d}/{@code f} suffixes, and values that overflow to infinity are not (the result is NaN).
 */
final class FastDouble {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private FastDouble() {
    }

    /** The number in {@code b[s..e)}, or NaN when it is not a finite decimal number. */
    static double parse(byte[] b, int s, int e) {
        int i = s;
        boolean neg = false;
        if (i < e && (b[i] == '-' || b[i] == '+')) {
            neg = b[i] == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int exp10 = 0;
        boolean any = false;
        while (i < e) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            if (m != 0 || d != 0) {
                if (++digits > 18) {
                    return slow(b, s, e);
                }
                m = m * 10 + d;
            }
            i++;
        }
        if (i < e && b[i] == '.') {
            i++;
            while (i < e) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                any = true;
                if (m != 0 || d != 0) {
                    if (++digits > 18) {
                        return slow(b, s, e);
                    }
                    m = m * 10 + d;
                }
                exp10--;
                i++;
            }
        }
        if (!any) {
            return Double.NaN;
        }
        if (i < e && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            boolean eneg = false;
            if (i < e && (b[i] == '-' || b[i] == '+')) {
                eneg = b[i] == '-';
                i++;
            }
            if (i >= e) {
                return Double.NaN;
            }
            int x = 0;
            while (i < e) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return Double.NaN;
                }
                if (x < 100_000) {
                    x = x * 10 + d;
                }
                i++;
            }
            exp10 += eneg ? -x : x;
        }
        if (i != e) {
            return Double.NaN;
        }
        if (m == 0) {
            return neg ? -0.0 : 0.0;
        }
        if (digits > 15 || exp10 < -22 || exp10 > 22) {
            return slow(b, s, e);
        }
        double v = exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10];
        return neg ? -v : v;
    }

    /** {@link Double#parseDouble} on text already known to be digits, sign, point and exponent only. */
    private static double slow(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            int c = b[i];
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            double v = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException x) {
            return Double.NaN;
        }
    }
}
