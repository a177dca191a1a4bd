package dev.chainrule.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.train.SyntheticIdx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25: a run trained with {@code --data} (another IDX folder, Fashion-MNIST) is named after it, not after
 * the config alone ("mnist-batch32"); {@code --name NAME} sets the name.
 */
class RunNameTest {
    @TempDir
    Path tmp;

    static final String CONFIG = """
            {"name": "mnist-batch32", "seed": 3, "data": {"dataset": "mnist"},
             "network": {"layers": [{"type": "dense", "units": 10}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.1}, "batchSize": 10, "epochs": 1}}
            """;

    @Test
    void aRunOnAnotherDataFolderIsNamedAfterItAndNameSetsIt() throws IOException {
        Path data = SyntheticIdx.write(tmp.resolve("fashion"), 60, 20, 6, 1);
        Path cfg = Files.writeString(tmp.resolve("c.json"), CONFIG);
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("mnist-batch32-fashion: test accuracy"), r.out());
        assertEquals("mnist-batch32-fashion", new ObjectMapper().readTree(run.resolve("config.json").toFile()).get("name").asText());

        Path named = tmp.resolve("named");
        Cli.Result n = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--name", "fashion-dense",
                "--out", named.toString());
        assertEquals(0, n.code(), n.err());
        assertTrue(n.out().contains("fashion-dense: test accuracy"), n.out());
        assertEquals("fashion-dense", new ObjectMapper().readTree(named.resolve("config.json").toFile()).get("name").asText());

        Cli.Result bad = Cli.run(null, "train", cfg.toString(), "--name", "../x", "--out", tmp.resolve("b").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.errLine().startsWith("--name: must be 1-100 letters"), bad.errLine());
    }
}
