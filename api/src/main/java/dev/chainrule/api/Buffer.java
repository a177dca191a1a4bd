package dev.chainrule.api;

/**
 * Non-trained state a stage keeps between batches, such as batch normalization's running mean and
 * variance: saved in model files and checkpoints beside the parameters and restored before
 * {@code evaluate}, {@code predict} and {@code --resume}, but never touched by an optimizer.
 * Values are flattened row-major over {@link #shape()}.
 *
 * <p>Every value must be finite; a buffer made with {@code nonNegative = true} (a variance, such as batch
 * normalization's {@code running_var}) must also hold no value below 0. The runner checks both where it loads a
 * buffer (model files, checkpoints) and after training steps (divergence). (api 3.1, additive: the two-argument
 * constructor makes a buffer that may be negative, as before.)
 */
public final class Buffer {
    private final String name;
    private final Shape shape;
    private final double[] values;
    private final boolean nonNegative;

    public Buffer(String name, Shape shape) {
        this(name, shape, false);
    }

    /**
     * @param nonNegative whether every value must be ≥ 0 (a variance): a loaded value below 0 is refused, as a
     *     non-finite one is for every buffer
     */
    public Buffer(String name, Shape shape, boolean nonNegative) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a buffer needs a name");
        }
        this.name = name;
        this.shape = shape;
        this.values = new double[shape.size()];
        this.nonNegative = nonNegative;
    }

    /** Whether every value must be ≥ 0 (a variance); false unless made so. */
    public boolean nonNegative() {
        return nonNegative;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    /** The values (not a copy). */
    public double[] values() {
        return values;
    }

    public int size() {
        return values.length;
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
