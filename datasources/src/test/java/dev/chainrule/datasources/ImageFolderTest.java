package dev.chainrule.datasources;

import dev.chainrule.api.support.Images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.Table;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();

    private static BufferedImage gray(int w, int h, int... v) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < w * h; i++) {
            img.getRaster().setSample(i % w, i / w, 0, v[i % v.length]);
        }
        return img;
    }

    private static BufferedImage rgb(int w, int h, int argb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    private Path save(BufferedImage img, String format, String rel) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()), format);
        return p;
    }

    private DataSet load(Path cache, Object... kv) {
        return new ImageFolderProvider().load(new DataContext("", Options.of(kv), dir, 0L, progress::add, cache));
    }

    private String error(Object... kv) {
        return assertThrows(DataException.class, () -> load(null, kv)).getMessage();
    }

    private static double[] row(Table t, int r) {
        double[] out = new double[t.featureCount()];
        t.fillRows(null, r, 1, out);
        return out;
    }

    private static int[] bytes(Table t, int r) {
        return Arrays.stream(row(t, r)).mapToInt(v -> (int) Math.round(v * 255)).toArray();
    }

    @Test
    void grayPngFoldersShrinkByAreaAveraging() throws IOException {
        // 4×4 of 2×2 blocks: the block means are 15, 55, 95, 135
        int[] px = {0, 10, 40, 50, 20, 30, 60, 70, 80, 90, 120, 130, 100, 110, 140, 150};
        save(gray(4, 4, px), "png", "train/b/1.png");
        save(gray(4, 4, 7), "png", "train/a/2.png");
        save(gray(4, 4, 9), "png", "train/a/1.png");
        Files.writeString(dir.resolve("train/a/.DS_Store"), "junk");
        DataSet d = load(null, "path", "train", "size", List.of(2, 2));
        Table t = d.train();
        assertEquals(List.of("a", "b"), t.classNames());
        assertEquals(Shape.image(1, 2, 2), t.shape());
        assertEquals(3, t.size());
        assertEquals("train/a/1.png", t.where(0));
        assertEquals("train/b/1.png", t.where(2));
        assertArrayEquals(new int[] {9, 9, 9, 9}, bytes(t, 0));
        assertArrayEquals(new int[] {15, 55, 95, 135}, bytes(t, 2));
        assertEquals(95 / 255.0, t.value(2, 2));
        assertEquals(1, t.label(2));
        assertTrue(progress.contains("decoding train: 3/3 images"), progress.toString());
        assertTrue(d.description().startsWith("image-folder train: 3 images of 1×2×2, 2 classes"), d.description());
    }

    @Test
    void enlargingIsBilinearWithCentresAligned() throws IOException {
        save(gray(2, 1, 0, 100), "png", "up/a/x.png");
        Table t = load(null, "path", "up", "size", List.of(1, 4)).train();
        assertArrayEquals(new int[] {0, 25, 75, 100}, bytes(t, 0));
    }

    @Test
    void rgbPngAndJpegAsLumaOrChannels() throws IOException {
        save(rgb(3, 2, 0xFF0000), "png", "c/red/r.png");
        save(rgb(3, 2, 0x3366CC), "jpg", "c/blue/b.jpg");
        Table gray = load(null, "path", "c", "channels", 1).train();
        assertEquals(Shape.image(1, 2, 3), gray.shape());
        assertEquals(76, bytes(gray, 1)[0]); // 0.299 · 255 = 76.2
        Table color = load(null, "path", "c").train();
        assertEquals(Shape.image(3, 2, 3), color.shape());
        int[] red = bytes(color, 1);
        assertArrayEquals(new int[] {255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, red);
        int[] blue = bytes(color, 0); // JPEG is lossy: near 0x33, 0x66, 0xCC
        assertTrue(Math.abs(blue[0] - 0x33) <= 4 && Math.abs(blue[6] - 0x66) <= 4 && Math.abs(blue[12] - 0xCC) <= 4,
                Arrays.toString(blue));
        assertTrue(progress.stream().anyMatch(s -> s.contains("3×2×3 from the first image, c/blue/b.jpg")), progress.toString());
        // the first image is gray: one channel unless asked
        save(gray(2, 2, 5), "png", "g/a/1.png");
        save(rgb(2, 2, 0x00FF00), "bmp", "g/b/1.bmp");
        Table g = load(null, "path", "g").train();
        assertEquals(Shape.image(1, 2, 2), g.shape());
        assertEquals(150, bytes(g, 1)[0]); // 0.587 · 255 = 149.7
    }

    @Test
    void testFolderUsesTheTrainingClasses() throws IOException {
        save(gray(2, 2, 1), "png", "train/a/1.png");
        save(gray(2, 2, 2), "png", "train/b/1.png");
        save(gray(2, 2, 3), "gif", "test/b/1.gif");
        DataSet d = load(null, "path", "train", "test", "test");
        assertEquals(1, d.test().size());
        assertEquals(1, d.test().label(0));
        assertEquals(d.train().classNames(), d.test().classNames());
        save(gray(2, 2, 3), "png", "test/c/1.png");
        assertEquals("test/c: class 'c' is not among the training classes (a, b)", error("path", "train", "test", "test"));
    }

    @Test
    void errorsNameTheImage() throws IOException {
        save(gray(4, 4, 1), "png", "e/a/1.png");
        Files.createDirectories(dir.resolve("e/empty"));
        assertEquals("e/empty: an empty class folder (no images)", error("path", "e"));
        Files.delete(dir.resolve("e/empty"));
        assertEquals("e/a/1.png: 4×4 = 16 pixels, more than maxPixels 10", error("path", "e", "maxPixels", 10));
        Files.writeString(dir.resolve("e/a/notes.txt"), "not a picture");
        assertEquals("e/a/notes.txt: not an image (no PNG, JPEG, BMP or GIF decoder reads it)", error("path", "e"));
        Files.delete(dir.resolve("e/a/notes.txt"));
        Path ok = save(gray(16, 16, 3, 200, 17), "png", "e/a/2.png");
        byte[] whole = Files.readAllBytes(ok);
        Files.write(ok, Arrays.copyOf(whole, whole.length / 2));
        String m = error("path", "e");
        assertTrue(m.startsWith("e/a/2.png: corrupt or truncated image ("), m);
        byte[] junk = Arrays.copyOf(whole, whole.length);
        for (int i = 40; i < junk.length - 20; i++) {
            junk[i] = (byte) (i * 7);
        }
        Files.write(ok, junk);
        m = error("path", "e");
        assertTrue(m.startsWith("e/a/2.png: corrupt or truncated image ("), m);
        assertEquals("nowhere: no such folder (" + dir.resolve("nowhere").toAbsolutePath() + ")", error("path", "nowhere"));
    }

    @Test
    void secondLoadComesFromTheCacheAndACorruptCacheIsRewritten() throws IOException {
        save(gray(4, 4, 10, 20), "png", "k/a/1.png");
        save(rgb(4, 4, 0x808080), "png", "k/b/1.png");
        Path cache = dir.resolve("cache");
        long before = Images.DECODED.get();
        Table first = load(cache, "path", "k", "size", List.of(2, 2), "channels", 1).train();
        assertEquals(before + 2, Images.DECODED.get());
        Table second = load(cache, "path", "k", "size", List.of(2, 2), "channels", 1).train();
        assertEquals(before + 2, Images.DECODED.get(), "decoded again");
        assertTrue(progress.get(progress.size() - 1).contains("from the cache"), progress.toString());
        assertArrayEquals(row(first, 1), row(second, 1));
        assertEquals(first.where(1), second.where(1));
        List<Path> files;
        try (var s = Files.list(cache)) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().matches("image-folder-[0-9a-f]{64}\\.bin"));
        byte[] b = Files.readAllBytes(files.get(0));
        b[b.length / 2] ^= 0x55;
        Files.write(files.get(0), b);
        load(cache, "path", "k", "size", List.of(2, 2), "channels", 1);
        assertEquals(before + 4, Images.DECODED.get());
        assertTrue(progress.stream().anyMatch(s -> s.contains("unreadable or corrupt")), progress.toString());
        load(cache, "path", "k", "size", List.of(2, 2), "channels", 1);
        assertEquals(before + 4, Images.DECODED.get());
        // other pixels asked for: another key
        load(cache, "path", "k", "size", List.of(3, 3), "channels", 1);
        assertEquals(before + 6, Images.DECODED.get());
    }
}
