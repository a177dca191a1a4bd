package dev.chainrule.runner.plugins;

import dev.chainrule.engine.plugins.PluginJarBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party optimizer (examples/optimizer-lion, compiled in process as its pom would) is listed,
 * described and trains from a plugins folder; its state goes into checkpoints like a built-in's.
 */
class OptimizerPluginTest {
    static final String CONFIG = """
            {"name": "blobs-lion", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"type": "lion", "learningRate": 0.01, "weightDecay": 0.01},
                          "batchSize": 4, "epochs": 4}}
            """;

    @TempDir
    Path tmp;

    @Test
    void theLionJarIsListedDescribedAndTrains() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.example(PluginJarBuilder.LION).build(dir.resolve("optimizer-lion-0.1.0.jar"));

        Cli.Result list = Cli.run(null, "--plugins", dir.toString(), "plugins");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("optimizer\\s+lion\\s+dev\\.chainrule\\.examples\\.lion\\.LionProvider.*")),
                list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("optimizer\\s+adam\\s+.*")), "built-ins listed too: " + list.out());
        Cli.Result d = Cli.run(null, "describe", "lion", "--plugins", dir.toString());
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("lion (optimizer)") && d.out().contains("training.optimizer"), d.out());

        Path cfg = tmp.resolve("cfg.json");
        Files.writeString(cfg, CONFIG);
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run(PluginsTest.blobData(), "--plugins", dir.toString(), "train", cfg.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("blobs-lion: test accuracy (\\d+\\.\\d\\d%)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals("100.00%", m.group(1), "Lion learns three separated blobs");
        String state = Files.readString(out.resolve("checkpoint/state.json"));
        assertTrue(state.contains("\"optimizer\" : \"lion\""), state);
        assertTrue(Files.size(out.resolve("checkpoint/optimizer.bin")) > 0, "Lion's momentum is checkpointed");

        Cli.Result unknown = Cli.run(null, "train", cfg.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("training.optimizer.type") && unknown.err().contains("unknown type 'lion'")
                && unknown.err().contains("adam"), unknown.err());
    }
}
