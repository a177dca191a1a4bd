package dev.chainrule.engine.train;

import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;

/** Labelled samples as the trainer sees them: rows of {@link #features()} doubles and class labels. */
public interface Samples {
    int size();

    int features();

    /**
     * The shape of one sample ({@code features()} values, channel-major): {@code 1×H×W} for images, a vector
     * by default.
     */
    default Shape shape() {
        return Shape.of(features());
    }

    int numClasses();

    /**
     * Writes samples {@code order[from .. from+count)} into rows {@code 0..count} of {@code x}
     * ({@code count × features()}, reused by the caller) and their labels into {@code labels[0..count)}.
     */
    void fill(int[] order, int from, int count, Tensor x, int[] labels);

    /**
     * The first sample whose label is {@code classes} or more, described for a message with where it is
     * stored ({@code t10k-labels-idx1-ubyte: label 200 at item 17 (byte 25)}); null when there is none or the
     * samples cannot say.
     */
    default String labelAtLeast(int classes) {
        return null;
    }

    /**
     * The early-stopping split of these samples: {@code [train, validation]}, disjoint, a pure function of
     * (samples, fraction, seed). By default a seeded shuffle takes {@code round(fraction·n)} samples; a data
     * source's samples stratify it by class.
     */
    default Samples[] validationSplit(double fraction, long seed) {
        return SubsetSamples.validationSplit(this, fraction, seed);
    }

    /** Whether the samples have real-valued targets (a regression) instead of class labels. */
    default boolean regression() {
        return false;
    }

    /**
     * For a regression: writes the targets of samples {@code order[from .. from+count)} into rows
     * {@code 0..count} of {@code y} ({@code count × numClasses()}, the target count), as the network learns them
     * (scaled when the fit scales targets).
     */
    default void fillTargets(int[] order, int from, int count, Tensor y) {
        throw new UnsupportedOperationException("these samples have class labels, not targets");
    }

    /** The class names, index = class (from the data: "setosa", a folder's name); null when the data has none. */
    default java.util.List<String> classNames() {
        return null;
    }

    /**
     * What the engine learned from these samples' training split (class names, scaling) to record with the
     * model; null for data that needs no record (the IDX forms).
     */
    default dev.chainrule.engine.config.RunConfig.Fitted fitted() {
        return null;
    }
}
