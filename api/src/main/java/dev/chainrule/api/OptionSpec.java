package dev.chainrule.api;

/**
 * One option a component accepts, for {@code runner describe} and for rejecting unknown keys.
 *
 * @param name the JSON key
 * @param type a short type description, e.g. {@code "positive integer"} or {@code "one of glorot-uniform, he-normal, zeros"}
 * @param defaultValue the default as text, or {@code null} when the option is required
 * @param meaning one line
 */
public record OptionSpec(String name, String type, String defaultValue, String meaning) {
    public boolean required() {
        return defaultValue == null;
    }
}
