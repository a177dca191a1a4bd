package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.io.FileWriteException;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.ReportSink;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.plugins.RunPlugins;
import dev.chainrule.engine.train.SyntheticIdx;
import dev.chainrule.runner.Cli;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25: a picture write that fails (a full disk, simulated: the first report's loss.png fails after a
 * moment, as a slow disk would) stops the run at the epoch it belongs to, as docs/run-folder-safety.md says:
 * the error names the file, metrics.jsonl and the checkpoint end at epoch 1, although epoch 2 trained on
 * while epoch 1 was being drawn.
 */
class ReportWriteFailureTest {
    @TempDir
    Path tmp;

    /** Fails the first report with loss.png named, after 1.5 s. */
    static final class FailingWriter extends FileRunWriter {
        private boolean failed;

        @Inject
        FailingWriter(ObjectMapper mapper, RunPlugins runPlugins) {
            super(mapper, runPlugins);
        }

        @Override
        public void writeReport(Path dir, ReportSink report) {
            synchronized (this) {
                if (!failed) {
                    failed = true;
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UncheckedIOException(new FileWriteException(dir.resolve("loss.png"),
                            new IOException("No space left on device")));
                }
            }
            super.writeReport(dir, report);
        }
    }

    @Test
    void aFailedPictureStopsTheRunAtItsEpochNamingTheFile() throws IOException {
        Path data = SyntheticIdx.write(tmp.resolve("data"), 200, 50, 8, 1);
        Path cfg = Files.writeString(tmp.resolve("w.json"), """
                {"name": "full", "seed": 2,
                 "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"}, {"type": "dense", "units": 10},
                                        {"type": "softmax"}]},
                 "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 10, "epochs": 30}}
                """);
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(b -> b.bind(RunWriter.class).to(FailingWriter.class), "train", cfg.toString(),
                "--data", data.toString(), "--out", run.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("cannot write: " + run.resolve("loss.png") + ": No space left on device"), r.err());
        assertEquals(1, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "stopped at epoch 1");
        int next = new ObjectMapper().readTree(run.resolve("checkpoint/state.json").toFile()).get("epoch").asInt();
        assertEquals(2, next, "the last checkpoint is epoch 1's (the next epoch is 2)");
        try (Stream<Path> s = Files.list(run)) {
            List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertFalse(left.stream().anyMatch(n -> n.startsWith(".checkpoint")), left.toString());
        }
    }
}
