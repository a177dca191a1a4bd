package dev.chainrule.api;

/**
 * Thrown by a provider whose stage cannot take the input shape it was given, such as a convolution after a
 * flatten. The message says what the stage needs ("takes C×H×W input"); the runner adds the entry and the
 * shape the previous stage gives.
 */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }

    /** {@code "takes <what> input"}, for the common case. */
    public static ShapeException takes(String what) {
        return new ShapeException("takes " + what + " input");
    }
}
