package dev.chainrule.examples.jsonl;

import dev.chainrule.api.data.DataException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict parser for one line of JSON Lines: a flat object (RFC 8259) whose values are strings, numbers,
 * {@code true}, {@code false} or {@code null}. A nested object or array, a duplicate key, a bad number or
 * escape, and text after the object are errors: a {@link DataException} that starts with the line's place
 * ({@code iris.jsonl line 7}) and names the key being read and the column.
 *
 * <p>Values come back as {@code String}, {@code Double}, {@code Boolean} or {@code null}, in key order.
 * Nothing recurses and nothing is kept beyond the line, so a hostile line costs its length and no more.
 */
final class FlatJson {
    private final String s;
    private final String where;
    private int i;
    private String key; // the key whose value is being read, for messages

    private FlatJson(String s, String where) {
        this.s = s;
        this.where = where;
    }

    /** The object on {@code line}; {@code where} ({@code file line N}) starts every error message. */
    static Map<String, Object> parse(String line, String where) {
        return new FlatJson(line, where).object();
    }

    private Map<String, Object> object() {
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        expect('{', "a JSON object ('{'), one per line");
        space();
        if (peek() == '}') {
            i++;
        } else {
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("expected a key in double quotes");
                }
                int at = i;
                key = string();
                if (m.containsKey(key)) {
                    i = at;
                    throw error("the key appears twice in the object");
                }
                space();
                expect(':', "':' after the key");
                space();
                m.put(key, value());
                space();
                if (peek() == ',') {
                    i++;
                    key = null;
                } else {
                    expect('}', "',' or '}' after the value");
                    break;
                }
            }
        }
        space();
        if (i < s.length()) {
            key = null;
            throw error("text after the object");
        }
        return m;
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (s.startsWith(word, i)) {
                i += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        if (c == '{' || c == '[') {
            throw error("a nested " + (c == '{' ? "object" : "array") + "; only flat objects of strings, numbers,"
                    + " booleans and null are read");
        }
        throw error(i < s.length() ? "expected a value" : "the line ends before the value");
    }

    /** A JSON number: {@code -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?}, finite as a double. */
    private Double number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (!digits()) {
            throw error("bad number");
        }
        if (peek() == '.') {
            i++;
            if (!digits()) {
                throw error("bad number: digits must follow '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!digits()) {
                throw error("bad number: digits must follow the exponent");
            }
        }
        double d = Double.parseDouble(s.substring(start, i));
        if (Double.isInfinite(d)) {
            throw error("number " + s.substring(start, i) + " is out of range");
        }
        return d;
    }

    private boolean digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start;
    }

    private String string() {
        i++; // the opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("a control character in a string (write it as an escape)");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = i < s.length() ? s.charAt(i++) : ' ';
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                        throw error("bad \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error("expected " + what);
        }
        i++;
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private DataException error(String what) {
        return new DataException(where + (key == null ? "" : ", key '" + key + "'") + ", column " + (i + 1) + ": " + what);
    }
}
