package dev.chainrule.engine.predict;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.Text;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a picture (PNG, JPEG, GIF or BMP) after reading its width and height from the header: decoding
 * allocates up to 4 bytes a pixel, and a small compressed file can declare any size (a 389 KB PNG of
 * 20000×20000), so the size is checked before a single pixel is allocated.
 */
public final class Pictures {
    /**
     * Pictures larger than this are refused. 10 megapixels (a 12 MP phone photo scaled down a little) is far
     * more than a digit needs. docs/security.md lists it.
     */
    public static final long MAX_PIXELS = 10_000_000L;

    private Pictures() {
    }

    /**
     * @param source a {@link java.io.File} or an {@link java.io.InputStream}
     * @param shown how messages name the picture
     * @throws BadInputException one line naming the picture: unreadable, not a picture, or too large
     */
    public static BufferedImage decode(Object source, String shown) {
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(source)) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadInputException(shown + ": not a picture this runner can read (PNG, JPEG, GIF or BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w * h > MAX_PIXELS) {
                    throw new BadInputException(String.format(Locale.ROOT, "%s: %d×%d pixels (%.1f megapixels), more "
                            + "than the %d-megapixel limit; scale the picture down", shown, w, h, w * h / 1e6,
                            MAX_PIXELS / 1_000_000));
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException b) {
                throw b;
            }
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new BadInputException(shown + ": cannot read: " + Text.escape(m.split("\n")[0]));
        }
        if (img == null) {
            throw new BadInputException(shown + ": not a picture this runner can read (PNG, JPEG, GIF or BMP)");
        }
        return img;
    }
}
