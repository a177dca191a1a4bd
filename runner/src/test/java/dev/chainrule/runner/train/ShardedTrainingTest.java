package dev.chainrule.runner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Parameter;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.ConfigException;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.train.EpochMetrics;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.train.MetricsSink;
import dev.chainrule.engine.train.ProgressSink;
import dev.chainrule.engine.train.SgdTrainer;
import dev.chainrule.engine.train.ShardedStep;
import dev.chainrule.engine.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** training.shards on one machine: K = 1 is the old trainer, K &gt; 1 sums K shard gradients in shard order. */
class ShardedTrainingTest {
    static final String CONFIG = """
            {"name": "blobs", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "relu"}, {"type": "dropout", "rate": 0.3},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": OPT, "batchSize": 10, "epochs": 2SHARDS}}
            """;

    static final ProgressSink QUIET = new ProgressSink() {
        @Override
        public void epochStarted(int epoch, int epochs, int samples) {
        }

        @Override
        public void advanced(int done) {
        }

        @Override
        public void epochFinished() {
        }
    };

    @TempDir
    Path tmp;

    final ConfigReader reader = new ConfigReader(ProviderRegistry.builtIn());
    final NetworkFactory factory = new NetworkFactory(ProviderRegistry.builtIn());

    RunConfig config(String optimizer, String shards) {
        return reader.parse(CONFIG.replace("OPT", optimizer).replace("SHARDS", shards), "t.json", "t", tmp).withInput(4);
    }

    record Trained(double[] weights, List<EpochMetrics> epochs) {
    }

    Trained train(RunConfig c) {
        Network net = factory.build(c, 3);
        List<EpochMetrics> seen = new ArrayList<>();
        MetricsSink metrics = seen::add;
        new SgdTrainer(ProviderRegistry.builtIn()).train(net, InMemorySamples.blobs(47, 3), InMemorySamples.blobs(9, 4),
                c, QUIET, metrics);
        List<Double> w = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            for (double v : p.toRowMajor()) {
                w.add(v);
            }
        }
        return new Trained(w.stream().mapToDouble(Double::doubleValue).toArray(), seen);
    }

    @Test
    void oneShardIsTheOneMachineTrainerAndWritesNoShardsField() {
        RunConfig one = config("{\"type\": \"sgd\", \"learningRate\": 0.3}", ", \"shards\": 1");
        RunConfig none = config("{\"type\": \"sgd\", \"learningRate\": 0.3}", "");
        assertEquals(1, one.training().shards());
        assertArrayEquals(train(none).weights(), train(one).weights());
        assertFalse(((java.util.Map<?, ?>) none.toJsonMap().get("training")).containsKey("shards"));
    }

    @Test
    void shardsSumToTheBatchGradientWithDropoutKeyedOnTheGlobalRow() {
        // adam: not a linear step, so one shard runs "zero grad, forward, backward, step" on the whole batch; K
        // shards add the same per-row terms in other groupings, equal up to rounding. Were dropout keyed on the row
        // within a shard, the masks (and the weights) would differ by far more.
        String adam = "{\"type\": \"adam\", \"learningRate\": 0.01}";
        Trained whole = train(config(adam, ""));
        for (int k : new int[] {2, 4, 10}) {
            Trained sharded = train(config(adam, ", \"shards\": " + k));
            assertEquals(whole.weights().length, sharded.weights().length);
            for (int i = 0; i < whole.weights().length; i++) {
                assertEquals(whole.weights()[i], sharded.weights()[i], 1e-9, "K=" + k + " weight " + i);
            }
            for (int e = 0; e < 2; e++) {
                assertEquals(whole.epochs().get(e).trainLoss(), sharded.epochs().get(e).trainLoss(), 1e-12);
                assertEquals(whole.epochs().get(e).trainAccuracy(), sharded.epochs().get(e).trainAccuracy());
            }
            // and a sharded run is deterministic, bit for bit
            assertArrayEquals(sharded.weights(), train(config(adam, ", \"shards\": " + k)).weights());
        }
    }

    @Test
    void shardBoundariesAreContiguousAndFixed() {
        assertEquals(0, ShardedStep.shardStart(10, 4, 0));
        assertEquals(2, ShardedStep.shardStart(10, 4, 1));
        assertEquals(5, ShardedStep.shardStart(10, 4, 2));
        assertEquals(7, ShardedStep.shardStart(10, 4, 3));
        assertEquals(10, ShardedStep.shardStart(10, 4, 4));
        // a last partial batch smaller than K leaves empty shards, which add nothing
        assertEquals(ShardedStep.shardStart(2, 4, 0), ShardedStep.shardStart(2, 4, 1));
    }

    @Test
    void badShardCountsAreOneLine() {
        String sgd = "{\"type\": \"sgd\"}";
        ConfigException zero = assertThrows(ConfigException.class, () -> config(sgd, ", \"shards\": 0"));
        assertTrue(zero.getMessage().contains("training.shards"), zero.getMessage());
        ConfigException big = assertThrows(ConfigException.class, () -> config(sgd, ", \"shards\": 11"));
        assertTrue(big.getMessage().contains("11 is more than training.batchSize 10"), big.getMessage());
        assertFalse(big.getMessage().contains("\n"));
    }

    @Test
    void batchNormIsRefusedWithShards() {
        RunConfig c = reader.parse("""
                {"name": "bn", "network": {"layers": [{"type": "dense", "units": 8}, {"type": "batch-norm"},
                 {"type": "dense", "units": 3}, {"type": "softmax"}]},
                 "training": {"batchSize": 10, "epochs": 1, "shards": 2}}
                """, "bn.json", "bn", tmp).withInput(4);
        Network net = factory.build(c, 3);
        BadInputException e = assertThrows(BadInputException.class, () -> ShardedStep.check(net, c));
        assertTrue(e.getMessage().startsWith("training.shards: 2 shards, but stage [1] batch-norm"), e.getMessage());
        Trainer t = new SgdTrainer(ProviderRegistry.builtIn());
        assertThrows(BadInputException.class, () -> t.train(net, InMemorySamples.blobs(20, 3),
                InMemorySamples.blobs(5, 4), c, QUIET, m -> { }));
    }
}
