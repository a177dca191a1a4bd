package dev.chainrule.api;

/**
 * What a provider receives to build one instance.
 *
 * @param inputSize n, the size of each input row (for a loss: N, the size of the prediction)
 * @param options the entry's options, {@code type} removed
 * @param seed a seed derived from the run's seed and the entry's position, for initialisers; the same
 *     config and seed give the same seed here, so the same weights
 */
public record BuildContext(int inputSize, Options options, long seed) {
    public BuildContext {
        if (inputSize <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + inputSize);
        }
    }

    public static BuildContext of(int inputSize, Options options) {
        return new BuildContext(inputSize, options, 0L);
    }
}
