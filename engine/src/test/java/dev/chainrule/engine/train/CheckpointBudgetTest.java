package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a time budget, with the trainer's clock injected (no timing in the test): fast epochs write
 * a checkpoint after the first and the last epoch and otherwise only when the last one is
 * {@link SgdTrainer#CHECKPOINT_EVERY_NANOS} old; a stop request checkpoints where the loop is; resuming from
 * whatever checkpoint exists gives the bits of a run never stopped.
 */
class CheckpointBudgetTest {
    static final String CONFIG = """
            {"name": "budget", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"type": "sgd", "learningRate": 0.3, "momentum": 0.5}, "batchSize": 4,
                          "epochs": %d}}
            """;

    @TempDir
    Path tmp;

    final ProviderRegistry reg = ProviderRegistry.builtIn();

    RunConfig config(int epochs) {
        return new ConfigReader(reg).parse(CONFIG.formatted(epochs), "b.json", "b", tmp).withInput(4);
    }

    /** A store that counts its saves and remembers each one's epoch. */
    static final class Counting extends CheckpointStore {
        final List<Integer> epochs = new ArrayList<>();

        Counting(Path dir) {
            super(dir, ConfigReader.strictMapper());
        }

        @Override
        public void save(Checkpoint c) {
            epochs.add(c.epoch());
            super.save(c);
        }
    }

    private double[][] train(int epochs, Counting store, Checkpoint resume, AtomicLong clock, ProgressSink progress) {
        RunConfig c = config(epochs);
        Network net = new NetworkFactory(reg).build(c, 3);
        if (resume != null) {
            store.check(resume, net, c);
        }
        new SgdTrainer().withClock(clock::get).train(net, InMemorySamples.blobs(40, 3), InMemorySamples.blobs(12, 4),
                c, progress, m -> { }, store, resume);
        return SgdTrainer.copy(net);
    }

    private static ProgressSink quiet() {
        return new ProgressSink() {
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
    }

    @Test
    void fiftyFastEpochsWriteFewCheckpointsAndTheLastOneResumesToTheSameBits() {
        Counting store = new Counting(tmp.resolve("run"));
        tmp.resolve("run").toFile().mkdirs();
        AtomicLong clock = new AtomicLong();
        ProgressSink ticking = new ProgressSink() {
            @Override
            public void epochStarted(int epoch, int epochs, int samples) {
                // each epoch "takes" a tenth of the budget
                clock.addAndGet(SgdTrainer.CHECKPOINT_EVERY_NANOS / 10);
            }

            @Override
            public void advanced(int done) {
            }

            @Override
            public void epochFinished() {
            }
        };
        double[][] fifty = train(50, store, null, clock, ticking);
        // after epoch 1, then every 10 epochs of the clock (11, 21, 31, 41), and after the last: 6, not 50
        assertEquals(List.of(2, 12, 22, 32, 42, 51), store.epochs);
        Checkpoint last = store.load();
        assertEquals(51, last.epoch());
        assertEquals(50, last.metrics().size());
        assertArrayEquals(fifty, last.weights(), "the last checkpoint holds the final weights");

        // a run of 60 epochs, and the same run extended from the 50-epoch run's last checkpoint
        Counting whole = new Counting(tmp.resolve("whole"));
        tmp.resolve("whole").toFile().mkdirs();
        double[][] sixty = train(60, whole, null, new AtomicLong(), quiet());
        double[][] resumed = train(60, store, last, new AtomicLong(), quiet());
        assertArrayEquals(sixty, resumed, "resumed from the budgeted checkpoint: the same bits");
        assertEquals(List.of(2, 61), whole.epochs, "a clock that never moves: the first and the last epoch only");
    }

    @Test
    void aStopRequestCheckpointsWhereTheLoopIsAndTheResumeContinuesBitwise() {
        Counting store = new Counting(tmp.resolve("run"));
        tmp.resolve("run").toFile().mkdirs();
        int[] batches = {0};
        ProgressSink stopAfter23 = new ProgressSink() {
            @Override
            public void epochStarted(int epoch, int epochs, int samples) {
            }

            @Override
            public void advanced(int done) {
                batches[0]++;
            }

            @Override
            public void epochFinished() {
            }

            @Override
            public boolean stopRequested() {
                return batches[0] >= 23; // 10 batches an epoch: in epoch 3, after its third batch
            }
        };
        SgdTrainer.Stopped s = assertThrows(SgdTrainer.Stopped.class,
                () -> train(8, store, null, new AtomicLong(), stopAfter23));
        assertEquals(3, s.epoch());
        assertEquals(12, s.position());
        assertTrue(s.saved());
        assertEquals(List.of(2, 3), store.epochs, "epoch 1's checkpoint, then the stop's (no budget one between)");
        Checkpoint at = store.load();
        assertEquals(3, at.epoch());
        assertEquals(12, at.position());

        Counting whole = new Counting(tmp.resolve("whole"));
        tmp.resolve("whole").toFile().mkdirs();
        assertArrayEquals(train(8, whole, null, new AtomicLong(), quiet()),
                train(8, store, at, new AtomicLong(), quiet()), "the same bits as a run never stopped");
    }
}
