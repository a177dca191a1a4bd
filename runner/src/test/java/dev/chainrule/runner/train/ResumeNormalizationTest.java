package dev.chainrule.runner.train;

import dev.chainrule.engine.train.SyntheticIdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dropout draws masks from the forward context and batch normalization carries running statistics: a run
 * killed with SIGKILL and resumed must still end with the same weights AND buffers, byte for byte, as one
 * never interrupted, and {@code evaluate} must see the saved running statistics.
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class ResumeNormalizationTest {
    /** Batch norm on the image (per channel) and on a hidden layer (per unit), dropout between. */
    static final String NORM = """
            {"name": "norm", "seed": 9,
             "network": {"layers": [{"type": "batch-norm", "momentum": 0.2}, {"type": "dense", "units": 24},
                                    {"type": "batch-norm"}, {"type": "relu"}, {"type": "dropout", "rate": 0.3},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.05, "momentum": 0.5}, "batchSize": 7, "epochs": 3,
                          "checkpointEvery": 40, "earlyStopping": {"patience": 5, "validationFraction": 0.1}}}
            """;
    /** Dropout alone, plain SGD (the in-place update path). */
    static final String DROPOUT = """
            {"name": "drop", "seed": 3,
             "network": {"layers": [{"type": "dense", "units": 32}, {"type": "sigmoid"},
                                    {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 4, "epochs": 2, "checkpointEvery": 50}}
            """;
    private static final Pattern TRAINED = Pattern.compile("test accuracy (\\d+\\.\\d\\d%) after");
    private static final Pattern EVALUATED = Pattern.compile("test accuracy (\\d+\\.\\d\\d%) on \\d+ test samples \\(test loss ([0-9.]+)\\)");

    @TempDir
    Path tmp;

    @Test
    void dropoutAndBatchNormRunKilledAndResumedEndsWithTheSameWeightsAndBuffersByteForByte() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 900, 100, 10, 17);
        Path whole = tmp.resolve("whole");
        Path run = tmp.resolve("run");
        String wholeOut = trainWholeThenKilled(NORM, data, whole, run, "epoch 1/3:  50%", "epoch 2/3:  30%");

        byte[] a = Files.readAllBytes(whole.resolve("weights.bin"));
        assertArrayEquals(a, Files.readAllBytes(run.resolve("weights.bin")),
                "weights.bin (parameters, then running statistics) of the resumed run equals the uninterrupted one");

        // the running statistics are in the model: two batch-norm stages, mean then variance, trained away from 0 and 1
        JsonNode model = new ObjectMapper().readTree(whole.resolve("model.json").toFile());
        JsonNode buffers = model.get("buffers");
        assertEquals(4, buffers.size(), buffers.toString());
        List<String> names = new ArrayList<>();
        buffers.forEach(b -> names.add(b.get("layer").asInt() + ":" + b.get("name").asText() + b.get("shape")));
        assertEquals(List.of("0:running_mean[1]", "0:running_var[1]", "2:running_mean[24]", "2:running_var[24]"), names);
        ByteBuffer w = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        double mean0 = w.getDouble(buffers.get(0).get("offset").asInt());
        double var0 = w.getDouble(buffers.get(1).get("offset").asInt());
        assertTrue(mean0 > 0.01, "the image's running mean moved from 0: " + mean0);
        assertNotEquals(1.0, var0, "the image's running variance moved from 1");

        // evaluate loads the buffers: it reproduces the accuracy training printed, for both runs
        Cli.Result e1 = Cli.run(null, "evaluate", whole.toString(), "--data", data.toString());
        Cli.Result e2 = Cli.run(null, "evaluate", run.toString(), "--data", data.toString());
        assertEquals(0, e1.code(), e1.err());
        assertEquals(0, e2.code(), e2.err());
        Matcher t = TRAINED.matcher(wholeOut);
        Matcher m1 = EVALUATED.matcher(e1.out());
        Matcher m2 = EVALUATED.matcher(e2.out());
        assertTrue(t.find() && m1.find() && m2.find(), wholeOut + e1.out() + e2.out());
        assertEquals(t.group(1), m1.group(1), "evaluate gives the accuracy training printed");
        assertEquals(m1.group(0), m2.group(0), "the resumed model evaluates identically");
    }

    @Test
    void dropoutRunKilledAndResumedEndsWithTheSameWeightsByteForByte() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 600, 60, 8, 23);
        Path whole = tmp.resolve("whole");
        Path run = tmp.resolve("run");
        trainWholeThenKilled(DROPOUT, data, whole, run, "epoch 1/2:  60%");
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(run.resolve("weights.bin")),
                "weights.bin of the resumed dropout run equals the uninterrupted one");
    }

    /** Trains {@code config} whole into {@code whole}, and into {@code run} killed at each point and resumed. */
    private String trainWholeThenKilled(String config, Path data, Path whole, Path run, String... killAt) throws Exception {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, config);
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", whole.toString());
        assertEquals(0, r.code(), r.err());
        List<String> args = List.of("train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        for (String point : killAt) {
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
        return r.out();
    }
}
