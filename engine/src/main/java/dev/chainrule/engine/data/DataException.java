package dev.chainrule.engine.data;

/**
 * A data file or data source that cannot be used. The message is one line naming the file (or source),
 * the byte offset where it applies, the bad value and what was expected, so the runner can print it as is.
 */
public class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
