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
 * (String, Number, Boolean, List, Map; the entry's {@code type} key removed). A plugin declares its options
 * as typed {@link OptionSpec}s and reads each through its spec ({@code RATE.numberValue(options)}), so one
 * declaration documents, validates and reads it; the spec's check throws {@link OptionException} naming the
 * key, the bad value and what would be valid. (api 2's getters on this class read a key with a second copy
 * of its range and default; they are gone in api 3.)
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
