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
    void aNonFiniteOptimizerStateIsRefusedEvenWithItsHashesRewritten() {
        Checkpoint c = Checkpoint.builder().at(1, 0).weights(new double[][] {{1, 2}, {3}})
                .optimizer("adam", new double[][] {{1}, {0, Double.NEGATIVE_INFINITY}, {0}}).build();
        // the store writes what it is given (the trainer never gives it a non-finite state): a forger's checkpoint
        store().save(c);
        dev.chainrule.engine.base.BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.chainrule.engine.base.BadInputException.class, () -> store().load());
        assertEquals(run.resolve("checkpoint/optimizer.bin") + ": state array 2 of 3 of optimizer 'adam' holds -Infinity "
                + "(value 2 of 2); an optimizer's state must be finite: the checkpoint was edited or is corrupted",
                e.getMessage());
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

    /**
     * state.json as the hand-written writer before the records wrote it (the text below is that writer's output
     * for this checkpoint, taken from the previous build): field order, nulls left out, number forms.
     */
    @Test
    void stateJsonIsByteForByteWhatTheFormatWasAndReadsBack() throws IOException {
        List<EpochMetrics> done = new java.util.ArrayList<>();
        for (int e = 1; e < 3; e++) {
            done.add(new EpochMetrics(e, 0.5, 0.5, 0.9, 1, 100, 0.9, 0.1, Double.NaN, Double.NaN, 0));
        }
        Checkpoint c = Checkpoint.builder().at(3, 7).runningSums(1.25, 5).metrics(done)
                .earlyStopping(0.375, 2, 0, false)
                .weights(new double[][] {{1.5, 2.5}, {3.5}}).best(new double[][] {{1, 2}, {3}})
                .optimizer("adam", new double[][] {{1}, {0, 0}, {0}}).build();
        store().save(c);
        assertEquals("""
            {
              "format" : "chainrule-checkpoint",
              "formatVersion" : 2,
              "epoch" : 3,
              "position" : 7,
              "lossSum" : 1.25,
              "correct" : 5,
              "bestValidationLoss" : 0.375,
              "bestEpoch" : 2,
              "badEpochs" : 0,
              "stopped" : false,
              "parameterSizes" : [ 2, 1 ],
              "optimizer" : "adam",
              "optimizerStateSizes" : [ 1, 2, 1 ],
              "files" : {
                "weights" : {
                  "file" : "weights.bin",
                  "sha256" : "ad1461355d664226df0a9dd36082ce06afa03d52a19beb8e90853216ef6b221e"
                },
                "optimizer" : {
                  "file" : "optimizer.bin",
                  "sha256" : "41e57a811ac9776a5931d1ac2f1f354df344c042329b13e20b4b516db8b78410"
                },
                "best" : {
                  "file" : "best.bin",
                  "sha256" : "a68de4b5e96a60c8ceb3c7b7ef93461725bdbbff3516b136585a743b5c0ec664"
                }
              },
              "metrics" : [ {
                "epoch" : 1,
                "trainLoss" : 0.5,
                "trainAccuracy" : 0.9,
                "testLoss" : 0.5,
                "testAccuracy" : 0.9,
                "learningRate" : 0.1,
                "seconds" : 1.0,
                "samplesPerSecond" : 100.0
              }, {
                "epoch" : 2,
                "trainLoss" : 0.5,
                "trainAccuracy" : 0.9,
                "testLoss" : 0.5,
                "testAccuracy" : 0.9,
                "learningRate" : 0.1,
                "seconds" : 1.0,
                "samplesPerSecond" : 100.0
              } ]
            }
            """, Files.readString(run.resolve("checkpoint/state.json")) + "\n");
        Checkpoint back = store().load();
        assertEquals(7, back.position());
        assertEquals(5, back.correct());
        assertEquals(0.375, back.bestValidationLoss());
        assertEquals("adam", back.optimizer());
        assertArrayEquals(new double[] {3}, back.best()[1]);
        assertEquals(2, back.metrics().size());
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
