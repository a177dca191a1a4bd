package dev.chainrule.api;

import java.util.Arrays;

/**
 * The shape of one sample as a stage sees it, such as {@code 1×28×28} for an MNIST image or {@code 128}
 * for a hidden layer's output.
 *
 * <p>Layout: a sample is always one contiguous row of {@link #size()} doubles, flattened row-major, so for
 * an image {@code C×H×W} (channel-major) entry {@code (c, y, x)} sits at {@code (c·H + y)·W + x}. A shape
 * only tells a stage how to read its row; stages that do not care (dense, element-wise maps) accept any
 * shape of the right size.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
        long size = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + text(dims) + ": every dimension must be positive");
            }
            size *= d;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("shape " + text(dims) + " has too many entries");
            }
        }
        this.dims = dims;
    }

    /** A shape of the given dimensions, outermost first. */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** An image of {@code channels × height × width}. */
    public static Shape image(int channels, int height, int width) {
        return new Shape(new int[] {channels, height, width});
    }

    /** The number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}, outermost first. */
    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** The number of doubles in a sample's row: the product of the dimensions. */
    public int size() {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    /** This shape seen as one vector of {@link #size()} entries. */
    public Shape flat() {
        return dims.length == 1 ? this : of(size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code 1×28×28}; a vector is just its size, {@code 784}. */
    @Override
    public String toString() {
        return text(dims);
    }

    private static String text(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "×").append(dims[i]);
        }
        return sb.toString();
    }
}
