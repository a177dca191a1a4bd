package dev.chainrule.api;

/**
 * A bad option in a component's configuration entry. {@link #key()} names the option (relative to the
 * entry, e.g. {@code units}); the runner prefixes the entry's JSON path, giving messages such as
 * {@code network.layers[0].units: must be a positive integer, got 0}.
 */
public class OptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public OptionException(String key, String message) {
        super(message);
        this.key = key;
    }

    /** The option's name, or {@code null} when the message is about the entry as a whole. */
    public String key() {
        return key;
    }

    /** {@code key: message}, or the message alone. */
    public String describe() {
        return key == null ? getMessage() : key + ": " + getMessage();
    }
}
