package dev.chainrule.api;

import java.util.List;
import java.util.Locale;

/**
 * One option a component accepts: it documents the option ({@code runner describe}) and validates it
 * ({@link #validate}, run by the providers' {@code Base} classes and by the runner before a factory runs), so
 * the two cannot disagree.
 *
 * <p>Typed specs: {@link #integer}, {@link #number}, {@link #choice}, {@link #bool}, each with an optional
 * default ({@code withDefault}) and, for numbers, a range ({@code range}). A spec made with the four-string
 * constructor is free-form: documented, validated by the plugin itself.
 */
public final class OptionSpec {

    /** What values an option takes. */
    public enum Kind { INTEGER, NUMBER, CHOICE, BOOLEAN, FREE }

    private final String name;
    private final Kind kind;
    private final String typeText;
    private final Object defaultValue;
    private final String defaultText;
    private final String meaning;
    private final double min;
    private final double max;
    private final boolean minOpen;
    private final boolean maxOpen;
    private final List<String> choices;

    private OptionSpec(String name, Kind kind, String typeText, Object defaultValue, String defaultText, String meaning,
            double min, boolean minOpen, double max, boolean maxOpen, List<String> choices) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an option needs a name");
        }
        this.name = name;
        this.kind = kind;
        this.typeText = typeText;
        this.defaultValue = defaultValue;
        this.defaultText = defaultText;
        this.meaning = meaning == null ? "" : meaning;
        this.min = min;
        this.minOpen = minOpen;
        this.max = max;
        this.maxOpen = maxOpen;
        this.choices = List.copyOf(choices);
    }

    /**
     * A free-form option, documented only.
     *
     * @param type a short type description, e.g. {@code "3 or [3, 5]"}
     * @param defaultValue the default as text, or {@code null} when the option is required
     */
    public OptionSpec(String name, String type, String defaultValue, String meaning) {
        this(name, Kind.FREE, type, null, defaultValue, meaning, Double.NEGATIVE_INFINITY, false,
                Double.POSITIVE_INFINITY, false, List.of());
    }

    /** An integer option, required until {@link #withDefault} is given; range defaults to {@code [1, 2^31−1]}. */
    public static OptionSpec integer(String name, String meaning) {
        return new OptionSpec(name, Kind.INTEGER, null, null, null, meaning, 1, false, Integer.MAX_VALUE, false,
                List.of());
    }

    /** A finite number option, required until {@link #withDefault} is given; any finite value until {@link #range}. */
    public static OptionSpec number(String name, String meaning) {
        return new OptionSpec(name, Kind.NUMBER, null, null, null, meaning, -Double.MAX_VALUE, false,
                Double.MAX_VALUE, false, List.of());
    }

    /** One of {@code choices}. */
    public static OptionSpec choice(String name, String meaning, String... choices) {
        if (choices.length == 0) {
            throw new IllegalArgumentException(name + ": a choice needs choices");
        }
        return new OptionSpec(name, Kind.CHOICE, null, null, null, meaning, 0, false, 0, false, List.of(choices));
    }

    /** {@code true} or {@code false}. */
    public static OptionSpec bool(String name, String meaning) {
        return new OptionSpec(name, Kind.BOOLEAN, null, null, null, meaning, 0, false, 0, false, List.of());
    }

    /** This option with a default (then optional). */
    public OptionSpec withDefault(Object value) {
        String text = value == null ? null : value instanceof String str ? str : Options.show(value);
        OptionSpec s = new OptionSpec(name, kind, typeText, value, text,
                meaning, min, minOpen, max, maxOpen, choices);
        if (value != null && kind != Kind.FREE) {
            String bad = s.problem(value);
            if (bad != null) {
                throw new IllegalArgumentException("option " + name + ": default " + bad);
            }
        }
        return s;
    }

    /** A closed range {@code [min, max]}. */
    public OptionSpec range(double min, double max) {
        return range(min, false, max, false);
    }

    /** A range whose ends may be open: {@code range(0, true, 1, true)} is {@code (0, 1)}. */
    public OptionSpec range(double min, boolean minOpen, double max, boolean maxOpen) {
        if (kind != Kind.INTEGER && kind != Kind.NUMBER) {
            throw new IllegalStateException(name + ": only numbers have a range");
        }
        return new OptionSpec(name, kind, typeText, defaultValue, defaultText, meaning, min, minOpen, max, maxOpen,
                choices);
    }

    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** A short type description for {@code describe}: {@code integer in [1, 65536]}, {@code one of a, b}. */
    public String type() {
        return switch (kind) {
            case FREE -> typeText;
            case INTEGER -> "integer " + rangeText(true);
            case NUMBER -> "number " + rangeText(false);
            case CHOICE -> "one of " + String.join(", ", choices);
            case BOOLEAN -> "true or false";
        };
    }

    /** The default as text, or {@code null} when the option is required. */
    public String defaultValue() {
        return defaultText;
    }

    /** The typed default (Integer, Double, String, Boolean) of a typed spec, or {@code null}. */
    public Object defaultObject() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    public boolean required() {
        return defaultText == null;
    }

    public List<String> choices() {
        return choices;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /**
     * Checks the option's value in {@code options} (absent is fine when there is a default).
     *
     * @throws OptionException naming the key, the bad value and what is valid
     */
    public void validate(Options options) {
        if (kind == Kind.FREE) {
            return;
        }
        Object v = options.asMap().get(name);
        if (v == null) {
            if (options.has(name) || defaultText == null) {
                throw new OptionException(name, (options.has(name) ? "null is not a value; " : "required, ") + type());
            }
            return;
        }
        String bad = problem(v);
        if (bad != null) {
            throw new OptionException(name, bad);
        }
    }

    /** The validated value as an int (its default when absent). */
    public int intValue(Options options) {
        requireKind(Kind.INTEGER);
        validate(options);
        Object v = options.asMap().get(name);
        return v == null ? ((Number) defaultValue).intValue() : ((Number) v).intValue();
    }

    /** The validated value as a double (its default when absent). */
    public double numberValue(Options options) {
        requireKind(Kind.NUMBER);
        validate(options);
        Object v = options.asMap().get(name);
        return v == null ? ((Number) defaultValue).doubleValue() : ((Number) v).doubleValue();
    }

    /** The validated choice (its default when absent). */
    public String choiceValue(Options options) {
        requireKind(Kind.CHOICE);
        validate(options);
        Object v = options.asMap().get(name);
        return v == null ? (String) defaultValue : (String) v;
    }

    /** The validated boolean (its default when absent). */
    public boolean boolValue(Options options) {
        requireKind(Kind.BOOLEAN);
        validate(options);
        Object v = options.asMap().get(name);
        return v == null ? (Boolean) defaultValue : (Boolean) v;
    }

    private void requireKind(Kind k) {
        if (kind != k) {
            throw new IllegalStateException("option " + name + " is " + kind.name().toLowerCase(Locale.ROOT) + ", not "
                    + k.name().toLowerCase(Locale.ROOT));
        }
    }

    private String problem(Object v) {
        switch (kind) {
            case INTEGER: {
                if (v instanceof Number n && Options.isIntegral(n)) {
                    long l = n.longValue();
                    if (inRange(l)) {
                        return null;
                    }
                }
                return "must be an integer " + rangeText(true) + ", got " + Options.show(v);
            }
            case NUMBER: {
                if (v instanceof Number n && Double.isFinite(n.doubleValue()) && inRange(n.doubleValue())) {
                    return null;
                }
                return "must be a number " + rangeText(false) + ", got " + Options.show(v);
            }
            case CHOICE:
                return v instanceof String s && choices.contains(s) ? null
                        : "unknown value " + Options.show(v) + "; valid: " + String.join(", ", choices);
            case BOOLEAN:
                return v instanceof Boolean ? null : "must be true or false, got " + Options.show(v);
            default:
                return null;
        }
    }

    private boolean inRange(double d) {
        return (minOpen ? d > min : d >= min) && (maxOpen ? d < max : d <= max);
    }

    private String rangeText(boolean integer) {
        boolean noMin = min <= -Double.MAX_VALUE;
        boolean noMax = max >= Double.MAX_VALUE || (integer && max >= Integer.MAX_VALUE);
        if (noMin && noMax) {
            return "(any)";
        }
        if (!noMin && !noMax && !minOpen && !maxOpen) {
            return "from " + num(min, integer) + " to " + num(max, integer);
        }
        String lo = noMin ? "(−∞" : (minOpen ? "(" : "[") + num(min, integer);
        String hi = noMax ? "∞)" : num(max, integer) + (maxOpen ? ")" : "]");
        return "in " + lo + ", " + hi;
    }

    private static String num(double d, boolean integer) {
        if (integer || d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    @Override
    public String toString() {
        return name + " (" + type() + (defaultText == null ? ", required" : ", default " + defaultText) + ")";
    }
}
