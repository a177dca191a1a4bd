package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.config.ConfigReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash at any point of a checkpoint swap leaves one complete checkpoint that resume finds. */
class CheckpointStoreTest {
    @TempDir
    Path run;

    private static Checkpoint at(int epoch, double w) {
        // a checkpoint at the start of epoch e holds the metrics of epochs 1..e-1 (load() checks that)
        List<EpochMetrics> done = new java.util.ArrayList<>();
        for (int e = 1; e < epoch; e++) {
            done.add(new EpochMetrics(e, 0.5, 0.5, 0.9, 1, 100, 0.9, 0.1, Double.NaN, Double.NaN, 0));
        }
        return Checkpoint.builder().at(epoch, 0).metrics(done).weights(new double[][] {{w, w + 1}, {w + 2}})
                .optimizer("sgd", new double[][] {{1}, {0, 0}, {0}}).build();
    }

    private CheckpointStore store() {
        return new CheckpointStore(run, ConfigReader.strictMapper());
    }

    @Test
    void aCorruptedCheckpointFallsBackToTheOldOne() throws IOException {
        store().save(at(2, 1.5));
        copyTree(run.resolve("checkpoint"), run.resolve("checkpoint.old"));
        Files.write(run.resolve("checkpoint/weights.bin"), new byte[24]);
        Checkpoint c = store().load();
        assertEquals(2, c.epoch());
        assertArrayEquals(new double[] {1.5, 2.5}, c.weights()[0]);
    }

    @Test
    void afterACrashBetweenTheRenamesTheOldCheckpointIsKeptUntilTheNewOneIsInPlace() throws IOException {
        store().save(at(2, 1.5));
        // the crash: checkpoint/ was renamed to checkpoint.old/, the new one never arrived
        Files.move(run.resolve("checkpoint"), run.resolve("checkpoint.old"));
        Files.createDirectory(run.resolve(".checkpoint.dead.tmp"));
        assertEquals(2, store().load().epoch());
        store().save(at(3, 7.0));
        Checkpoint c = store().load();
        assertEquals(3, c.epoch());
        assertArrayEquals(new double[] {9.0}, c.weights()[1]);
        assertFalse(Files.exists(run.resolve("checkpoint.old")));
        try (Stream<Path> s = Files.list(run)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "leftover temp folders removed");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectory(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
