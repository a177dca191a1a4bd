package dev.chainrule.runner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own data through the command line, end to end: a CSV classifier and regressor, image folders
 * (gray PNG, colour JPEG) and NumPy arrays train, evaluate and record what they learned (class names,
 * scaling); bad combinations are one line, exit 2, no run folder.
 */
class DataSourcesTest {
    @TempDir
    Path tmp;

    /** Three separable classes named by strings, four numeric features of different scales. */
    private Path flowers() throws IOException {
        StringBuilder sb = new StringBuilder("\uFEFFsize,weight,\"colour, hue\",spikes,species\r\n");
        SplittableRandom r = new SplittableRandom(5);
        String[] names = {"rose", "lily", "iris"};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            sb.append(String.format(Locale.ROOT, "%.3f,%.1f,%.4f,%d,%s\r\n", c * 2 + r.nextDouble(), 100 * c + 50 * r.nextDouble(),
                    r.nextDouble(), r.nextInt(3), names[c]));
            if (i == 70) {
                sb.append("\r\n"); // a blank line is skipped
            }
        }
        return Files.writeString(tmp.resolve("flowers.csv"), sb.toString());
    }

    private Path config(String name, String data, String layers, String loss, String training) throws IOException {
        return Files.writeString(tmp.resolve(name + ".json"), """
                {"name": "%s", "seed": 7, "data": %s, "network": {"layers": [%s]}, "loss": {"type": "%s"},
                 "training": %s}
                """.formatted(name, data, layers, loss, training));
    }

    @Test
    void aCsvClassifierTrainsWithClassNamesAndStandardization() throws IOException {
        flowers();
        Path cfg = config("flowers", "{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"standardize\": true}",
                "{\"type\": \"dense\", \"units\": 8}, {\"type\": \"relu\"}, {\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}",
                "cross-entropy", "{\"batchSize\": 10, \"epochs\": 20, \"optimizer\": {\"type\": \"adam\", \"learningRate\": 0.01}}");
        Path run = tmp.resolve("run");
        Cli.Result r = Cli.run(null, "train", cfg.toString(), "--out", run.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("20% of the rows are held out"), r.err());
        Matcher m = Pattern.compile("flowers: test accuracy (\\d+\\.\\d\\d)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) > 90, r.out());
        assertTrue(r.out().contains("120 training and 30 test samples"), "stratified 20%: 10 of each class: " + r.out());
        String config = Files.readString(run.resolve("config.json"));
        assertTrue(config.contains("\"classes\" : [ \"iris\", \"lily\", \"rose\" ]"), config);
        assertTrue(config.contains("\"colour, hue\""), "feature names kept: " + config);
        assertTrue(Files.readString(run.resolve("model.json")).contains("\"rose\""));
        assertTrue(Files.readString(run.resolve("confusion.csv")).startsWith("true\\predicted,iris,lily,rose\n"));
        // on tiny data the pictures are drawn at the first and last epoch and on a timer: the report ends at epoch 20
        assertTrue(Files.readString(run.resolve("report.html")).contains("<tr><td>20</td>"), "the last epoch in the report");
        Cli.Result e = Cli.run(null, "evaluate", run.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("flowers: test accuracy " + m.group(1) + "%"), e.out() + " vs " + r.out());
    }

    @Test
    void aCsvRegressionReportsRSquaredMseAndMae() throws IOException {
        StringBuilder sb = new StringBuilder("x1,x2,noise,price\n");
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 300; i++) {
            double a = r.nextDouble(-1, 1);
            double b = r.nextDouble(0, 100);
            sb.append(String.format(Locale.ROOT, "%.5f,%.3f,%.5f,%.4f%n", a, b, r.nextDouble(), 1000 + 300 * a + 2 * b));
        }
        Files.writeString(tmp.resolve("prices.csv"), sb.toString());
        Path cfg = config("prices", "{\"type\": \"csv\", \"path\": \"prices.csv\", \"target\": \"price\", \"testSplit\": 0.25, \"standardize\": true}",
                "{\"type\": \"dense\", \"units\": 1}", "mse",
                "{\"batchSize\": 10, \"epochs\": 30, \"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.05}}");
        Path run = tmp.resolve("run");
        Cli.Result t = Cli.run(null, "train", cfg.toString(), "--out", run.toString());
        assertEquals(0, t.code(), t.out() + t.err());
        Matcher m = Pattern.compile("prices: test R² (\\S+), MSE (\\S+), MAE (\\S+) after 30 epochs").matcher(t.out());
        assertTrue(m.find(), t.out());
        assertTrue(Double.parseDouble(m.group(1).replace(",", "")) > 0.99, "a linear target is learnt: " + t.out());
        String metrics = Files.readString(run.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"testR2\"") && metrics.contains("\"testMae\"") && !metrics.contains("testAccuracy"), metrics);
        assertFalse(Files.exists(run.resolve("confusion.csv")), "a regression has no confusion matrix");
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"targetOffset\""));
        Cli.Result e = Cli.run(null, "evaluate", run.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("prices: test R² " + m.group(1) + ", MSE " + m.group(2)), e.out() + " vs " + t.out());
    }

    @Test
    void imageFoldersOfGrayPngAndColourJpegTrain() throws IOException {
        for (String kind : new String[] {"png", "jpg"}) {
            Path root = tmp.resolve("images-" + kind);
            SplittableRandom r = new SplittableRandom(3);
            for (String cls : new String[] {"dark", "light"}) {
                Path dir = Files.createDirectories(root.resolve(cls));
                for (int i = 0; i < 20; i++) {
                    BufferedImage img = new BufferedImage(12, 10, kind.equals("png") ? BufferedImage.TYPE_BYTE_GRAY
                            : BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 10; y++) {
                        for (int x = 0; x < 12; x++) {
                            int v = (cls.equals("dark") ? 40 : 200) + r.nextInt(30);
                            img.setRGB(x, y, new java.awt.Color(v, kind.equals("png") ? v : 255 - v, v / 2).getRGB());
                        }
                    }
                    ImageIO.write(img, kind.equals("png") ? "png" : "jpeg", dir.resolve(i + "." + kind).toFile());
                }
            }
            int channels = kind.equals("png") ? 1 : 3;
            Path cfg = config("img-" + kind, "{\"type\": \"image-folder\", \"path\": \"images-" + kind
                    + "\", \"size\": [8, 8], \"channels\": " + channels + "}",
                    "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}, {\"type\": \"softmax\"}", "cross-entropy",
                    "{\"batchSize\": 4, \"epochs\": 5, \"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.1}}");
            Path run = tmp.resolve("run-" + kind);
            Cli.Result t = Cli.run(null, "train", cfg.toString(), "--out", run.toString());
            assertEquals(0, t.code(), t.out() + t.err());
            assertTrue(t.out().contains("test accuracy 100.00%"), t.out());
            String config = Files.readString(run.resolve("config.json"));
            assertTrue(config.contains("\"classes\" : [ \"dark\", \"light\" ]"), config);
            assertTrue(Files.readString(run.resolve("model.json")).contains("\"inputShape\" : [ " + channels + ", 8, 8 ]"),
                    Files.readString(run.resolve("model.json")));
        }
    }

    @Test
    void numpyArraysTrain() throws IOException {
        int n = 60;
        ByteBuffer x = ByteBuffer.allocate(n * 2 * 8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer y = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            x.putDouble(i % 2 == 0 ? -1 - i * 0.01 : 1 + i * 0.01).putDouble(i * 0.001);
            y.putLong(i % 2);
        }
        Files.write(tmp.resolve("x.npy"), npy("<f8", "(" + n + ", 2)", x.array()));
        Files.write(tmp.resolve("y.npy"), npy("<i8", "(" + n + ",)", y.array()));
        Path cfg = config("arrays", "{\"type\": \"npy\", \"features\": \"x.npy\", \"labels\": \"y.npy\", \"classNames\": [\"neg\", \"pos\"]}",
                "{\"type\": \"dense\", \"units\": 2}, {\"type\": \"softmax\"}", "cross-entropy",
                "{\"batchSize\": 5, \"epochs\": 5}");
        Cli.Result t = Cli.run(null, "train", cfg.toString(), "--out", tmp.resolve("run").toString());
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("arrays: test accuracy 100.00%"), t.out());
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int len = 10 + dict.length() + 1;
        int pad = (64 - len % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    @Test
    void badCombinationsAreOneLineAndNoRunFolder() throws IOException {
        flowers();
        String layers = "{\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}";
        String training = "{\"epochs\": 1}";
        String[][] cases = {
            {"{\"type\": \"csv\", \"path\": \"flowers.csv\", \"target\": \"size\"}", "cross-entropy",
                "loss.type: 'cross-entropy' takes class labels, but the data has real-valued targets"},
            {"{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"testSplit\": 1.5}", "cross-entropy",
                "data.testSplit: must be a number between 0 and 1 (exclusive)"},
            {"{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"test\": \"flowers.csv\", \"testSplit\": 0.2}",
                "cross-entropy", "data.testSplit: the data source has test data already"},
            {"{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"delimeter\": \";\"}", "cross-entropy",
                "data.delimeter: unknown option 'delimeter' for data type 'csv'; known: base, categorical, columns, delimiter"},
            {"{\"type\": \"parquet\", \"path\": \"x\"}", "cross-entropy", "data.type: unknown type 'parquet'; known: idx, mnist, csv"},
            {"{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"scaling\": \"zscore\"}", "cross-entropy",
                "data.scaling: unknown scaling \"zscore\"; known: none, standardize, minmax"},
        };
        for (String[] c : cases) {
            Path cfg = config("bad", c[0], layers, c[1], training);
            Path run = tmp.resolve("bad-run");
            Cli.Result r = Cli.run(null, "train", cfg.toString(), "--out", run.toString());
            assertEquals(2, r.code(), c[0] + ": " + r.out() + r.err());
            // progress notes (rows read, columns detected) may come first; the error is the one last line
            java.util.List<String> lines = r.errLine().lines().toList();
            String last = lines.get(lines.size() - 1);
            assertTrue(last.contains(c[2]), "expected «" + c[2] + "» in: " + r.err());
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")), r.err());
            assertFalse(Files.exists(run.resolve("config.json")), "no run folder for " + c[0]);
        }
    }
}
