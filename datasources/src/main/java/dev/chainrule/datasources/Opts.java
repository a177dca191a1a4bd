package dev.chainrule.datasources;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import java.util.ArrayList;
import java.util.List;

/** Reading the free-form options: strings and lists of strings. */
final class Opts {
    private Opts() {
    }

    /** A string option, or null when absent. */
    static String string(Options o, String key) {
        Object v = o.asMap().get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s && !s.isEmpty()) {
            return s;
        }
        throw new OptionException(key, "must be a non-empty string, got " + Options.show(v));
    }

    static String required(Options o, String key, String what) {
        String s = string(o, key);
        if (s == null) {
            throw new OptionException(key, "required, " + what);
        }
        return s;
    }

    /** A list of strings (one string is a list of one), or null when absent. */
    static List<String> strings(Options o, String key) {
        Object v = o.asMap().get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> l) {
            List<String> out = new ArrayList<>();
            for (Object e : l) {
                if (!(e instanceof String s)) {
                    throw new OptionException(key, "must be a list of strings, got " + Options.show(v));
                }
                out.add(s);
            }
            return out;
        }
        throw new OptionException(key, "must be a string or a list of strings, got " + Options.show(v));
    }

    /** A list of positive integers, or null when absent. */
    static int[] ints(Options o, String key) {
        Object v = o.asMap().get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> l) {
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                        || n.doubleValue() < 1 || n.doubleValue() > 65536) {
                    throw new OptionException(key, "must be a list of integers from 1 to 65536, got " + Options.show(v));
                }
                out[i] = n.intValue();
            }
            return out;
        }
        throw new OptionException(key, "must be a list of integers, got " + Options.show(v));
    }
}
