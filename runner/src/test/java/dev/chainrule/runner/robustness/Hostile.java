package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.inject.Module;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.train.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** What the robustness tests share: the whole CLI in-process, and the house contract for bad input. */
final class Hostile {
    static final String CONFIG = """
            {"name": "blobs", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.5}, "batchSize": 4, "epochs": 2}}
            """;

    /** CONFIG with batch normalization of the 8 hidden units: running_mean and running_var, 8 values each. */
    static final String NORM_CONFIG = """
            {"name": "blobs-norm", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "batch-norm"}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.5, "momentum": 0.9}, "batchSize": 4, "epochs": 2}}
            """;

    private Hostile() {
    }

    /** Three separable blobs in 4 features instead of MNIST. */
    static Module blobData() {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
        return file;
    }

    /** Trains CONFIG (or {@code config}) into {@code out} and asserts it worked. */
    static Path trained(Path tmp, String name, String config, String... extra) throws IOException {
        Path c = write(tmp.resolve(name + ".json"), config);
        Path out = tmp.resolve(name);
        String[] args = new String[extra.length + 4];
        System.arraycopy(extra, 0, args, 0, extra.length);
        System.arraycopy(new String[] {"train", c.toString(), "--out", out.toString()}, 0, args, extra.length, 4);
        Cli.Result r = Cli.run(blobData(), args);
        assertEquals(0, r.code(), r.out() + r.err());
        return out;
    }

    /** Runs the CLI and asserts the contract for bad input: exit 2, one line, no stack trace; returns the line. */
    static String bad(String... args) {
        return bad(blobData(), args);
    }

    static String bad(Module data, String... args) {
        Cli.Result r = Cli.run(data, args);
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("internal error") || err.contains("\tat "), "no stack trace: " + err);
        return err;
    }
}
