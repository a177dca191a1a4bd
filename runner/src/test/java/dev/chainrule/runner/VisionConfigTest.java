package dev.chainrule.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vision stages through the real CLI on tiny 1×8×8 IDX images: shape errors are one config line naming the
 * entry and the shapes (exit 2, no run folder), a small convnet trains and gradchecks, and two runs with the same
 * seed give the same weights byte for byte.
 *
 * <p>tanh, not relu, before the max pool: relu's exact zeros tie inside a window, where max pooling has a kink
 * (a one-sided derivative of 1, central differences 1/2), so gradcheck's random points would land on it.
 */
class VisionConfigTest {
    private static final String CNN = """
            {"name": "tiny-cnn", "seed": 7,
             "network": {"layers": [
               {"type": "conv2d", "filters": 3, "kernel": 3, "padding": "same"},
               {"type": "tanh"},
               {"type": "maxpool2d", "size": 2},
               {"type": "conv2d", "filters": 4, "kernel": [2, 3], "stride": 2},
               {"type": "flatten"},
               {"type": "dense", "units": 3},
               {"type": "softmax"}]},
             "loss": {"type": "cross-entropy"},
             "training": {"optimizer": {"type": "sgd", "learningRate": 0.1, "momentum": 0.9}, "batchSize": 4, "epochs": 2}}
            """;

    @TempDir
    Path tmp;

    private Path data() throws IOException {
        Path d = tmp.resolve("idx");
        Files.createDirectories(d);
        images(d.resolve("train-images-idx3-ubyte"), 24);
        labels(d.resolve("train-labels-idx1-ubyte"), 24);
        images(d.resolve("t10k-images-idx3-ubyte"), 9);
        labels(d.resolve("t10k-labels-idx1-ubyte"), 9);
        return d;
    }

    /** Class c lights up the c-th band of rows, with a little texture. */
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

    private String bad(String config) throws IOException {
        Path c = tmp.resolve("bad.json");
        Files.writeString(c, config);
        Path out = tmp.resolve("out");
        Cli.Result r = Cli.run(null, "train", c.toString(), "--data", data().toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n") || err.contains("Exception"), err);
        assertFalse(Files.exists(out), "no run folder left");
        return err;
    }

    @Test
    void shapeErrorsNameTheEntryAndTheShapes() throws IOException {
        String err = bad(CNN.replace("{\"type\": \"conv2d\", \"filters\": 3, \"kernel\": 3, \"padding\": \"same\"}",
                "{\"type\": \"flatten\"}"));
        assertTrue(err.endsWith("network.layers[3]: conv2d takes C×H×W input but layers[2] (maxpool2d) gives 1×4×4")
                || err.contains("takes C×H×W input but"), err);
        err = bad(CNN.replace("\"kernel\": 3, \"padding\": \"same\"", "\"kernel\": 9"));
        assertTrue(err.contains("network.layers[0]: conv2d with kernel 9×9 and padding valid takes images of at least 9×9 "
                + "(C×H×W) but the input gives 1×8×8"), err);
        err = bad(CNN.replace("\"stride\": 2", "\"stride\": 0"));
        assertTrue(err.contains("network.layers[3].stride: must be an integer from 1 to 1024 or [height, width], got 0"), err);
        err = bad(CNN.replace("\"size\": 2", "\"size\": 9"));
        assertTrue(err.contains("network.layers[2]: maxpool2d with a 9×9 window takes images of at least 9×9 (C×H×W) "
                + "but layers[1] (tanh) gives 3×8×8"), err);
    }

    @Test
    void aSmallConvnetTrainsGradchecksAndRepeatsBitwise() throws IOException {
        Path c = tmp.resolve("cnn.json");
        Files.writeString(c, CNN);
        Path d = data();
        Cli.Result a = Cli.run(null, "train", c.toString(), "--data", d.toString(), "--out", tmp.resolve("a").toString());
        assertEquals(0, a.code(), a.err());
        Cli.Result b = Cli.run(null, "train", c.toString(), "--data", d.toString(), "--out", tmp.resolve("b").toString());
        assertEquals(0, b.code(), b.err());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/weights.bin")),
                Files.readAllBytes(tmp.resolve("b/weights.bin"))), "same config and seed, same weights");
        Cli.Result e = Cli.run(null, "evaluate", tmp.resolve("a").toString(), "--data", d.toString());
        assertEquals(0, e.code(), e.err());
        Cli.Result g = Cli.run(null, "gradcheck", c.toString());
        assertEquals(0, g.code(), g.out() + g.err());
        assertTrue(g.out().contains("conv2d") && g.out().contains("maxpool2d"), g.out());
    }

    @Test
    void augmentationStagesTrainRepeatBitwiseAndChangeTheRun() throws IOException {
        String aug = CNN.replace("\"layers\": [", "\"layers\": [\n{\"type\": \"random-shift\", \"max\": 1}, "
                + "{\"type\": \"random-flip\", \"vertical\": true},");
        Path c = tmp.resolve("aug.json");
        Files.writeString(c, aug);
        Path plain = tmp.resolve("cnn.json");
        Files.writeString(plain, CNN);
        Path d = data();
        for (String run : new String[] {"a", "b"}) {
            Cli.Result r = Cli.run(null, "train", c.toString(), "--data", d.toString(), "--out", tmp.resolve(run).toString());
            assertEquals(0, r.code(), r.err());
        }
        Cli.Result p = Cli.run(null, "train", plain.toString(), "--data", d.toString(), "--out", tmp.resolve("p").toString());
        assertEquals(0, p.code(), p.err());
        byte[] a = Files.readAllBytes(tmp.resolve("a/weights.bin"));
        assertTrue(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("b/weights.bin"))),
                "same config and seed, same shifts and flips, same weights");
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("p/weights.bin"))),
                "the augmentation changed what training saw");
        Cli.Result e = Cli.run(null, "evaluate", tmp.resolve("a").toString(), "--data", d.toString());
        assertEquals(0, e.code(), e.err());
        String err = bad(aug.replace("\"max\": 1", "\"max\": 8"));
        assertTrue(err.contains("network.layers[0].max: must be below the image's height and width (1×8×8 allows up to 7), "
                + "got 8"), err);
    }
}
