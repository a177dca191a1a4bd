package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.SyntheticIdx;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk (issue 14, item 5), opt-in: {@code CHAINRULE_SMALL_FS} names an empty folder on a small
 * file system the test may fill, e.g. as root {@code mount -t tmpfs -o size=1m tmpfs /tmp/full} and
 * {@code CHAINRULE_SMALL_FS=/tmp/full}. The disk is filled until the run's checkpoints still fit but its
 * pictures do not: the report of epoch 1 fails, the run stops before epoch 2 is recorded, the message names
 * the picture, and the last checkpoint is intact.
 */
@EnabledIfEnvironmentVariable(named = "CHAINRULE_SMALL_FS", matches = ".+")
class WriteDiskFullTest {
    @TempDir
    Path tmp;

    Path filler;
    Path run;

    @AfterEach
    void free() throws IOException {
        if (filler != null) {
            Files.deleteIfExists(filler);
        }
        if (run != null && Files.isDirectory(run)) {
            try (Stream<Path> s = Files.walk(run)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aFullDiskAtTheFirstReportStopsTheRunNamingTheFile() throws IOException {
        Path fs = Path.of(System.getenv("CHAINRULE_SMALL_FS"));
        Path data = SyntheticIdx.write(tmp.resolve("data"), 2000, 50, 8, 1);
        Path cfg = Files.writeString(tmp.resolve("w.json"), """
                {"name": "full", "seed": 2,
                 "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"}, {"type": "dense", "units": 10},
                                        {"type": "softmax"}]},
                 "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 2, "epochs": 5}}
                """);
        // calibrate on the normal disk: what a run writes besides its pictures, in 4 KB pages (tmpfs's unit)
        Path cal = tmp.resolve("cal");
        assertEquals(0, Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", cal.toString(),
                "--epochs", "1").code());
        long pictures = 0;
        long rest = 0;
        try (Stream<Path> s = Files.walk(cal)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                long pages = (Files.size(p) + 4095) / 4096 * 4096;
                String n = p.getFileName().toString();
                if (n.endsWith(".png") || n.endsWith(".html")) {
                    pictures += pages;
                } else if (!n.equals("model.json") && !n.equals("weights.bin") && !n.equals("confusion.csv")) {
                    rest += pages;
                }
            }
        }
        // room for the run's small files and a second checkpoint beside the first, not for its pictures
        long leave = 2 * rest + 8192;
        assertTrue(pictures > 16384, "the pictures need more than the slack left: " + pictures);
        run = fs.resolve("run-" + System.nanoTime());
        filler = fs.resolve("filler-" + System.nanoTime());
        try (OutputStream out = Files.newOutputStream(filler)) {
            byte[] block = new byte[4096];
            while (Files.getFileStore(fs).getUsableSpace() > leave + block.length) {
                out.write(block);
                out.flush();
            }
        }
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(2, r.code(), r.err());
        String line = r.err().lines().filter(l -> !l.startsWith("epoch ")).findFirst().orElse("");
        assertTrue(line.matches("cannot write: " + java.util.regex.Pattern.quote(run.toString())
                + "/[a-z.-]+\\.(png|html): No space left on device"), r.err());
        assertEquals(1, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "stopped in epoch 2");
        // the checkpoint of epoch 1 is the last: a later one waits for epoch 1's pictures (issue 25)
        int next = new ObjectMapper().readTree(run.resolve("checkpoint/state.json").toFile()).get("epoch").asInt();
        assertEquals(2, next, "checkpoint before epoch " + next);
        try (Stream<Path> s = Files.list(run)) {
            List<String> tmpFiles = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertFalse(tmpFiles.stream().anyMatch(n -> n.startsWith(".loss") || n.startsWith(".accuracy")), tmpFiles.toString());
        }
    }
}
