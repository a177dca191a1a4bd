package dev.chainrule.runner;

import dev.chainrule.engine.train.InMemorySamples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import dev.chainrule.engine.train.DataSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → run folder → evaluate on a synthetic data set, through the real CLI with a mocked data source. */
@Tag("slow") // over ~5 s: `mvn -B test` leaves it out, `mvn -B verify` runs it (README, Development)
class TrainEndToEndTest {
    static final String CONFIG = """
            {"name": "blobs", "seed": 7,
             "network": {"layers": [{"type": "dense", "units": 8}, {"type": "sigmoid"},
                                    {"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"optimizer": {"learningRate": 0.5}, "batchSize": 4, "epochs": 3}}
            """;

    @TempDir
    Path tmp;

    static Module blobData() {
        DataSource ds = mock(DataSource.class);
        when(ds.load(any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    Path config() throws IOException {
        Path c = tmp.resolve("blobs.json");
        Files.writeString(c, CONFIG);
        return c;
    }

    @Test
    void trainWritesARunFolderAndEvaluateReproducesTheAccuracy() throws IOException {
        Path out = tmp.resolve("run");
        Cli.Result r = Cli.run(blobData(), "train", config().toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("blobs: test accuracy (\\d+\\.\\d\\d%) after 3 epochs").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals("100.00%", m.group(1), "three separated blobs are learned perfectly");
        for (String f : List.of("config.json", "metrics.jsonl", "model.json", "weights.bin", "confusion.csv")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        try (var s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(3, metrics.size());
        ObjectMapper json = new ObjectMapper();
        JsonNode last = json.readTree(metrics.get(2));
        assertEquals(3, last.get("epoch").asInt());
        assertEquals(1.0, last.get("testAccuracy").asDouble());
        for (String k : List.of("trainLoss", "testLoss", "seconds", "samplesPerSecond")) {
            assertTrue(last.has(k), k);
        }
        JsonNode cfg = json.readTree(out.resolve("config.json").toFile());
        assertEquals(4, cfg.at("/network/input").asInt(), "input filled in from the data");
        assertEquals(1000, cfg.at("/training/evalBatchSize").asInt(), "defaults written out");
        assertEquals("glorot-uniform", cfg.at("/network/layers/0/init").asText(), "provider defaults written out");
        assertEquals("true\\predicted,0,1,2", Files.readAllLines(out.resolve("confusion.csv")).get(0));
        assertEquals("0,10,0,0", Files.readAllLines(out.resolve("confusion.csv")).get(1));

        Cli.Result e = Cli.run(blobData(), "evaluate", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().startsWith("blobs: test accuracy 100.00% on 30 test samples"), e.out());
    }

    @Test
    void weightsBinIsLittleEndianFloat64RowMajorAsModelJsonSays() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, Cli.run(blobData(), "train", config().toString(), "--out", out.toString()).code());
        JsonNode model = new ObjectMapper().readTree(out.resolve("model.json").toFile());
        byte[] w = Files.readAllBytes(out.resolve("weights.bin"));
        JsonNode ps = model.get("parameters");
        assertEquals(4, ps.size());
        assertEquals("[8,4]", ps.get(0).get("shape").toString());
        assertEquals("float64 little-endian", ps.get(0).get("dtype").asText());
        long expected = (8 * 4 + 8 + 3 * 8 + 3) * 8L;
        assertEquals(expected, w.length);
        assertEquals(expected, model.at("/weights/bytes").asLong());
        JsonNode b2 = ps.get(3);
        assertEquals((8 * 4 + 8 + 3 * 8) * 8, b2.get("offset").asInt());
        double first = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN).getDouble(0);
        assertTrue(Math.abs(first) > 0 && Math.abs(first) < 2, "W[0,0] is an initialised weight: " + first);
    }

    @Test
    void sameConfigAndSeedGiveBitwiseIdenticalWeightsAndMetrics() throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        assertEquals(0, Cli.run(blobData(), "train", config().toString(), "--out", a.toString()).code());
        assertEquals(0, Cli.run(blobData(), "train", config().toString(), "--out", b.toString()).code());
        assertArrayEquals(Files.readAllBytes(a.resolve("weights.bin")), Files.readAllBytes(b.resolve("weights.bin")));
        assertEquals(withoutTimes(a), withoutTimes(b));
        Path c = tmp.resolve("c");
        assertEquals(0, Cli.run(blobData(), "train", config().toString(), "--out", c.toString(), "--seed", "8").code());
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(a.resolve("weights.bin")),
                Files.readAllBytes(c.resolve("weights.bin"))), "another seed gives other weights");
    }

    private static List<String> withoutTimes(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .map(l -> l.replaceAll(",\"seconds\".*", "")).toList();
    }

    @Test
    void pluginsListsEveryBuiltInTypeWithItsProviderAndSource() {
        Cli.Result r = Cli.run(null, "plugins");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s).*layer\\s+dense\\s+dev\\.chainrule\\.layers\\.DenseProvider\\s+built-in.*"), r.out());
        for (String t : List.of("sigmoid", "softmax", "relu", "tanh", "cross-entropy", "softmax-cross-entropy", "mse")) {
            assertTrue(r.out().contains(" " + t + " "), t);
        }
    }

    @Test
    void gradcheckPassesOnTheConfiguredNetwork() throws IOException {
        Cli.Result r = Cli.run(blobData(), "gradcheck", config().toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("PASS layers[0] dense"), r.out());
        assertTrue(r.out().contains("PASS whole gradient"), r.out());
        assertTrue(r.out().contains("blobs: gradcheck passed"), r.out());
    }

    @Test
    void logitsWithSoftmaxCrossEntropyTrainToo() throws IOException {
        Path c = tmp.resolve("logits.json");
        Files.writeString(c, CONFIG.replace(", {\"type\": \"softmax\"}", "")
                .replace("\"training\"", "\"loss\": {\"type\": \"softmax-cross-entropy\"}, \"training\""));
        Cli.Result r = Cli.run(blobData(), "train", c.toString(), "--out", tmp.resolve("l").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy 100.00%"), r.out());
    }
}
