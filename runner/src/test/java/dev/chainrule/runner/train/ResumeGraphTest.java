package dev.chainrule.runner.train;

import dev.chainrule.engine.train.SyntheticIdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph under {@code --resume} (docs/graphs.md): a residual block with batch norm (buffers), a concatenation
 * and a fan-out, dropout keyed by the stage's position in the graph, Adam's moments. A run killed with SIGKILL
 * mid-epoch, twice, and resumed must end with the uninterrupted run's weights byte for byte.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class ResumeGraphTest {
    /** mnist-cnn.json in miniature: batch 32 so conv2d and pooling split their rows over threads. */
    static final String CNN = """
            {"name": "resnet", "seed": 5,
             "network": {
               "blocks": {"residual": {"options": {"filters": 4}, "layers": [
                 {"name": "conv1", "type": "conv2d", "filters": "$filters", "kernel": 3, "padding": "same"},
                 {"name": "bn1", "type": "batch-norm"}, {"type": "relu"},
                 {"name": "conv2", "type": "conv2d", "filters": "$filters", "kernel": 3, "padding": "same"},
                 {"name": "bn2", "type": "batch-norm"},
                 {"name": "sum", "type": "add", "inputs": ["input", "bn2"]}, {"type": "relu"}]}},
               "layers": [{"type": "conv2d", "filters": 4, "kernel": 3}, {"type": "relu"},
                          {"name": "pool", "type": "maxpool2d", "size": 2},
                          {"name": "block1", "type": "residual"},
                          {"name": "side", "type": "conv2d", "filters": 2, "kernel": 1, "inputs": ["pool"]},
                          {"name": "cat", "type": "concat", "inputs": ["block1", "side"]},
                          {"type": "flatten"},
                          {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"type": "adam", "learningRate": 0.002}, "batchSize": 32, "epochs": 3,
                          "checkpointEvery": 4, "evalBatchSize": 50}}
            """;

    @TempDir
    Path tmp;

    @Test
    void graphRunKilledMidEpochAndResumedEndsWithTheSameWeightsByteForByte() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 640, 100, 12, 31);
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, CNN);
        Path whole = tmp.resolve("whole");
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", whole.toString());
        assertEquals(0, r.code(), r.err());

        List<String> args = List.of("train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        for (String point : new String[] {"epoch 1/3:  60%", "epoch 2/3:  40%"}) {
            Process p = ResumeAfterKillTest.start(args);
            boolean seen = ResumeAfterKillTest.waitForLine(p, point);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            assertTrue(seen, "the child reached '" + point + "' before finishing");
            assertTrue(!Files.exists(run.resolve("model.json")), "killed before the end");
            args = List.of("train", "--resume", run.toString());
        }
        Cli.Result fin = Cli.run(null, "train", "--resume", run.toString());
        assertEquals(0, fin.code(), fin.err());
        assertTrue(fin.out().contains("resuming epoch"), fin.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(run.resolve("weights.bin")),
                "weights.bin of the resumed graph run equals the uninterrupted one");
        assertEquals(lastEpoch(r.out()), lastEpoch(fin.out()), "the last epoch's losses and accuracy agree");
    }

    /** The last epoch's line without its timing. */
    private static String lastEpoch(String out) {
        return out.lines().filter(l -> l.startsWith("epoch 3/3: train loss")).findFirst()
                .orElseThrow(() -> new AssertionError("no epoch 3 line in: " + out))
                .replaceAll(", [0-9.]+ s, .*", "");
    }
}
