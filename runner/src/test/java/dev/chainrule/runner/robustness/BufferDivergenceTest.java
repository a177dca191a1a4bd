package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.google.inject.Module;
import dev.chainrule.engine.train.DataSource;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running statistics can overflow while the loss stays finite: a feature of 1e200 makes a batch's variance
 * +∞, batch normalization then divides by √∞ and outputs β, every loss and gradient stays finite, and the run
 * used to end with exit 0 and a model.json whose running_var is Infinity. The divergence check covers buffers.
 */
class BufferDivergenceTest {
    static final String CONFIG = """
            {"name": "overflow", "seed": 7,
             "network": {"layers": [{"type": "batch-norm"}, {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 4, "epochs": 1}}
            """;

    @TempDir
    Path tmp;

    static Module hugeFeature() {
        InMemorySamples train = InMemorySamples.blobs(24, 1);
        train.x()[5][0] = 1e200;
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(new DataSource.Split(train, InMemorySamples.blobs(9, 2)));
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    @Test
    void aRunningVarianceThatOverflowsIsReportedAsDivergedNamingTheBuffer() throws IOException {
        Path config = Hostile.write(tmp.resolve("overflow.json"), CONFIG);
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run(hugeFeature(), "train", config.toString(), "--out", out.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        String err = lines[lines.length - 1]; // after the progress line
        assertTrue(err.startsWith("training diverged: buffer running_var of stage layers[0] (batch-norm) is Infinity in "
                + "epoch 1 in the batch of samples "), err);
        assertTrue(err.contains(": first non-finite value in the running statistics the forward pass of stage [0] "
                + "batch-norm updates (buffer running_var of stage layers[0] (batch-norm) holds Infinity (value 1 of 1)); "
                + "norms just before: "), err);
        assertFalse(Files.exists(out.resolve("model.json")), "no model.json with an infinite running variance");
    }
}
