package dev.chainrule.engine.report;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Opens a PNG as a viewer would and checks it shows something. */
public final class Pngs {
    private Pngs() {
    }

    public static BufferedImage assertPicture(Path png, int minWidth, int minHeight) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, png + " is not a readable image");
        assertTrue(img.getWidth() >= minWidth && img.getHeight() >= minHeight,
                png + " is " + img.getWidth() + "×" + img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 1, png + " is blank (one colour)");
        return img;
    }
}
