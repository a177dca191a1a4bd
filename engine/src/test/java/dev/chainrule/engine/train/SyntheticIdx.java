package dev.chainrule.engine.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small learnable IDX data set on disk: class k lights a horizontal band of rows, plus noise. */
public final class SyntheticIdx {
    private SyntheticIdx() {
    }

    public static Path write(Path dir, int train, int test, int side, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom r = new SplittableRandom(seed);
        write(dir, "train", train, side, r);
        write(dir, "t10k", test, side, r);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, int side, SplittableRandom r) throws IOException {
        ByteBuffer img = ByteBuffer.allocate(16 + n * side * side);
        img.putInt(0x803).putInt(n).putInt(side).putInt(side);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x801).putInt(n);
        int band = Math.max(1, side / 10);
        for (int i = 0; i < n; i++) {
            int y = r.nextInt(10);
            lab.put((byte) y);
            for (int row = 0; row < side; row++) {
                for (int c = 0; c < side; c++) {
                    boolean on = row / band == y;
                    int v = (on ? 160 : 0) + r.nextInt(90);
                    img.put((byte) Math.min(255, v));
                }
            }
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), img.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), lab.array());
    }
}
