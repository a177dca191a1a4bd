package dev.chainrule.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner bench --stages}: one part per training stage, the loss and the optimizer step, in order. */
class BenchStagesTest {
    @TempDir
    Path tmp;

    private Path config() throws IOException {
        Path c = tmp.resolve("blobs.json");
        Files.writeString(c, TrainEndToEndTest.CONFIG);
        return c;
    }

    @Test
    void theJsonProfileNamesEveryTrainingStageAndItsPartsAddUpToTheStep() throws IOException {
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "bench", config().toString(), "--stages", "5", "--warmup", "2", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip());
        List<String> names = new ArrayList<>();
        double sum = 0;
        for (JsonNode p : j.get("parts")) {
            names.add(p.get("part").asText());
            double f = p.get("forwardMs").asDouble();
            double b = p.get("backwardMs").asDouble();
            assertTrue(f >= 0 && b >= 0 && Double.isFinite(f + b), p.toString());
            double fc = p.get("forwardCpuMs").asDouble(-1);
            double bc = p.get("backwardCpuMs").asDouble(-1);
            assertTrue(fc >= 0 && bc >= 0 && Double.isFinite(fc + bc), "the calling thread's CPU ms: " + p);
            sum += f + b;
        }
        // softmax is fused into the loss for training, so the chain has three stages
        assertEquals(List.of("layers[0] dense", "layers[1] sigmoid", "layers[2] dense",
                "loss softmax-cross-entropy (forward and gradient)", "optimizer step"), names);
        assertTrue(sum > 0, "some time was measured");
        assertEquals(sum, j.get("stepMs").asDouble(), 1e-3 + 1e-3 * sum);
        assertEquals(4, j.get("batch").asInt());
        // the config's optimizer is plain SGD, whose training path fuses backward and step: the profile says so
        assertTrue(j.get("trainingFusesStep").asBoolean());
    }

    @Test
    void theTextProfileHasOneRowPerPartWithSharesSummingTo100() throws IOException {
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "bench", config().toString(), "--stages", "3");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[0].startsWith("blobs: batch 4, "), lines[0]);
        assertTrue(lines[1].startsWith("part "), lines[1]);
        assertEquals(2 + 5 + 1, lines.length, r.out());
        assertTrue(lines[lines.length - 1].startsWith("note: this optimizer's step is linear"), lines[lines.length - 1]);
        double shares = 0;
        for (int i = 2; i < lines.length - 1; i++) {
            String s = lines[i].strip();
            shares += Double.parseDouble(s.substring(s.lastIndexOf(' ') + 1, s.length() - 1));
        }
        assertEquals(100.0, shares, 0.5);
    }

    @Test
    void theJsonEpochFiguresIncludeTheWholeProcesssCpuTimeAtLeastTheTrainingThreads() throws IOException {
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "bench", config().toString(), "--passes", "2", "--warmup",
                "0", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip());
        double thread = j.get("medianEpochCpuSeconds").asDouble();
        assertTrue(j.has("medianEpochProcessCpuSeconds"), r.out());
        double process = j.get("medianEpochProcessCpuSeconds").asDouble();
        // the process's CPU time counts the training thread's and every other thread's (the OS's clock for the
        // process may tick coarser than the thread's, hence the slack)
        assertTrue(process >= 0 && Double.isFinite(process), r.out());
        assertTrue(process + 0.02 >= thread, r.out());
    }

    @Test
    void aStagesCountOutsideItsRangeIsOneLine() throws IOException {
        Cli.Result r = Cli.run(TrainEndToEndTest.blobData(), "bench", config().toString(), "--stages", "0");
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("--stages: must be an integer from 1 to 100000, got 0", r.errLine());
        assertFalse(r.err().contains("Exception"));
    }
}
