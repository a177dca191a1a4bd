package dev.chainrule.engine.base;

/**
 * Input the runner cannot use — a config, a data folder, a model, an output folder. The message is the
 * one line the user sees (exit code 2): it names the file or JSON path, the bad value and the valid choices.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
