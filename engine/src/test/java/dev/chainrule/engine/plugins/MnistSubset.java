package dev.chainrule.engine.plugins;

import dev.chainrule.engine.data.MnistFetcher;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The first samples of MNIST (fetched into the shared cache on first use) as a folder of IDX files. */
public final class MnistSubset {
    private MnistSubset() {
    }

    public static Path write(Path dir, int train, int test) throws IOException {
        Path mnist = new MnistFetcher(line -> { }).ensure();
        Files.createDirectories(dir);
        copy(mnist, dir, "train-images-idx3-ubyte", train);
        copy(mnist, dir, "train-labels-idx1-ubyte", train);
        copy(mnist, dir, "t10k-images-idx3-ubyte", test);
        copy(mnist, dir, "t10k-labels-idx1-ubyte", test);
        return dir;
    }

    /** The header with the count replaced, then {@code count} records. */
    private static void copy(Path from, Path to, String name, int count) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(from.resolve(name)));
                DataOutputStream out = new DataOutputStream(Files.newOutputStream(to.resolve(name)))) {
            int magic = in.readInt();
            int dims = magic & 0xFF;
            in.readInt();
            out.writeInt(magic);
            out.writeInt(count);
            int record = 1;
            for (int d = 1; d < dims; d++) {
                int size = in.readInt();
                out.writeInt(size);
                record *= size;
            }
            out.write(in.readNBytes(record * count));
        }
    }

}
