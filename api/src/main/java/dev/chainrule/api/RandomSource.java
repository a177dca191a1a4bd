package dev.chainrule.api;

/**
 * A counter-based random source: every draw is a pure function of a key and an index, never of how many
 * draws came before. So a dropout mask for sample b at step t is the same whichever thread computes it, in
 * whatever order, whatever the batch is split into, and after {@code train --resume} without any saved
 * generator state.
 *
 * <p>Each value is SplitMix64's finaliser (Steele, Lea and Flood 2014) applied to {@code key + (index+1)·γ}
 * with γ the golden-ratio increment, the construction SplitMix64 itself uses for its stream; it passes
 * BigCrush as a generator and is plenty for masks and noise. It is not for cryptography.
 */
public final class RandomSource {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private final long key;

    private RandomSource(long key) {
        this.key = key;
    }

    /** A source keyed on the given words, mixed in order (so (1, 2) and (2, 1) differ). */
    public static RandomSource of(long... words) {
        long k = 0x5DEECE66DL;
        for (long w : words) {
            k = mix(k + GOLDEN + mix(w));
        }
        return new RandomSource(k);
    }

    /** A source derived from this one and {@code word}, for a sub-stream (a row, a channel). */
    public RandomSource derive(long word) {
        return new RandomSource(mix(key + GOLDEN + mix(word)));
    }

    /** 64 random bits for {@code index}. */
    public long bits(long index) {
        return mix(key + (index + 1) * GOLDEN);
    }

    /** Uniform in {@code [0, 1)} with 53 random bits, for {@code index}. */
    public double uniform(long index) {
        return (bits(index) >>> 11) * 0x1.0p-53;
    }

    /** Standard normal for {@code index} (Box–Muller on two derived uniforms). */
    public double gaussian(long index) {
        double u1 = 1.0 - uniform(2 * index);      // (0, 1]: log is finite
        double u2 = uniform(2 * index + 1);
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** {@code true} with probability {@code p}, for {@code index}. */
    public boolean bernoulli(double p, long index) {
        return uniform(index) < p;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
