package dev.chainrule.engine.train;

import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import java.util.List;

/**
 * Where the K shards of a sharded step ({@code training.shards}, {@link ShardedStep}) are computed: in this JVM
 * one after the other ({@link #LOCAL}) or elsewhere (the spark module's tasks). Whatever computes them, each
 * shard's result is {@link ShardedStep#compute} on the network's current weights, so the bits are the same.
 */
public interface ShardGradients extends AutoCloseable {

    /** Opens a run's shard computation. */
    interface Factory {
        /**
         * @param config  the run's resolved config (data fitted, input set): enough to rebuild the network and
         *                the training samples elsewhere
         * @param network the driver's network, whose current weights every step's shards see
         * @param train   the training samples (after early stopping's hold-out)
         */
        ShardGradients open(RunConfig config, Network network, Samples train);
    }

    /** In this JVM, on the driver's own network, shard after shard. */
    Factory LOCAL = (config, network, train) -> (epoch, order, from, count) -> {
        int k = config.training().shards();
        ShardedStep.Shard[] out = new ShardedStep.Shard[k];
        for (int s = 0; s < k; s++) {
            out[s] = ShardedStep.compute(network, train, order, config.seed(), epoch, from, count,
                    ShardedStep.batchSize(config, train), k, s);
        }
        return List.of(out);
    };

    /** The K shards of the batch at {@code from} ({@code count} rows) of epoch {@code epoch}, in shard order. */
    List<ShardedStep.Shard> compute(int epoch, int[] order, int from, int count);

    @Override
    default void close() {
    }
}
