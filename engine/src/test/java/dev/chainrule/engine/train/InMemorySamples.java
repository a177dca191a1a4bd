package dev.chainrule.engine.train;

import dev.chainrule.api.Tensor;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.Samples;
import java.util.SplittableRandom;

/** Samples held as double rows, and a small synthetic problem a network can learn. */
public record InMemorySamples(double[][] x, int[] y, int numClasses) implements Samples {
    @Override
    public int size() {
        return y.length;
    }

    @Override
    public int features() {
        return x[0].length;
    }

    /** Four features are a 2×2 one-channel picture (so the blob models take pictures, like the MNIST ones). */
    @Override
    public dev.chainrule.api.Shape shape() {
        return features() == 4 ? dev.chainrule.api.Shape.image(1, 2, 2) : dev.chainrule.api.Shape.of(features());
    }

    @Override
    public void fill(int[] order, int from, int count, Tensor t, int[] labels) {
        for (int b = 0; b < count; b++) {
            int i = order[from + b];
            System.arraycopy(x[i], 0, t.data(), t.offset(b), features());
            labels[b] = y[i];
        }
    }

    /** Three Gaussian blobs in 4 dimensions, well separated: a tiny network reaches ~100%. */
    public static InMemorySamples blobs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (j == y[i] ? 2.0 : 0.0) + 0.3 * (r.nextDouble() - 0.5);
            }
        }
        return new InMemorySamples(x, y, 3);
    }

    public static DataSource.Split blobSplit() {
        return new DataSource.Split(blobs(120, 1), blobs(30, 2));
    }
}
