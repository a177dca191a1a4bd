package dev.chainrule.runner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.engine.train.SyntheticIdx;
import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * steps.jsonl: one line per window of batches, its losses from the epoch's own sums (so each epoch's lines
 * average to metrics.jsonl's trainLoss), and cut back at --resume to the checkpoint, so a resumed run's file
 * is the uninterrupted run's (timings aside), whatever a killed run had appended past its checkpoint.
 */
class StepLogTest {
    static final String CONFIG = """
            {"name": "steps", "seed": 3,
             "network": {"layers": [{"type": "dense", "units": 10}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"type": "sgd", "learningRate": 0.2, "momentum": 0.5}, "batchSize": 3,
                          "epochs": %d}}
            """;

    @TempDir
    Path tmp;

    final ObjectMapper json = new ObjectMapper();

    List<JsonNode> lines(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) {
            ObjectNode n = (ObjectNode) json.readTree(l);
            n.remove("seconds"); // a timing
            out.add(n);
        }
        return out;
    }

    @Test
    void eachEpochsWindowsAverageToItsTrainLossAndResumeCutsTheFileBackToTheCheckpoint() throws IOException {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 1000, 60, 8, 4);
        Path cfg3 = Files.writeString(tmp.resolve("s3.json"), CONFIG.formatted(3));
        Path whole = tmp.resolve("whole");
        Cli.Result r = Cli.run(null, "train", cfg3.toString(), "--data", data.toString(), "--out", whole.toString());
        assertEquals(0, r.code(), r.err());

        // 1000 samples in batches of 3: 334 batches an epoch, windows of ⌈334/100⌉ = 4 batches: 84 lines an epoch
        List<JsonNode> steps = lines(whole.resolve("steps.jsonl"));
        assertEquals(3 * 84, steps.size());
        JsonNode first = steps.get(0);
        assertEquals(1, first.get("epoch").asInt());
        assertEquals(4, first.get("step").asInt());
        assertEquals(0, first.get("from").asInt());
        assertEquals(12, first.get("position").asInt());
        assertEquals(1000, first.get("samples").asInt());
        JsonNode lastOfEpoch1 = steps.get(83);
        assertEquals(334, lastOfEpoch1.get("step").asInt(), "the epoch's last window ends with it (2 batches)");
        assertEquals(996, lastOfEpoch1.get("from").asInt());
        assertEquals(1000, lastOfEpoch1.get("position").asInt());
        List<String> metrics = Files.readAllLines(whole.resolve("metrics.jsonl"));
        for (int e = 1; e <= 3; e++) {
            double sum = 0;
            long count = 0;
            double rate = Double.NaN;
            for (JsonNode s : steps) {
                if (s.get("epoch").asInt() == e) {
                    long k = s.get("position").asLong() - s.get("from").asLong();
                    sum += s.get("loss").asDouble() * k;
                    count += k;
                    rate = s.get("learningRate").asDouble();
                }
            }
            JsonNode m = json.readTree(metrics.get(e - 1));
            assertEquals(1000, count, "epoch " + e + "'s windows cover it once");
            assertEquals(m.get("trainLoss").asDouble(), sum / count, 1e-12 * Math.abs(sum / count), "epoch " + e);
            assertEquals(m.get("learningRate").asDouble(), rate, "epoch " + e + "'s scheduled rate");
        }

        // two epochs, then what a killed longer run leaves past the checkpoint: lines of epoch 3, a torn one
        Path cfg2 = Files.writeString(tmp.resolve("s2.json"), CONFIG.formatted(2));
        Path run = tmp.resolve("run");
        r = Cli.run(null, "train", cfg2.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(steps.subList(0, 2 * 84), lines(run.resolve("steps.jsonl")));
        Files.writeString(run.resolve("steps.jsonl"), "{\"epoch\":3,\"step\":672,\"from\":0,\"position\":12,"
                + "\"samples\":1000,\"loss\":9.0,\"learningRate\":0.1,\"seconds\":0.1}\n{\"epoch\":3,\"st",
                StandardOpenOption.APPEND);
        Path saved = run.resolve("config.json");
        Files.writeString(saved, Files.readString(saved).replace("\"epochs\" : 2", "\"epochs\" : 3"));
        r = Cli.run(null, "train", "--resume", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming epoch 3 at sample 0"), r.out());
        assertEquals(steps, lines(run.resolve("steps.jsonl")), "the resumed run's steps.jsonl is the whole run's");
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(run.resolve("weights.bin")));
    }
}
