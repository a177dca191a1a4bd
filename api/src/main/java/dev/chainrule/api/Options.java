package dev.chainrule.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one configuration entry, as the JSON object's members decoded to plain Java values
 * (String, Number, Boolean, List, Map; the entry's {@code type} key removed). A plugin owns its options:
 * it reads them with the typed getters below, which throw {@link OptionException} naming the key, the bad
 * value and what would be valid.
 */
public final class Options {
    private final Map<String, Object> values;

    public Options(Map<String, ?> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Options empty() {
        return new Options(Map.of());
    }

    public static Options of(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Options(m);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Rejects any key not in {@code specs}: {@code unknown option 'unit'; known: init, units}. */
    public void requireKnown(List<OptionSpec> specs) {
        Set<String> known = new TreeSet<>();
        for (OptionSpec s : specs) {
            known.add(s.name());
        }
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new OptionException(key, "unknown option '" + key + "'; known: "
                        + (known.isEmpty() ? "(none)" : String.join(", ", known)));
            }
        }
    }

    /** A required positive integer, at most {@code max}. */
    public int positiveInt(String key, int max) {
        if (!values.containsKey(key)) {
            throw new OptionException(key, "required, a positive integer");
        }
        return positiveInt(key, 0, max);
    }

    /** A positive integer with a default, at most {@code max}. */
    public int positiveInt(String key, int defaultValue, int max) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number num && isIntegral(num)) {
            long l = num.longValue();
            if (l >= 1 && l <= max) {
                return (int) l;
            }
        }
        throw new OptionException(key, "must be an integer from 1 to " + max + ", got " + show(v));
    }

    /** A finite number with a default, within {@code [min, max]}. */
    public double number(String key, double defaultValue, double min, double max) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number num) {
            double d = num.doubleValue();
            if (Double.isFinite(d) && d >= min && d <= max) {
                return d;
            }
        }
        throw new OptionException(key, "must be a number from " + min + " to " + max + ", got " + show(v));
    }

    /** One of {@code choices}, with a default. */
    public String choice(String key, String defaultValue, List<String> choices) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof String s && choices.contains(s)) {
            return s;
        }
        throw new OptionException(key, "unknown value " + show(v) + "; valid: " + String.join(", ", choices));
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new OptionException(key, "must be true or false, got " + show(v));
    }

    static boolean isIntegral(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return true;
        }
        if (n instanceof java.math.BigInteger) {
            return n.toString().length() < 19;
        }
        return false;
    }

    /** A value as it would appear in JSON. */
    public static String show(Object v) {
        if (v instanceof String s) {
            return "'" + s + "'";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) {
                parts.add(show(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        return String.valueOf(v);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
