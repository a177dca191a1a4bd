package dev.chainrule.engine.base;

/** A run that went wrong on valid input — training diverged, a gradient check failed (exit code 1). */
public class CheckFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckFailedException(String message) {
        super(message);
    }
}
