package dev.chainrule.api;

/**
 * What a provider receives to build one instance.
 *
 * @param type the type id the config named (set by the providers' {@code Base} classes and the runner;
 *     empty when a test builds a stage directly)
 * @param inputShape the shape of each input row, from the data or the previous stage's
 *     {@link Stage#outputShape()} (for a loss: the prediction, a vector of N)
 * @param options the entry's options, {@code type} removed
 * @param seed a seed derived from the run's seed and the entry's position, for initialisers; the same
 *     config and seed give the same seed here, so the same weights
 * @param inputShapes the shape of each input, in the order of the entry's {@code inputs} (api 3.1): one for
 *     an ordinary stage ({@code [inputShape]}), several for a {@link Merge}, whose {@code inputShape} is then
 *     the packed vector of all of them ({@link #merge})
 */
public record BuildContext(String type, Shape inputShape, Options options, long seed, java.util.List<Shape> inputShapes) {
    public BuildContext {
        if (inputShape == null) {
            throw new IllegalArgumentException("input shape missing");
        }
        type = type == null ? "" : type;
        options = options == null ? Options.empty() : options;
        inputShapes = inputShapes == null || inputShapes.isEmpty() ? java.util.List.of(inputShape)
                : java.util.List.copyOf(inputShapes);
    }

    /** A context for a stage of one input. */
    public BuildContext(String type, Shape inputShape, Options options, long seed) {
        this(type, inputShape, options, seed, null);
    }

    /**
     * A context for a {@link Merge} of inputs of {@code shapes}; its {@link #inputShape()} is the packed vector
     * of {@code Σ size} values the merge's one-input {@link Stage} form takes.
     */
    public static BuildContext merge(String type, java.util.List<Shape> shapes, Options options, long seed) {
        if (shapes == null || shapes.isEmpty()) {
            throw new IllegalArgumentException("a merge needs at least one input shape");
        }
        int n = 0;
        for (Shape s : shapes) {
            n = Math.addExact(n, s.size());
        }
        return new BuildContext(type, Shape.of(n), options, seed, shapes);
    }

    /** A context for flat rows of {@code inputSize}. */
    public BuildContext(int inputSize, Options options, long seed) {
        this("", flat(inputSize), options, seed);
    }

    public BuildContext(Shape inputShape, Options options, long seed) {
        this("", inputShape, options, seed);
    }

    public static BuildContext of(int inputSize, Options options) {
        return new BuildContext(inputSize, options, 0L);
    }

    public static BuildContext of(Shape inputShape, Options options) {
        return new BuildContext(inputShape, options, 0L);
    }

    /** n, the size of each input row. */
    public int inputSize() {
        return inputShape.size();
    }

    public BuildContext withType(String t) {
        return new BuildContext(t, inputShape, options, seed, inputShapes);
    }

    private static Shape flat(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("input size must be positive, got " + n);
        }
        return Shape.of(n);
    }
}
