package dev.chainrule.layers;

import dev.chainrule.api.support.ElementwiseActivation;
import dev.chainrule.kernels.Parallelism;
import java.util.function.IntConsumer;

/**
 * The built-in activations' thread split: the kernels' pool, the one the dense layers use and the runner's
 * {@code --threads} sizes, instead of the element-wise base's JDK pool (a second set of threads would compete
 * with it for the same cores).
 */
final class KernelThreads implements ElementwiseActivation.ThreadSplit {
    static final KernelThreads POOL = new KernelThreads();

    private KernelThreads() {
    }

    @Override
    public int threads() {
        return Parallelism.threads();
    }

    @Override
    public void run(int parts, IntConsumer part) {
        Parallelism.run(parts, part);
    }
}
