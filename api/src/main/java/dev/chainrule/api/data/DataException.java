package dev.chainrule.api.data;

/**
 * Bad input data, in one line that names the file and the place (line and column, image path or byte
 * offset), the bad value and what would be valid, such as
 * {@code iris.csv line 17: 4 fields, expected 5 (header has 5)}.
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
