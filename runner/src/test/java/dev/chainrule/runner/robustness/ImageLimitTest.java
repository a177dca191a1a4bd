package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict reads a picture's size from its header and refuses a huge one before decoding a pixel. */
class ImageLimitTest {
    @TempDir
    Path tmp;
    Path run;

    @BeforeEach
    void train() throws IOException {
        run = Hostile.trained(tmp, "run", Hostile.CONFIG); // 4 features: 2×2 pictures
    }

    static Path digit(Path file, int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.fillRect(w / 3, h / 4, w / 3, h / 2);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** A real small PNG whose IHDR is rewritten to declare {@code w}×{@code h} (with a correct CRC). */
    static Path declaring(Path file, int w, int h) throws IOException {
        digit(file, 8, 8);
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b);
        buf.putInt(16, w).putInt(20, h); // signature 8, length 4, "IHDR" 4, then width and height
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17); // "IHDR" and its 13 data bytes
        buf.putInt(29, (int) crc.getValue());
        Files.write(file, b);
        return file;
    }

    @Test
    void aSmallPictureIsPredicted() throws IOException {
        Cli.Result r = Cli.run(Hostile.blobData(), "predict", run.toString(), digit(tmp.resolve("d.png"), 40, 40).toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void aPictureDeclaring20000By20000IsRefusedFromItsHeader() throws IOException {
        Path huge = declaring(tmp.resolve("huge.png"), 20000, 20000);
        assertTrue(Files.size(huge) < 1000);
        long t0 = System.nanoTime();
        String err = Hostile.bad("predict", run.toString(), huge.toString());
        assertEquals(huge + ": 20000×20000 pixels (400.0 megapixels), more than the 10-megapixel limit; scale the picture down",
                err);
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "refused without decoding");
    }

    @Test
    void aPictureJustOverTheLimitIsRefusedAndOneAtItIsNot() throws IOException {
        assertTrue(Hostile.bad("predict", run.toString(), declaring(tmp.resolve("over.png"), 10_000_001, 1).toString())
                .contains("more than the 10-megapixel limit"));
        // 10,000,000 pixels pass the check; the header lies about the data, so decoding then fails: one line
        String err = Hostile.bad("predict", run.toString(), declaring(tmp.resolve("at.png"), 10_000_000, 1).toString());
        assertTrue(err.startsWith(tmp.resolve("at.png") + ": cannot read"), err);
    }

    @Test
    void aFolderGivenAsAPictureIsNamedAsAFolder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("pics"));
        assertEquals(dir + ": is a folder, not a file", Hostile.bad("predict", run.toString(), dir.toString()));
    }

    @Test
    void aMissingPictureIsNoSuchFile() {
        assertEquals(tmp.resolve("nope.png") + ": no such file",
                Hostile.bad("predict", run.toString(), tmp.resolve("nope.png").toString()));
    }
}
