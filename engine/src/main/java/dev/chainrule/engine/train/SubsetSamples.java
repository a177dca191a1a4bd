package dev.chainrule.engine.train;

import dev.chainrule.api.Tensor;
import java.util.SplittableRandom;

/** The samples {@code indices[0..]} of {@code base}, renumbered 0..indices.length−1. */
public final class SubsetSamples implements Samples {
    private final Samples base;
    private final int[] indices;
    private int[] scratch = new int[0];

    public SubsetSamples(Samples base, int[] indices) {
        this.base = base;
        this.indices = indices.clone();
    }

    /**
     * A seeded validation split: a shuffled {@code round(fraction·n)} of the samples (at least one, and at
     * least one left for training) is the validation set, the rest the training set, both in increasing index
     * order. The split is a pure function of {@code (seed, n, fraction)}.
     */
    public static Samples[] validationSplit(Samples all, double fraction, long seed) {
        int n = all.size();
        int v = (int) Math.max(1, Math.min(n - 1L, Math.round(fraction * n)));
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x7A11DA7E5EEDL);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
        }
        int[] val = java.util.Arrays.copyOfRange(perm, 0, v);
        int[] tr = java.util.Arrays.copyOfRange(perm, v, n);
        java.util.Arrays.sort(val);
        java.util.Arrays.sort(tr);
        return new Samples[] {new SubsetSamples(all, tr), new SubsetSamples(all, val)};
    }

    /** Index in the base samples of sample {@code i} of this subset. */
    public int baseIndex(int i) {
        return indices[i];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public dev.chainrule.api.Shape shape() {
        return base.shape();
    }

    @Override
    public int features() {
        return base.features();
    }

    @Override
    public int numClasses() {
        return base.numClasses();
    }

    @Override
    public void fill(int[] order, int from, int count, Tensor x, int[] labels) {
        if (scratch.length < count) {
            scratch = new int[count];
        }
        for (int b = 0; b < count; b++) {
            scratch[b] = indices[order[from + b]];
        }
        base.fill(scratch, 0, count, x, labels);
    }
}
