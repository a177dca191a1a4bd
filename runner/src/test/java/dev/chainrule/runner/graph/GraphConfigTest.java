package dev.chainrule.runner.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks as graphs through the real CLI (docs/graphs.md), on tiny 1×8×8 IDX images: a residual block used
 * twice, a concatenation, a product and a fan-out train, repeat bitwise, evaluate, gradcheck
 * (each stage by name, each merge input's block, the whole gradient with its sums at fan-outs against central
 * differences) and explain; model.json records the graph; each bad graph is one line, exit 2, no run folder.
 * {@code --resume} of a graph: {@code train/ResumeGraphTest}.
 */
class GraphConfigTest {
    static final String GRAPH = """
            {"name": "tiny-graph", "seed": 7,
             "network": {
               "blocks": {"residual": {"options": {"filters": 3}, "layers": [
                 {"name": "conv1", "type": "conv2d", "filters": "$filters", "kernel": 3, "padding": "same"},
                 {"name": "bn", "type": "batch-norm"},
                 {"type": "tanh"},
                 {"name": "conv2", "type": "conv2d", "filters": "$filters", "kernel": 3, "padding": "same"},
                 {"name": "sum", "type": "add", "inputs": ["input", "conv2"]},
                 {"type": "tanh"}]}},
               "layers": [
                 {"name": "stem", "type": "conv2d", "filters": 3, "kernel": 3, "padding": "same"},
                 {"type": "tanh"},
                 {"name": "pool", "type": "maxpool2d", "size": 2},
                 {"name": "block1", "type": "residual"},
                 {"name": "block2", "type": "residual", "filters": 3},
                 {"name": "side", "type": "conv2d", "filters": 2, "kernel": 1, "inputs": ["pool"]},
                 {"name": "cat", "type": "concat", "inputs": ["block2", "side"]},
                 {"name": "flat", "type": "flatten"},
                 {"name": "d1", "type": "dense", "units": 4},
                 {"name": "gate", "type": "dense", "units": 4, "inputs": ["flat"]},
                 {"name": "prod", "type": "multiply", "inputs": ["d1", "gate"]},
                 {"name": "both", "type": "add", "inputs": ["prod", "gate"]},
                 {"type": "dropout", "rate": 0.2},
                 {"type": "dense", "units": 3},
                 {"type": "softmax"}]},
             "loss": {"type": "cross-entropy"},
             "training": {"optimizer": {"type": "adam", "learningRate": 0.01}, "batchSize": 4, "epochs": 3}}
            """;

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        Path d = tmp.resolve("idx");
        if (Files.isDirectory(d)) {
            return d;
        }
        Files.createDirectories(d);
        images(d.resolve("train-images-idx3-ubyte"), 24);
        labels(d.resolve("train-labels-idx1-ubyte"), 24);
        images(d.resolve("t10k-images-idx3-ubyte"), 9);
        labels(d.resolve("t10k-labels-idx1-ubyte"), 9);
        return d;
    }

    private static void images(Path p, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + n * 64);
        b.putInt(0x803).putInt(n).putInt(8).putInt(8);
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    b.put((byte) (y / 3 == c ? 200 + (x * 7 + i) % 50 : (x + y + i) % 30));
                }
            }
        }
        Files.write(p, b.array());
    }

    private static void labels(Path p, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 3));
        }
        Files.write(p, b.array());
    }

    private Path config(String name, String text) throws IOException {
        Path c = tmp.resolve(name);
        Files.writeString(c, text);
        return c;
    }

    private Cli.Result train(Path config, String out, String... more) throws IOException {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", config.toString(), "--data",
                data().toString(), "--out", tmp.resolve(out).toString()));
        args.addAll(java.util.List.of(more));
        return Cli.run(null, args.toArray(String[]::new));
    }

    private String bad(String config) throws IOException {
        Path c = config("bad.json", config);
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run(null, "train", c.toString(), "--data", data().toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n") || err.contains("Exception"), err);
        assertFalse(Files.exists(out), "no run folder left");
        return err;
    }

    @Test
    void aGraphWithBlocksTrainsRepeatsResumesEvaluatesAndGradchecks() throws IOException {
        Path c = config("graph.json", GRAPH);
        Cli.Result a = train(c, "a");
        assertEquals(0, a.code(), a.err());
        Cli.Result b = train(c, "b");
        assertEquals(0, b.code(), b.err());
        byte[] wa = Files.readAllBytes(tmp.resolve("a/weights.bin"));
        assertArrayEquals(wa, Files.readAllBytes(tmp.resolve("b/weights.bin")), "same config and seed, same weights");

        // model.json records the graph: names with the block prefix, inputs, parameters by stage
        String model = Files.readString(tmp.resolve("a/model.json"));
        assertTrue(model.contains("\"name\" : \"block2.conv1\"") && model.contains("\"stage\" : \"block2.conv1\""), model);
        assertTrue(model.contains("\"inputs\" : [ \"block2.layers[5]\", \"side\" ]")
                || model.contains("\"inputs\" : [ \"layers[14]\", \"side\" ]"), model);

        Cli.Result e = Cli.run(null, "evaluate", tmp.resolve("a").toString(), "--data", data().toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("accuracy"), e.out());

        Cli.Result g = Cli.run(null, "gradcheck", c.toString(), "--data", data().toString());
        assertEquals(0, g.code(), g.out() + g.err());
        assertTrue(g.out().contains("PASS block1.conv1 conv2d D_x") && g.out().contains("PASS block2.sum add D_x")
                && g.out().contains("D_block2.conv2") && g.out().contains("PASS cat concat")
                && g.out().contains("D_side") && g.out().contains("PASS prod multiply")
                && g.out().contains("PASS whole gradient"), g.out());

        Cli.Result x = Cli.run(null, "explain", c.toString(), "--data", data().toString());
        assertEquals(0, x.code(), x.out() + x.err());
        assertTrue(x.out().contains("the sum of the VJPs of") && x.out().contains("D_gate f:")
                && x.out().contains("max |difference|"), x.out());
    }

    @Test
    void aSequentialConfigIsWrittenAsBefore() throws IOException {
        Path c = config("seq.json", """
                {"name": "seq", "seed": 3, "network": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 3},
                 {"type": "softmax"}]}, "training": {"batchSize": 4, "epochs": 1}}""");
        Cli.Result a = train(c, "s");
        assertEquals(0, a.code(), a.err());
        String model = Files.readString(tmp.resolve("s/model.json"));
        assertFalse(model.contains("\"inputs\"") || model.contains("\"stage\""), model);
    }

    private static String graph(String layers) {
        return """
                {"name": "g", "seed": 1, "network": {"layers": [%s]}, "training": {"batchSize": 4, "epochs": 1}}
                """.formatted(layers);
    }

    private static final String HEAD = "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}";

    @Test
    void badGraphsAreOneLineEach() throws IOException {
        String err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3, \"inputs\": [\"b\"]},"
                + "{\"name\": \"b\", \"type\": \"relu\", \"inputs\": [\"a\"]}," + HEAD));
        assertTrue(err.contains("network.layers[0]: the stages form a cycle: 'a' (conv2d) → 'b' (relu) → 'a' (conv2d)")
                || err.contains("the stages form a cycle"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3},"
                + "{\"name\": \"s\", \"type\": \"add\", \"inputs\": [\"a\", \"aa\"]}," + HEAD));
        assertTrue(err.endsWith("network.layers[1].inputs: unknown stage 'aa'; the named stages here are a, s and 'input'"
                + " (the data) (did you mean 'a'?)"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3},"
                + "{\"name\": \"a\", \"type\": \"relu\"}," + HEAD));
        assertTrue(err.endsWith("network.layers[1].name: duplicate name 'a': network.layers[0] (conv2d) has it too"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3},"
                + "{\"name\": \"s\", \"type\": \"add\", \"inputs\": [\"a\", \"input\"]}," + HEAD));
        assertTrue(err.endsWith("network.layers[1]: add 's' takes inputs of one shape, got 2×6×6 and 1×8×8 but 'a' (conv2d)"
                + " and the input give 2×6×6 and 1×8×8"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3},"
                + "{\"name\": \"b\", \"type\": \"relu\", \"inputs\": []}," + HEAD));
        assertTrue(err.endsWith("network.layers[1].inputs: empty: no path reaches this stage; it reads at least one stage"
                + " or 'input' (the data)"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"conv2d\", \"filters\": 2, \"kernel\": 3},"
                + "{\"name\": \"b\", \"type\": \"tanh\", \"inputs\": [\"input\"]}," + HEAD));
        assertTrue(err.endsWith("network.layers[0]: 2 outputs: 'a' (conv2d, network.layers[0]) is read by no stage, besides"
                + " the last, 'layers[4]' (softmax); a network has one output: use it as an input or remove it"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"tanh\"}, {\"name\": \"b\", \"type\": \"tanh\", \"inputs\": [\"a\", \"input\"]},"
                + HEAD));
        assertTrue(err.endsWith("network.layers[1].inputs: tanh takes one input but is given 2 ('a' (tanh) and the input);"
                + " join them with a merge (add, concat, multiply)"), err);

        err = bad(graph("{\"name\": \"a\", \"type\": \"tanh\", \"inputs\": [\"b\"]}, {\"name\": \"b\", \"type\": \"tanh\","
                + " \"inputs\": [\"input\"]}," + HEAD));
        assertTrue(err.contains("network.layers[0].inputs: 'a' (tanh) reads 'b' (tanh), listed after it"), err);
    }
}
