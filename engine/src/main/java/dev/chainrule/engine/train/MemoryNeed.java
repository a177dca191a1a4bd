package dev.chainrule.engine.train;

import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import java.util.Locale;

/**
 * What training a network needs of the heap, estimated from the sizes alone, so that a run that cannot fit
 * is refused in a second, before its run folder exists, instead of failing with an OutOfMemoryError after
 * minutes (and a folder that is neither resumable nor reusable).
 *
 * <p>The estimate counts, per parameter value, doubles: the value, its gradient, the dense kernels'
 * transposed copy, the epoch snapshot that a divergence is replayed from, the copy a checkpoint takes and its
 * byte buffer (6), and for each of the optimizer's state slots (as many as its provider's {@code stateSlots()} declares: momentum for SGD, two moments for Adam) the
 * live array, its snapshot and its checkpoint copy (3 each); one more with early stopping (the best epoch's
 * weights). Per batch: each stage's output and input gradient, with the saved base points, for the training
 * batch, and each stage's output for the evaluation batch. Plus the data as loaded and a fixed allowance
 * for the JVM and the runner. It is meant to be generous rather than exact: a run that
 * passes it should not run out of memory.
 */
public final class MemoryNeed {
    /** Doubles held per parameter value during training besides the optimizer's state (see the class comment). */
    static final int COPIES = 6;
    /** The runner's own classes, the JIT, the data loading and the pictures. */
    static final long BASE_BYTES = 48L << 20;

    public final long parameters;
    public final long parameterBytes;
    public final long batchBytes;
    public final long dataBytes;

    private MemoryNeed(long parameters, long parameterBytes, long batchBytes, long dataBytes) {
        this.parameters = parameters;
        this.parameterBytes = parameterBytes;
        this.batchBytes = batchBytes;
        this.dataBytes = dataBytes;
    }

    public long total() {
        return parameterBytes + batchBytes + dataBytes + BASE_BYTES;
    }

    /**
     * The need of training {@code network} as {@code config} says, with an optimizer whose state holds
     * {@code stateSlots} doubles per parameter value ({@link dev.chainrule.api.OptimizerProvider#stateSlots()}).
     */
    public static MemoryNeed of(Network network, RunConfig config, int stateSlots, Samples train, Samples test) {
        long p = 0;
        for (Parameter q : network.parameters()) {
            p += q.size();
        }
        int copies = COPIES + 3 * stateSlots
                + (config.training().earlyStopping() != null ? 1 : 0);
        long widths = 0;
        long outs = 0;
        for (Stage s : network.stages()) {
            widths += (long) s.inputSize() + s.outputSize();
            outs += s.outputSize();
        }
        // training: each stage's output and input gradient (twice over: saved base points, the loss's own);
        // evaluation: each stage's output at the evaluation batch size
        long batch = (widths * 2L * config.training().batchSize() + outs * (long) config.training().evalBatchSize())
                * Double.BYTES;
        long data = ((long) train.size() + test.size()) * (train.features() + 1L);
        return new MemoryNeed(p, p * copies * Double.BYTES, batch, data);
    }

    /**
     * Refuses (one line, exit 2) when the need exceeds {@code maxHeap}, naming the need, its parts and a
     * {@code JAVA_OPTS=-Xmx} that would do.
     */
    public void check(long maxHeap) {
        if (total() <= maxHeap) {
            return;
        }
        long gb = (total() * 5 / 4 + (1L << 30) - 1) >> 30;
        throw new BadInputException(String.format(Locale.ROOT, "training this network needs about %s of heap "
                + "(%,d parameters: %s for values, gradients, optimizer state and checkpoint copies; %s for batches; %s of data) "
                + "but the heap is %s; run with JAVA_OPTS=-Xmx%dg, or use fewer units or a smaller batch",
                mb(total()), parameters, mb(parameterBytes), mb(batchBytes), mb(dataBytes), mb(maxHeap), gb));
    }

    static String mb(long bytes) {
        return (bytes + (1L << 20) - 1 >> 20) + " MB";
    }
}
