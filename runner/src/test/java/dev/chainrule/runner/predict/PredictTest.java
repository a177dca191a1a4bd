package dev.chainrule.runner.predict;

import dev.chainrule.engine.predict.MnistPreprocessor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Cli;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Digits drawn with Java2D in a font: a model is trained on small MNIST-style renderings (prepared by the
 * preprocessor), then asked about large dark-on-light PNGs of the same digits at other sizes and positions.
 */
class PredictTest {
    @TempDir
    Path tmp;

    static BufferedImage drawn(int digit, int w, int h, int size, int dx, int dy, boolean darkOnLight, int style) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(darkOnLight ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, w, h);
        g.setColor(darkOnLight ? new Color(20, 20, 40) : Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, style, size));
        g.drawString(String.valueOf(digit), w / 3 + dx, h * 2 / 3 + dy);
        g.dispose();
        return img;
    }

    /** IDX files of preprocessed renderings: 10 digits × sizes × offsets × styles. */
    Path trainingData() throws Exception {
        List<double[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            for (int size : new int[] {40, 56, 72}) {
                for (int off = -4; off <= 4; off += 4) {
                    for (int style : new int[] {Font.PLAIN, Font.BOLD}) {
                        xs.add(MnistPreprocessor.preprocess(drawn(d, 120, 120, size, off, off, false, style), 28).pixels());
                        ys.add(d);
                    }
                }
            }
        }
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        for (String prefix : new String[] {"train", "t10k"}) {
            ByteBuffer img = ByteBuffer.allocate(16 + xs.size() * 784).putInt(0x803).putInt(xs.size()).putInt(28).putInt(28);
            ByteBuffer lab = ByteBuffer.allocate(8 + xs.size()).putInt(0x801).putInt(xs.size());
            for (int i = 0; i < xs.size(); i++) {
                for (double v : xs.get(i)) {
                    img.put((byte) Math.round(v * 255));
                }
                lab.put((byte) (int) ys.get(i));
            }
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
        }
        return dir;
    }

    @Test
    void namesDigitsDrawnDarkOnLightAtAnySizeAndPosition() throws Exception {
        Path data = trainingData();
        Path cfg = tmp.resolve("digits.json");
        Files.writeString(cfg, """
                {"name": "digits", "seed": 1, "network": {"layers": [{"type": "dense", "units": 32}, {"type": "sigmoid"},
                  {"type": "dense", "units": 10}, {"type": "softmax"}]},
                 "training": {"optimizer": {"learningRate": 0.3}, "batchSize": 1, "epochs": 15}}""");
        Path run = tmp.resolve("run");
        Cli.Result t = Cli.run(null, "train", cfg.toString(), "--data", data.toString(), "--out", run.toString());
        assertEquals(0, t.code(), t.err());

        List<String> args = new ArrayList<>(List.of("predict", run.toString(), "--json"));
        for (int d = 0; d < 10; d++) {
            Path png = tmp.resolve("digit-" + d + ".png");
            // a photo-like page: large, dark ink on white paper, off-centre, a size not seen in training
            ImageIO.write(drawn(d, 300, 220, 130, 30 - 7 * d, 10, true, Font.PLAIN), "png", png.toFile());
            args.add(png.toString());
        }
        Cli.Result p = Cli.run(null, args.toArray(String[]::new));
        assertEquals(0, p.code(), p.err());
        JsonNode docs = new ObjectMapper().readTree(p.out());
        assertEquals(10, docs.size());
        int right = 0;
        for (int d = 0; d < 10; d++) {
            JsonNode doc = docs.get(d);
            assertTrue(doc.get("file").asText().endsWith("digit-" + d + ".png"));
            assertEquals(3, doc.get("top").size());
            double p0 = doc.get("top").get(0).get("probability").asDouble();
            double p1 = doc.get("top").get(1).get("probability").asDouble();
            assertTrue(p0 >= p1, "most probable first");
            if (doc.get("predicted").asInt() == d) {
                right++;
            }
        }
        assertTrue(right >= 9, right + "/10 drawn digits named");

        Cli.Result lines = Cli.run(null, "predict", run.toString(), tmp.resolve("digit-7.png").toString());
        assertTrue(lines.out().matches("(?s).*digit-7\\.png: \\d \\(\\d+\\.\\d%\\), \\d \\(\\d+\\.\\d%\\), \\d \\(\\d+\\.\\d%\\)\\s*"),
                lines.out());
    }

    @Test
    void anAlreadyMnistStyleImageIsLeftAlmostUnchanged() throws Exception {
        double[] once = MnistPreprocessor.preprocess(drawn(4, 200, 160, 90, 0, 0, true, Font.PLAIN), 28).pixels();
        BufferedImage mnist = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 784; i++) {
            int v = (int) Math.round(once[i] * 255);
            mnist.getRaster().setSample(i % 28, i / 28, 0, v);
        }
        Path png = tmp.resolve("mnist-style.png");
        ImageIO.write(mnist, "png", png.toFile());
        MnistPreprocessor.Result again = MnistPreprocessor.preprocess(ImageIO.read(png.toFile()), 28);
        assertTrue(again.inverted(), "light digit on dark is taken as is (MNIST's own polarity)");
        double diff = 0;
        double mass = 0;
        for (int i = 0; i < 784; i++) {
            diff += Math.abs(again.pixels()[i] - once[i]);
            mass += once[i];
        }
        // the crop drops ink below 10% at the edges and rescales: measured 0.17
        assertTrue(diff / mass < 0.25, "relative L1 change " + diff / mass);
    }

    @Test
    void aBlankPictureIsOneClearLine() throws Exception {
        Path blank = tmp.resolve("blank.png");
        BufferedImage img = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", blank.toFile());
        Path notImage = tmp.resolve("x.png");
        Files.writeString(notImage, "hello");
        assertTrue(MnistPreprocessorThrows.blank(img));
        Path cfgDir = tmp.resolve("nomodel");
        Files.createDirectories(cfgDir);
        Cli.Result r = Cli.run(null, "predict", cfgDir.toString(), blank.toString());
        assertEquals(2, r.code());
        assertTrue(r.errLine().contains("no such file (give a run folder or its model.json)"), r.errLine());
    }

    static final class MnistPreprocessorThrows {
        static boolean blank(BufferedImage img) {
            try {
                MnistPreprocessor.preprocess(img, 28);
                return false;
            } catch (MnistPreprocessor.NoDigitException e) {
                return e.getMessage().startsWith("no digit found");
            }
        }
    }
}
