package dev.chainrule.runner.train;

import dev.chainrule.engine.train.SyntheticIdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.runner.app.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training JVM is killed with SIGKILL (no shutdown hooks, no flushing) at several points — mid-epoch,
 * right after resuming, in another epoch — and resumed each time; the final weights.bin must equal, byte for
 * byte, that of a run never interrupted. For every built-in optimizer, each with the options that give it
 * the most state (momentum buffers, moments, step counters, accumulators).
 */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class ResumeAfterKillTest {
    static final String CONFIG = """
            {"name": "kill", "seed": 5,
             "network": {"layers": [{"type": "dense", "units": 48}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": %s, "batchSize": 2, "epochs": 3,
                          "checkpointEvery": 100, "schedule": {"type": "cosine"},
                          "earlyStopping": {"patience": 5, "validationFraction": 0.1}}}
            """;

    @TempDir
    Path tmp;

    static final List<String> OPTIMIZERS = List.of(
            "{\"learningRate\": 0.05, \"momentum\": 0.5}",
            "{\"type\": \"sgd\", \"learningRate\": 0.05, \"momentum\": 0.5, \"dampening\": 0.2, \"weightDecay\": 1e-3}",
            "{\"type\": \"sgd\", \"learningRate\": 0.05, \"momentum\": 0.5, \"nesterov\": true, \"clipNorm\": 1.0}",
            "{\"type\": \"adam\", \"learningRate\": 0.005, \"weightDecay\": 1e-4, \"clipNorm\": 5.0}",
            "{\"type\": \"adamw\", \"learningRate\": 0.005}",
            "{\"type\": \"rmsprop\", \"learningRate\": 0.002, \"momentum\": 0.3, \"centered\": true}",
            "{\"type\": \"adagrad\", \"learningRate\": 0.05, \"lrDecay\": 0.01, \"initialAccumulatorValue\": 0.1}");

    static Stream<String> optimizers() {
        return OPTIMIZERS.stream();
    }

    @ParameterizedTest
    @MethodSource("optimizers")
    void killedThreeTimesAndResumedEndsWithTheSameModelByteForByte(String optimizer) throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 1200, 100, 14, 11);
        Path cfg = tmp.resolve("kill.json");
        Files.writeString(cfg, CONFIG.formatted(optimizer));

        Path whole = tmp.resolve("whole");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", whole.toString());
        assertEquals(0, r.code(), r.err());

        Path run = tmp.resolve("run");
        // kill when the progress lines (every 10% of an epoch, on stderr) reach these points
        String[] killAt = {"epoch 1/3:  40%", "epoch 2/3:  20%", "epoch 3/3:  60%"};
        List<String> args = new ArrayList<>(List.of("train", cfg.toString(), "--data", data.toString(), "--out",
                run.toString()));
        int kills = 0;
        for (String point : killAt) {
            Process p = start(args);
            boolean seen = waitForLine(p, point);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            assertTrue(seen, "the child reached '" + point + "' before finishing");
            assertFalse(Files.exists(run.resolve("model.json")), "killed before the end");
            assertTrue(Files.isRegularFile(run.resolve("checkpoint/state.json"))
                    || Files.isRegularFile(run.resolve("checkpoint.old/state.json")), "a complete checkpoint survives");
            kills++;
            args = List.of("train", "--resume", run.toString());
        }
        assertEquals(3, kills);
        Cli.Result fin = Cli.run(null, "train", "--resume", run.toString());
        assertEquals(0, fin.code(), fin.err());
        assertTrue(fin.out().contains("resuming epoch 3"), fin.out());

        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(run.resolve("weights.bin")),
                "weights.bin of the resumed run equals the uninterrupted one");
        ObjectMapper json = new ObjectMapper();
        List<String> a = Files.readAllLines(whole.resolve("metrics.jsonl"));
        List<String> b = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            JsonNode x = json.readTree(a.get(i));
            JsonNode y = json.readTree(b.get(i));
            for (String k : List.of("epoch", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy", "learningRate",
                    "validationLoss", "bestEpoch")) {
                assertEquals(x.get(k), y.get(k), "metrics line " + (i + 1) + " " + k);
            }
        }
    }

    /**
     * SIGTERM (a supervisor's stop, Ctrl-C through the launcher) checkpoints after the current batch before the
     * JVM ends, although the epoch-end checkpoints are on a time budget: nothing trained is lost, and the resume
     * continues bitwise from that sample.
     */
    @Test
    void aSigtermCheckpointsWhereTheRunIsAndTheResumeGivesTheSameModel() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 1200, 100, 14, 11);
        Path cfg = tmp.resolve("term.json");
        Files.writeString(cfg, CONFIG.formatted(OPTIMIZERS.get(3)).replace("\"checkpointEvery\": 100, ", ""));
        Path whole = tmp.resolve("whole");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", whole.toString());
        assertEquals(0, r.code(), r.err());

        Path run = tmp.resolve("run");
        Process p = start(List.of("train", cfg.toString(), "--data", data.toString(), "--out", run.toString()));
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        boolean seen = false;
        for (String line; !seen && (line = err.readLine()) != null; ) {
            seen = line.contains("epoch 2/3:  30%");
        }
        assertTrue(seen, "the child reached epoch 2");
        p.toHandle().destroy(); // SIGTERM (Process.destroy would also close the streams read below)
        StringBuilder rest = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
            rest.append(line).append('\n');
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), rest.toString());
        assertTrue(rest.toString().contains(": stopped in epoch 2 at sample ")
                && rest.toString().contains("checkpointed, continue with: train --resume " + run), rest.toString());
        JsonNode state = new ObjectMapper().readTree(run.resolve("checkpoint/state.json").toFile());
        assertEquals(2, state.get("epoch").asInt());
        assertTrue(state.get("position").asInt() >= 324, "at or after 30% of epoch 2's 1080 samples: " + state);

        Cli.Result fin = Cli.run(null, "train", "--resume", run.toString());
        assertEquals(0, fin.code(), fin.err());
        assertTrue(fin.out().contains("resuming epoch 2 at sample " + state.get("position").asInt()), fin.out());
        assertArrayEquals(Files.readAllBytes(whole.resolve("weights.bin")), Files.readAllBytes(run.resolve("weights.bin")));
    }

    @Test
    void resumingWithAnotherOptimizerThanTheCheckpointsIsRefusedInOneLine() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 200, 50, 14, 11);
        Path cfg = tmp.resolve("kill.json");
        Files.writeString(cfg, CONFIG.formatted(OPTIMIZERS.get(3)).replace("\"epochs\": 3", "\"epochs\": 1"));
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Path saved = run.resolve("config.json");
        Files.writeString(saved, Files.readString(saved).replace("\"adam\"", "\"rmsprop\"")
                .replaceAll("\"(beta1|beta2)\" : [0-9.eE-]+,?", ""));
        byte[] weights = Files.readAllBytes(run.resolve("weights.bin"));
        Cli.Result bad = Cli.run(null, "train", "--resume", run.toString());
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("optimizer 'adam'") && bad.err().contains("'rmsprop'"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertArrayEquals(weights, Files.readAllBytes(run.resolve("weights.bin")), "the finished model is untouched");
    }

    static Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Xmx256m");
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Reads the child's stderr until a line containing {@code needle}; false if the child ended first. */
    static boolean waitForLine(Process p, String needle) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        for (String line; (line = err.readLine()) != null; ) {
            if (line.contains(needle)) {
                return true;
            }
        }
        return false;
    }
}
