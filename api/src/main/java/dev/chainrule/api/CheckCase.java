package dev.chainrule.api;

/**
 * A case a plugin asks its checks to cover ({@code verify-plugin}, the testkit contracts): options and an
 * input shape that matter for it, such as "2 channels of 5×5, stride 2", beside the defaults the checks try
 * anyway.
 *
 * @param name a short label shown in check output
 * @param inputShape the input row shape
 * @param options the entry's options
 * @param batch rows per batch for a plugin's own batch-level tests (batch-coupled stages need at least 2); the
 *     testkit's shared checks and {@code verify-plugin} always use batches of 4 rows
 */
public record CheckCase(String name, Shape inputShape, Options options, int batch) {
    public CheckCase {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
    }

    /** The rows per batch {@link #of} gives: the 4 rows the testkit's shared checks and verify-plugin use. */
    public static final int DEFAULT_BATCH = 4;

    /** A case with {@link #DEFAULT_BATCH} rows. */
    public static CheckCase of(String name, Shape inputShape, Options options) {
        return new CheckCase(name, inputShape, options, DEFAULT_BATCH);
    }
}
