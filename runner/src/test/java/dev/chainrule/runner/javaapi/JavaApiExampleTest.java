package dev.chainrule.runner.javaapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.engine.Chainrule;
import dev.chainrule.engine.Model;
import dev.chainrule.engine.Trained;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.plugins.MnistSubset;
import dev.chainrule.runner.Cli;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/java-api as a user builds and runs it: compiled from its sources against the engine, run in its own
 * JVM, it trains a config to the same weights.bin as {@code runner train} of that config, byte for byte; and the
 * facade's load, predict and save agree with the run folder.
 */
class JavaApiExampleTest {
    static final Path EXAMPLE = Path.of("..", "examples", "java-api").toAbsolutePath().normalize();

    @TempDir
    static Path shared;
    static Path config;

    @BeforeAll
    static void data() throws IOException {
        Path data = MnistSubset.write(shared.resolve("mnist-2000"), 2000, 500);
        String text = Files.readString(Path.of("..", "configs", "mnist-3layer.json"));
        // the notes' network and training, on a subset for one epoch: same code paths, seconds instead of minutes
        text = text.replaceFirst("\"data\"\\s*:\\s*\\{[^}]*\\}", "\"data\": {\"dir\": \"" + data.toString().replace("\\", "\\\\") + "\"}")
                .replaceFirst("\"epochs\"\\s*:\\s*\\d+", "\"epochs\": 1");
        assertTrue(text.contains("\"epochs\": 1") && text.contains(data.toString()), text);
        config = Files.writeString(shared.resolve("mnist-3layer-subset.json"), text);
    }

    @Test
    void theExampleTrainsFromJavaToTheCommandLinesExactWeights(@TempDir Path tmp) throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        List<String> sources;
        try (Stream<Path> s = Files.walk(EXAMPLE.resolve("src/main/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        assertEquals(1, sources.size(), "the example's sources: " + sources);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "--release", "17"));
        args.addAll(sources);
        assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "the example compiles");

        Path fromJava = tmp.resolve("from-java");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector", "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path"),
                "dev.chainrule.examples.javaapi.TrainAndPredict", config.toString(), fromJava.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("listener: epoch 1, test accuracy"), out);
        assertTrue(out.contains("reloaded: test accuracy"), out);
        assertTrue(out.matches("(?s).*a vertical stroke: class \\d \\(\\d+\\.\\d%\\).*"), out);

        Path fromCli = tmp.resolve("from-cli");
        Cli.Result r = Cli.run(null, "train", config.toString(), "--out", fromCli.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertArrayEquals(Files.readAllBytes(fromCli.resolve("weights.bin")), Files.readAllBytes(fromJava.resolve("weights.bin")),
                "weights.bin of the Java facade and of runner train");
        assertEquals(Files.readString(fromCli.resolve("metrics.jsonl")).replaceAll("\"(seconds|samplesPerSecond)\":[0-9.eE-]+", ""),
                Files.readString(fromJava.resolve("metrics.jsonl")).replaceAll("\"(seconds|samplesPerSecond)\":[0-9.eE-]+", ""));
    }

    @Test
    void aLoadedModelPredictsEvaluatesAndSavesLikeTheRunFolder(@TempDir Path tmp) {
        Chainrule chainrule = Chainrule.create();
        RunConfig c = chainrule.config(config);
        Trained run = chainrule.train(c, tmp.resolve("run"));
        assertEquals(1, run.epochs().size());
        Model model = chainrule.load(run.runFolder());
        assertEquals(run.testAccuracy(), model.evaluate().accuracy(), 0.0, "the same test accuracy after loading");
        double[] row = new double[784];
        row[300] = 1;
        double[] p = model.probabilities(row);
        double[] q = run.model().probabilities(row);
        assertArrayEquals(q, p, 0.0);
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-12);
        model.save(tmp.resolve("saved"));
        assertArrayEquals(readBytes(run.runFolder().resolve("weights.bin")), readBytes(tmp.resolve("saved/weights.bin")));
        assertArrayEquals(p, chainrule.load(tmp.resolve("saved")).probabilities(row), 0.0);
    }

    @Test
    void aConfigBuiltInCodeIsValidatedLikeAFile(@TempDir Path tmp) {
        Chainrule chainrule = Chainrule.create();
        Map<String, Object> tree = Map.of("name", "in-code", "seed", 7,
                "data", Map.of("dir", config.getParent().resolve("mnist-2000").toString()),
                "network", Map.of("layers", List.of(Map.of("type", "dense", "units", 16), Map.of("type", "relu"),
                        Map.of("type", "dense", "units", 10), Map.of("type", "softmax"))),
                "training", Map.of("batchSize", 32, "epochs", 1));
        RunConfig c = chainrule.config(tree);
        assertEquals("in-code", c.name());
        assertTrue(chainrule.train(c, tmp.resolve("run")).testAccuracy() > 0.5);
        var bad = org.junit.jupiter.api.Assertions.assertThrows(dev.chainrule.engine.base.BadInputException.class,
                () -> chainrule.config(Map.of("network", Map.of("layers", List.of(Map.of("type", "relu6"))))));
        assertTrue(bad.getMessage().contains("relu6") && bad.getMessage().contains("known"), bad.getMessage());
    }

    private static byte[] readBytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
