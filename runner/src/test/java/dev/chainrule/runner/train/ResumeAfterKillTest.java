package dev.chainrule.runner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.runner.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training JVM is killed with SIGKILL (no shutdown hooks, no flushing) at several points — mid-epoch,
 * right after resuming, in another epoch — and resumed each time; the final weights.bin must equal, byte for
 * byte, that of a run never interrupted.
 */
class ResumeAfterKillTest {
    static final String CONFIG = """
            {"name": "kill", "seed": 5,
             "network": {"layers": [{"type": "dense", "units": 48}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.05, "momentum": 0.5}, "batchSize": 2, "epochs": 3,
                          "checkpointEvery": 100, "schedule": {"type": "cosine"},
                          "earlyStopping": {"patience": 5, "validationFraction": 0.1}}}
            """;

    @TempDir
    Path tmp;

    @Test
    void killedThreeTimesAndResumedEndsWithTheSameModelByteForByte() throws Exception {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 1200, 100, 14, 11);
        Path cfg = tmp.resolve("kill.json");
        Files.writeString(cfg, CONFIG);

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
