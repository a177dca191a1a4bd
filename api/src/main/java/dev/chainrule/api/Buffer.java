package dev.chainrule.api;

/**
 * Non-trained state a stage keeps between batches, such as batch normalization's running mean and
 * variance: saved in model files and checkpoints beside the parameters and restored before
 * {@code evaluate}, {@code predict} and {@code --resume}, but never touched by an optimizer.
 * Values are flattened row-major over {@link #shape()}.
 */
public final class Buffer {
    private final String name;
    private final Shape shape;
    private final double[] values;

    public Buffer(String name, Shape shape) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a buffer needs a name");
        }
        this.name = name;
        this.shape = shape;
        this.values = new double[shape.size()];
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
