package dev.chainrule.runner.plugins;

import dev.chainrule.engine.plugins.MnistSubset;
import dev.chainrule.engine.plugins.PluginJarBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api 2 examples under {@code examples/} from a plugin author's side: each is compiled from its sources
 * as its pom would, passes {@code verify-plugin}, and trains on 600 MNIST samples for one epoch (tested on
 * 300) to well above chance; the data source {@code jsonl} trains on a JSON Lines file of its own.
 */
class ExamplesTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void mnist() throws IOException {
        data = MnistSubset.write(shared.resolve("mnist-600"), 600, 300);
    }

    static Path jar(String folder) throws IOException {
        return jar(folder, shared);
    }

    /** The example's jar, compiled once per {@code into} folder. */
    static Path jar(String folder, Path into) throws IOException {
        Path dir = Files.createDirectories(into.resolve("jars-" + folder));
        if (Files.exists(dir.resolve(folder + "-0.1.0.jar"))) {
            return dir.resolve(folder + "-0.1.0.jar");
        }
        return PluginJarBuilder.example(folder).build(dir.resolve(folder + "-0.1.0.jar"));
    }

    /** verify-plugin passes every type of the example's jar; returns its output. */
    static String verified(Path jar, String... types) {
        Cli.Result r = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        for (String t : types) {
            assertTrue(Pattern.compile("(?m)^PASS " + Pattern.quote(t) + " \\(transform, .*: \\d+ checks").matcher(r.out()).find(),
                    r.out());
        }
        return r.out();
    }

    /** Trains the layers on the MNIST subset with the jar in the plugins folder; returns the test accuracy. */
    double trains(Path jar, String layers, Path out) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        Path cfg = tmp.resolve("cfg.json");
        Files.writeString(cfg, """
                {"name": "example", "seed": 3, "network": {"layers": [%s]},
                 "training": {"optimizer": {"learningRate": 0.5}, "batchSize": 10, "epochs": 1}}
                """.formatted(layers));
        Cli.Result r = Cli.run(null, "--plugins", plugins.toString(), "train", cfg.toString(), "--data", data.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        Matcher m = Pattern.compile("example: test accuracy (\\d+\\.\\d\\d)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        double acc = Double.parseDouble(m.group(1));
        System.out.printf(Locale.ROOT, "[examples] %s: test accuracy %.2f%% after one epoch of 600 samples%n", layers, acc);
        assertTrue(acc > 50, "well above chance (10%): " + acc + "% with " + layers);
        return acc;
    }

    /**
     * The data-source example: verify-plugin checks it without data, describe prints its options, and a config
     * names it like a built-in source; the engine splits, standardizes and records the class names.
     */
    @Test
    void jsonlDataSourcePassesVerifyIsDescribedAndTrainsFromThePluginsFolder() throws IOException {
        Path jar = jar("datasource-jsonl");
        Cli.Result v = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(0, v.code(), v.out() + v.err());
        assertTrue(Pattern.compile("(?m)^PASS jsonl \\(data-source, .*JsonlProvider\\): 3 checks").matcher(v.out()).find(),
                v.out());
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        Cli.Result l = Cli.run(null, "--plugins", plugins.toString(), "plugins");
        assertTrue(Pattern.compile("(?m)^data-source +jsonl +dev\\.chainrule\\.examples\\.jsonl\\.JsonlProvider +\\S*datasource-jsonl-0\\.1\\.0\\.jar +0\\.1\\.0 ")
                .matcher(l.out()).find(), l.out());
        Cli.Result d = Cli.run(null, "--plugins", plugins.toString(), "describe", "jsonl");
        assertEquals(0, d.code(), d.out() + d.err());
        for (String s : new String[] {"jsonl (data-source): a JSON Lines file", "path ", "(required)", "label ", "target ",
                "features ", "every other key", "config entry (data): {\"type\": \"jsonl\", \"path\": ...}", "testSplit"}) {
            assertTrue(d.out().contains(s), s + " in: " + d.out());
        }

        StringBuilder lines = new StringBuilder();
        SplittableRandom r = new SplittableRandom(5);
        String[] names = {"rose", "lily", "iris"};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            lines.append(String.format(Locale.ROOT, "{\"size\": %.3f, \"weight\": %.1f, \"kind\": \"%s\", \"hue\": %.4f}%n",
                    c * 2 + r.nextDouble(), 100 * c + 50 * r.nextDouble(), names[c], r.nextDouble()));
        }
        Files.writeString(tmp.resolve("flowers.jsonl"), lines);
        Path cfg = Files.writeString(tmp.resolve("flowers.json"), """
                {"name": "flowers", "seed": 7,
                 "data": {"type": "jsonl", "path": "flowers.jsonl", "label": "kind", "testSplit": 0.2, "standardize": true},
                 "network": {"layers": [{"type": "dense", "units": 8}, {"type": "relu"}, {"type": "dense", "units": 3},
                                        {"type": "softmax"}]},
                 "loss": {"type": "cross-entropy"},
                 "training": {"batchSize": 10, "epochs": 20, "optimizer": {"type": "adam", "learningRate": 0.01}}}
                """);
        Path run = tmp.resolve("run");
        Cli.Result t = Cli.run(null, "--plugins", plugins.toString(), "train", cfg.toString(), "--out", run.toString());
        assertEquals(0, t.code(), t.out() + t.err());
        Matcher m = Pattern.compile("flowers: test accuracy (\\d+\\.\\d\\d)%").matcher(t.out());
        assertTrue(m.find(), t.out());
        assertTrue(Double.parseDouble(m.group(1)) > 90, t.out());
        assertTrue(t.out().contains("120 training and 30 test samples"), "the engine's stratified 20%: " + t.out());
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.contains("\"classes\" : [ \"iris\", \"lily\", \"rose\" ]"), config);
        assertTrue(config.contains("[ \"size\", \"weight\", \"hue\" ]"), "the first object's key order: " + config);
        Cli.Result e = Cli.run(null, "--plugins", plugins.toString(), "evaluate", run.toString());
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains("flowers: test accuracy " + m.group(1) + "%"), "the same test rows: " + e.out());

        Files.writeString(tmp.resolve("flowers.jsonl"), lines + "{\"size\": 1, \"weight\": 2, \"kind\": \"rose\", \"hue\": \"blue\"}\n");
        Cli.Result bad = Cli.run(null, "--plugins", plugins.toString(), "train", cfg.toString(), "--out",
                tmp.resolve("bad").toString());
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("flowers.jsonl line 151, key 'hue': 'blue' is not a number"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad")), "no run folder left behind");
    }

    @Test
    void avgpoolChangesSizeFrom1x28x28To1x14x14PassesVerifyAndTrains() throws IOException {
        Path jar = jar("plugin-avgpool");
        String out = verified(jar, "avgpool-2x2");
        assertTrue(out.contains("case '2 channels of 5×5'") || out.contains("skipped: avgpool-2x2 at flat sizes"), out);
        trains(jar, """
                {"type": "avgpool-2x2"}, {"type": "dense", "units": 32}, {"type": "sigmoid"},
                {"type": "dense", "units": 10}, {"type": "softmax"}""", tmp.resolve("run"));
    }

    @Test
    void gaussianNoiseUsesTrainingModeAndTheContextsRandomnessPassesVerifyAndTrains() throws IOException {
        Path jar = jar("plugin-noise");
        verified(jar, "gaussian-noise");
        trains(jar, """
                {"type": "gaussian-noise", "sigma": 0.2}, {"type": "dense", "units": 32}, {"type": "sigmoid"},
                {"type": "dense", "units": 10}, {"type": "softmax"}""", tmp.resolve("run"));
    }

    @Test
    void batchCenterIsBatchCoupledWithABufferPassesVerifyTrainsAndEvaluatesWithItsRunningMean() throws IOException {
        Path jar = jar("plugin-batch-center");
        String out = verified(jar, "batch-center");
        assertTrue(out.contains("skipped: batch-center per-row checks"), out);
        Path run = tmp.resolve("run");
        double acc = trains(jar, """
                {"type": "dense", "units": 32}, {"type": "batch-center"}, {"type": "sigmoid"},
                {"type": "dense", "units": 10}, {"type": "softmax"}""", run);
        String model = Files.readString(run.resolve("model.json"));
        assertTrue(model.contains("running-mean"), "the buffer is saved with the model: " + model);
        Cli.Result e = Cli.run(null, "--plugins", tmp.resolve("plugins").toString(), "evaluate", run.toString(), "--data",
                data.toString());
        assertEquals(0, e.code(), e.out() + e.err());
        assertTrue(e.out().contains(String.format(Locale.ROOT, "%.2f%%", acc)),
                "evaluate restores the running mean and gets the run's test accuracy " + acc + ": " + e.out());
    }

    @Test
    void gateIsAMergePluginThatPassesVerifyAndTrainsInAGraph() throws IOException {
        Path jar = jar("plugin-gate");
        Cli.Result r = Cli.run(null, "verify-plugin", jar.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(Pattern.compile("(?m)^PASS gate \\(merge, .*: \\d+ checks").matcher(r.out()).find(), r.out());
        trains(jar, """
                {"name": "h", "type": "dense", "units": 32}, {"name": "s", "type": "dense", "units": 32, "inputs": ["input"]},
                {"name": "g", "type": "gate", "inputs": ["h", "s"]},
                {"type": "dense", "units": 10}, {"type": "softmax"}""", tmp.resolve("run"));
    }
}
