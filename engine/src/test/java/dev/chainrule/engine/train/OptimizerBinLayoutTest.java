package dev.chainrule.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Parameter;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.optimizers.Sgd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25: docs/formats.md says how optimizer.bin is laid out (each buffer in its parameter's storage order,
 * a dense W column-major), and a reader that follows the doc finds each velocity where it says.
 */
class OptimizerBinLayoutTest {
    @TempDir
    Path run;

    @Test
    void optimizerBinReadsAsFormatsMdSays() throws IOException {
        Path doc = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent().resolve("docs/formats.md");
        String text = Files.readString(doc).replaceAll("\\s+", " ");
        assertTrue(text.contains("its entry (i, j) is value `i + j·m` of each of its buffers"), "docs/formats.md");

        int m = 2;
        int n = 3;
        Parameter w = Parameter.matrix("W", m, n, Parameter.Storage.COLUMN_MAJOR);
        Parameter b = Parameter.vector("b", m);
        for (int f = 0; f < m * n; f++) {
            w.grad()[w.storageIndex(f)] = f + 1; // row-major flat f = i·n + j
        }
        b.grad()[0] = 10;
        b.grad()[1] = 20;
        Sgd sgd = new Sgd(0.1, 0.9, 0, false, 0, 0);
        sgd.step(List.of(w, b), 1); // the first step with momentum: velocity = gradient
        double[][] state = SgdTrainer.copyState(sgd, List.of(w, b));
        new CheckpointStore(run, ConfigReader.strictMapper()).save(Checkpoint.builder().at(2, 0)
                .metrics(List.of(new EpochMetrics(1, 0.5, 0.5, 0.9, 1, 100, 0.9, 0.1, Double.NaN, Double.NaN, 0)))
                .weights(new double[][] {w.toRowMajor(), b.toRowMajor()}).optimizer("sgd", state).build());

        ByteBuffer bin = ByteBuffer.wrap(Files.readAllBytes(run.resolve("checkpoint/optimizer.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals((1 + m * n + m) * 8, bin.capacity());
        assertEquals(1.0, bin.getDouble(0), "the step counter first");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(i * n + j + 1, bin.getDouble(8 * (1 + i + j * m)), "velocity of W(" + i + ", " + j + ")");
            }
        }
        assertEquals(10.0, bin.getDouble(8 * (1 + m * n)));
        assertEquals(20.0, bin.getDouble(8 * (1 + m * n + 1)));
    }
}
