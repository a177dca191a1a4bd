package dev.chainrule.engine.io;

import java.util.Locale;

/** Values shown in one-line messages. */
public final class Text {
    private Text() {
    }

    /**
     * {@code s} with control characters written as escapes ({@code \n}, {@code \u0007}), so a value from a
     * file cannot cut a message short or add lines to it.
     */
    public static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                        ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.substring(0, i));
            }
            if (sb != null) {
                sb.append(rep != null ? rep : String.valueOf(c));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** A number as a human reads it: fixed with {@code decimals} places, scientific once it is large. */
    public static String number(double v, int decimals) {
        if (Double.isFinite(v) && Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%." + decimals + "e", v);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
