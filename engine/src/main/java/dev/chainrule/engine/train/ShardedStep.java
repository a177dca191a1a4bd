package dev.chainrule.engine.train;

import dev.chainrule.api.ForwardContext;
import dev.chainrule.api.Optimizer;
import dev.chainrule.api.Parameter;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import java.io.Serializable;
import java.util.List;

/**
 * A training step split into {@code training.shards} = K shards (docs/spark.md): the global batch (rows
 * {@code from .. from+count−1} of the epoch's order) is cut into K fixed contiguous shards, shard s holding rows
 * {@code ⌊s·count/K⌋ .. ⌊(s+1)·count/K⌋−1}; each shard's summed gradient is computed from zero on its own
 * ({@link #compute}), wherever that runs (this JVM, a Spark task), and {@link #apply} adds the K sums in shard
 * order and lets the optimizer step once with the global batch size. A stage's random draws are keyed on the
 * row within the global batch ({@link ForwardContext#fromRow}), so dropout masks do not depend on K.
 *
 * <p>K = 1 never comes here: the trainer keeps its single fused step, bit for bit what it always was.
 */
public final class ShardedStep {
    private ShardedStep() {
    }

    /**
     * One shard's contribution: its summed loss, its correct predictions and its summed gradient (every
     * parameter's {@link Parameter#grad()} one after the other, network order; null for an empty shard).
     */
    public record Shard(double loss, int correct, double[] gradient) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** The run's batch size on these samples: training.batchSize, at most the sample count (as the trainer's). */
    public static int batchSize(RunConfig config, Samples train) {
        return Math.min(config.training().batchSize(), Math.max(1, train.size()));
    }

    /** The first row (within the batch) of shard {@code s} of a batch of {@code count} rows in {@code k} shards. */
    public static int shardStart(int count, int k, int s) {
        return (int) ((long) s * count / k);
    }

    /**
     * Refuses a sharded run (K &gt; 1) of a network with a stage whose rows are coupled within a batch (batch
     * norm's statistics, a plugin that says {@link Stage#batchCoupled()}) or that keeps buffers a forward pass
     * updates: split over shards they would see per-shard statistics, not the batch's.
     */
    public static void check(Network network, RunConfig config) {
        int k = config.training().shards();
        if (k <= 1) {
            return;
        }
        List<Stage> stages = network.stages();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (s.batchCoupled() || !s.buffers().isEmpty()) {
                throw new BadInputException("training.shards: " + k + " shards, but stage [" + i + "] " + s.type()
                        + " couples the rows of a batch (batch statistics), which shards would change; "
                        + "sharded training is refused for it: use training.shards 1");
            }
        }
    }

    /**
     * Shard {@code s}'s gradient sum for the batch at {@code from} ({@code count} rows) of epoch {@code epoch}:
     * the network's weights as they are, its gradients zeroed first (and left holding the shard's).
     *
     * @param b the run's batch size (it fixes the global step of the forward context)
     */
    public static Shard compute(Network network, Samples train, int[] order, long seed, int epoch, int from,
            int count, int b, int k, int s) {
        int lo = shardStart(count, k, s);
        int rows = shardStart(count, k, s + 1) - lo;
        if (rows == 0) {
            return new Shard(0, 0, null);
        }
        Tensor x = new Tensor(rows, train.features());
        int[] labels = new int[rows];
        boolean regression = train.regression();
        Tensor y = regression ? new Tensor(rows, train.numClasses()) : null;
        // samples keep scratch buffers (not thread-safe); tasks running side by side in one executor JVM share them
        synchronized (train) {
            train.fill(order, from + lo, rows, x, labels);
            if (regression) {
                train.fillTargets(order, from + lo, rows, y);
            }
        }
        ForwardContext context = SgdTrainer.trainingContext(seed, epoch, from, train.size(), b).fromRow(lo);
        network.zeroGrad();
        double loss;
        if (regression) {
            loss = network.forward(x, y, context);
        } else {
            loss = network.forward(x, labels, context);
        }
        network.backward();
        int correct = 0;
        Tensor out = network.trainingOutput();
        for (int r = 0; !regression && r < rows; r++) {
            if (Evaluator.argmax(out, r) == labels[r]) {
                correct++;
            }
        }
        List<Parameter> params = network.parameters();
        int total = 0;
        for (Parameter p : params) {
            total += p.grad().length;
        }
        double[] g = new double[total];
        int at = 0;
        for (Parameter p : params) {
            double[] pg = p.grad();
            System.arraycopy(pg, 0, g, at, pg.length);
            at += pg.length;
        }
        return new Shard(loss, correct, g);
    }

    /**
     * Adds the shards' gradient sums in shard order (the first copied, each next added element by element)
     * into the parameters' gradients and steps the optimizer once for the {@code count} rows of the batch.
     * Returns the batch's summed loss, also added in shard order.
     */
    public static double apply(Network network, Optimizer optimizer, List<Shard> shards, int count) {
        double[] sum = null;
        double loss = 0;
        for (Shard shard : shards) {
            loss += shard.loss();
            double[] g = shard.gradient();
            if (g == null) {
                continue;
            }
            if (sum == null) {
                sum = g.clone();
            } else {
                if (g.length != sum.length) {
                    throw new IllegalStateException("shard gradients of " + g.length + " and " + sum.length + " values");
                }
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += g[i];
                }
            }
        }
        List<Parameter> params = network.parameters();
        int at = 0;
        for (Parameter p : params) {
            double[] pg = p.grad();
            System.arraycopy(sum, at, pg, 0, pg.length);
            at += pg.length;
        }
        optimizer.step(params, count);
        return loss;
    }

    /** The number of correct predictions over the shards. */
    public static int correct(List<Shard> shards) {
        int c = 0;
        for (Shard s : shards) {
            c += s.correct();
        }
        return c;
    }
}
