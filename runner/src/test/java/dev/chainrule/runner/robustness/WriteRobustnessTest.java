package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.io.FileWriteException;
import dev.chainrule.engine.output.ReportSink;
import dev.chainrule.engine.output.RunWriter;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.ProgressSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes (issue 14, item 5): a failed write names its file and stops the run at once, the last complete
 * checkpoint intact; temporary files a killed writer left are swept at the start and at resume.
 */
class WriteRobustnessTest {
    static final String CONFIG = """
            {"name": "w", "seed": 4,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"}, {"type": "dense", "units": 3},
                                    {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 4, "epochs": 5}}
            """;

    @TempDir
    Path tmp;

    static final IOException DISK_FULL = new IOException("No space left on device");

    @Test
    void aFailedAtomicWriteNamesItsFileAndLeavesTheOldOneAndNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("loss.png");
        Files.writeString(f, "the old picture");
        FileWriteException e = assertThrows(FileWriteException.class, () -> AtomicFiles.write(f, out -> {
            out.write(new byte[1000]);
            throw DISK_FULL;
        }));
        assertEquals(f + ": No space left on device", e.getMessage());
        assertEquals("the old picture", Files.readString(f));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(f), s.toList(), "no temporary file left behind");
        }
    }

    /** A writer whose report drawing hits a full disk at epoch 1; a progress sink slow enough to be seen. */
    Module fullDiskAtTheFirstReport() {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        RunWriter failing = new FileRunWriter(new ObjectMapper()) {
            @Override
            public void writeReport(Path dir, ReportSink report) {
                throw new UncheckedIOException(new FileWriteException(dir.resolve("loss.png"), DISK_FULL));
            }
        };
        ProgressSink slow = new ProgressSink() {
            @Override
            public void epochStarted(int epoch, int epochs, int samples) {
            }

            @Override
            public void advanced(int done) {
                try {
                    Thread.sleep(5); // an epoch of 30 batches takes 150 ms: long against the drawing thread's start
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void epochFinished() {
            }
        };
        return b -> {
            b.bind(DataSource.class).toInstance(ds);
            b.bind(RunWriter.class).toInstance(failing);
            b.bind(ProgressSink.class).toInstance(slow);
        };
    }

    @Test
    void aReportWriteFailureAtEpochOneStopsTheRunAtEpochOneNamingTheFile() throws IOException {
        Path cfg = Files.writeString(tmp.resolve("w.json"), CONFIG);
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(fullDiskAtTheFirstReport(), "train", cfg.toString(), "--out", run.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("cannot write: " + run.resolve("loss.png") + ": No space left on device", r.errLine());
        assertEquals(1, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "no epoch after the failed one");
        JsonNode state = new ObjectMapper().readTree(run.resolve("checkpoint/state.json").toFile());
        assertEquals(2, state.get("epoch").asInt(), "the checkpoint at the end of epoch 1 is intact");
        assertEquals(0, state.get("position").asInt());
        assertFalse(Files.exists(run.resolve("model.json")));
    }

    @Test
    void leftoverTemporaryFilesAreSweptAtResumeAndAtStart() throws IOException {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        Module blobs = b -> b.bind(DataSource.class).toInstance(ds);
        Path cfg = Files.writeString(tmp.resolve("w.json"), CONFIG.replace("\"epochs\": 5", "\"epochs\": 1"));
        Path run = tmp.resolve("run");
        assertEquals(0, Cli.run(blobs, "train", cfg.toString(), "--out", run.toString()).code());
        byte[] weights = Files.readAllBytes(run.resolve("weights.bin"));
        List<Path> leftovers = plant(run);

        Cli.Result resumed = Cli.run(blobs, "train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        for (Path p : leftovers) {
            assertFalse(Files.exists(p), p + " swept at resume");
        }
        assertArrayEquals(weights, Files.readAllBytes(run.resolve("weights.bin")), "the run itself untouched");

        Path fresh = Files.createDirectories(tmp.resolve("fresh"));
        List<Path> old = plant(fresh);
        assertEquals(0, Cli.run(blobs, "train", cfg.toString(), "--out", fresh.toString()).code());
        for (Path p : old) {
            assertFalse(Files.exists(p), p + " swept at the start");
        }
    }

    /** What a writer killed mid-write leaves: a picture's temporary file, a checkpoint's temporary folder, a probe. */
    private static List<Path> plant(Path dir) throws IOException {
        Path png = Files.writeString(dir.resolve(".loss.png.18c2f3a9b1.tmp"), "half a picture", StandardCharsets.UTF_8);
        Path cp = Files.createDirectories(dir.resolve(".checkpoint.18c2f3a9b2.tmp"));
        Files.write(cp.resolve("weights.bin"), new byte[64]);
        Path probe = Files.writeString(dir.resolve(".probe4411.tmp"), "");
        return List.of(png, cp, probe);
    }
}
