package dev.chainrule.datasources;

import dev.chainrule.api.support.Images;
import dev.chainrule.api.OptionException;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.DataSourceProvider;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import dev.chainrule.api.data.Targets;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * {@code image-folder}: one subfolder per class of PNG, JPEG, BMP or GIF images ({@code train/cat/001.png}).
 *
 * <p>Options: {@code path} (required: the folder of class folders), {@code test} (a second such folder,
 * whose classes must be among the training ones), {@code size} ({@code [H, W]}; default: the first training
 * image's size), {@code channels} (1 or 3; default: 1 when the first training image is gray, else 3),
 * {@code classes} (the class folders to read, in class order; default: every subfolder, sorted by name),
 * {@code maxPixels} (an image of more pixels is refused from its header, before decoding; default 40,000,000).
 *
 * <p>Classes are folders (hidden ones, starting with {@code .}, are skipped); inside each, every non-hidden
 * file is read in name order and must be an image. Each is converted (gray by BT.601 luma, gray repeated for
 * RGB), resized as {@link Images} says (area averaging when shrinking, bilinear when enlarging, our own
 * deterministic code), and kept as {@code C×H×W} bytes read as {@code byte / 255}. Decoding runs on two
 * threads with progress lines. With a cache folder, the decoded arrays are kept in
 * {@code image-folder-<sha256>.bin}, keyed by every file's relative path, size and modification time and the
 * options that change pixels, so a second load of unchanged folders skips decoding; the file is written
 * atomically, and a corrupt one is ignored and rewritten.
 */
@Plugin("image-folder")
public final class ImageFolderProvider extends DataSourceProvider.Base {
    static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    private static final byte[] MAGIC = "CHAINRULE-IMGCACHE-1".getBytes(StandardCharsets.US_ASCII);

    public ImageFolderProvider() {
        super("a folder of class folders of images (PNG, JPEG, BMP, GIF), optionally a test folder",
                ImageFolderProvider::read,
                new OptionSpec("path", "folder", null, "the folder whose subfolders are the classes"),
                new OptionSpec("test", "folder", "none", "a test folder of the same layout (else the engine splits)"),
                new OptionSpec("size", "[H, W]", "the first image's", "every image is resized to H×W"),
                new OptionSpec("channels", "1 or 3", "1 if the first image is gray, else 3", "gray (BT.601 luma) or RGB"),
                new OptionSpec("classes", "list of folder names", "all subfolders, sorted", "the classes, in class order"),
                OptionSpec.integer("maxPixels", "images of more pixels are refused before decoding")
                        .withDefault(DEFAULT_MAX_PIXELS > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) DEFAULT_MAX_PIXELS));
    }

    /** One image file: its path, its name in messages and its class. */
    private record Item(Path file, String shown, int label, long size, long mtime) {
    }

    static DataSet read(DataContext ctx) {
        Options o = ctx.options();
        String pathText = Opts.required(o, "path", "the folder of class folders");
        String testText = Opts.string(o, "test");
        int[] size = Opts.ints(o, "size");
        if (size != null && size.length != 2) {
            throw new OptionException("size", "must be [H, W], got " + Options.show(o.asMap().get("size")));
        }
        Object ch = o.asMap().get("channels");
        int channels = 0;
        if (ch != null) {
            if (!(ch instanceof Number n) || !(n.doubleValue() == 1 || n.doubleValue() == 3)) {
                throw new OptionException("channels", "must be 1 or 3, got " + Options.show(ch));
            }
            channels = ((Number) ch).intValue();
        }
        long maxPixels = o.has("maxPixels") ? ((Number) o.asMap().get("maxPixels")).longValue() : DEFAULT_MAX_PIXELS;
        List<String> classOpt = Opts.strings(o, "classes");

        Path root = ctx.resolve(pathText);
        List<String> classes = classOpt != null ? List.copyOf(classOpt) : subfolders(root, pathText);
        if (classes.isEmpty()) {
            throw new DataException(pathText + ": no class folders (expected " + pathText + "/CLASS/IMAGE files)");
        }
        List<Item> train = list(root, pathText, classes, classes, false);
        Path testRoot = testText == null ? null : ctx.resolve(testText);
        List<Item> test = testRoot == null ? null : list(testRoot, testText, subfolders(testRoot, testText), classes, true);

        String key = cacheKey(classes, size, channels, train, test);
        Path cacheFile = ctx.cacheDir() == null ? null : ctx.cacheDir().resolve("image-folder-" + key + ".bin");
        if (cacheFile != null && Files.isRegularFile(cacheFile)) {
            DataSet d = readCache(cacheFile, pathText, testText, classes, train, test);
            if (d != null) {
                ctx.progress().accept("image-folder " + pathText + ": " + train.size() + " images"
                        + (test == null ? "" : " + " + test.size() + " test images") + " from the cache ("
                        + cacheFile.getFileName() + ")");
                return d;
            }
            ctx.progress().accept("image-folder: cache file " + cacheFile + " is unreadable or corrupt; decoding again");
        }
        // the first training image decides an unset size or channel count
        if (size == null || channels == 0) {
            Images.Pixels first = Images.decode(train.get(0).file(), train.get(0).shown(), maxPixels);
            if (size == null) {
                size = new int[] {first.height(), first.width()};
            }
            if (channels == 0) {
                channels = first.channels();
            }
            ctx.progress().accept("image-folder " + pathText + ": " + channels + "×" + size[0] + "×" + size[1]
                    + " from the first image, " + train.get(0).shown());
        }
        int h = size[0];
        int w = size[1];
        int c = channels;
        byte[] trainPx = decodeAll(train, "train", c, h, w, maxPixels, ctx);
        byte[] testPx = test == null ? null : decodeAll(test, "test", c, h, w, maxPixels, ctx);
        DataSet d = dataSet(pathText, testText, classes, c, h, w, train, trainPx, test, testPx);
        if (cacheFile != null) {
            writeCache(cacheFile, c, h, w, trainPx, testPx, ctx);
        }
        return d;
    }

    private static DataSet dataSet(String pathText, String testText, List<String> classes, int c, int h, int w,
            List<Item> train, byte[] trainPx, List<Item> test, byte[] testPx) {
        Table tr = table(pathText, classes, c, h, w, train, trainPx);
        Table te = test == null ? null : table(testText, classes, c, h, w, test, testPx);
        return new DataSet(tr, te, "image-folder " + pathText + ": " + train.size() + " images of " + c + "×" + h + "×" + w
                + ", " + classes.size() + " classes" + (te == null ? "" : "; test " + testText + ": " + test.size()
                        + " images"));
    }

    private static Table table(String shown, List<String> classes, int c, int h, int w, List<Item> items, byte[] px) {
        int[] labels = new int[items.size()];
        String[] where = new String[items.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = items.get(i).label();
            where[i] = items.get(i).shown();
        }
        return new Table(shown, Shape.image(c, h, w), Features.pixels(px, c * h * w), Targets.classes(labels, classes),
                null, row -> where[row]);
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static List<String> subfolders(Path root, String shown) {
        if (!Files.isDirectory(root)) {
            throw new DataException(shown + ": no such folder (" + root.toAbsolutePath() + ")");
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).filter(p -> !hidden(p)).map(p -> p.getFileName().toString()).sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException(shown + ": cannot list (" + e.getMessage() + ")", e);
        }
    }

    /** The images of each class folder, files in name order, classes in {@code folders} order. */
    private static List<Item> list(Path root, String shown, List<String> folders, List<String> classes, boolean test) {
        List<Item> out = new ArrayList<>();
        String base = root.getFileName() == null ? shown : root.getFileName().toString();
        for (String folder : folders) {
            int label = classes.indexOf(folder);
            if (label < 0) {
                throw new DataException(shown + "/" + folder + ": class '" + folder + "' is not among the training classes ("
                        + String.join(", ", classes) + ")");
            }
            Path dir = root.resolve(folder);
            if (!Files.isDirectory(dir)) {
                throw new DataException(shown + "/" + folder + ": no such class folder" + (test ? ""
                        : " (classes lists it; folders: " + String.join(", ", subfolders(root, shown)) + ")"));
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> !hidden(p)).filter(p -> !Files.isDirectory(p)).sorted(
                        (a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
            } catch (IOException e) {
                throw new DataException(shown + "/" + folder + ": cannot list (" + e.getMessage() + ")", e);
            }
            if (files.isEmpty()) {
                throw new DataException(base + "/" + folder + ": an empty class folder (no images)");
            }
            for (Path f : files) {
                try {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    out.add(new Item(f, base + "/" + folder + "/" + f.getFileName(), label, a.size(),
                            a.lastModifiedTime().toMillis()));
                } catch (IOException e) {
                    throw new DataException(base + "/" + folder + "/" + f.getFileName() + ": cannot read ("
                            + e.getMessage() + ")", e);
                }
            }
        }
        return out;
    }

    /** Decodes every item on two threads into one {@code n × C·H·W} array; the first failing item (by order) throws. */
    private static byte[] decodeAll(List<Item> items, String what, int c, int h, int w, long maxPixels, DataContext ctx) {
        int n = items.size();
        int row = c * h * w;
        byte[] out = new byte[Math.multiplyExact(n, row)];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        DataException[] errors = new DataException[n];
        AtomicInteger firstError = new AtomicInteger(Integer.MAX_VALUE);
        Runnable work = () -> {
            for (int i; (i = next.getAndIncrement()) < n && i < firstError.get();) {
                Item it = items.get(i);
                try {
                    byte[] px = Images.toCHW(Images.decode(it.file(), it.shown(), maxPixels), c, h, w);
                    System.arraycopy(px, 0, out, i * row, row);
                } catch (DataException e) {
                    errors[i] = e;
                    firstError.accumulateAndGet(i, Math::min);
                } catch (RuntimeException | OutOfMemoryError e) {
                    errors[i] = new DataException(it.shown() + ": cannot decode (" + e + ")", e);
                    firstError.accumulateAndGet(i, Math::min);
                }
                done.incrementAndGet();
            }
        };
        Thread helper = new Thread(work, "image-folder-decode");
        helper.setDaemon(true);
        helper.start();
        long last = System.nanoTime();
        int lastTenth = 0;
        Thread mine = new Thread(work, "image-folder-decode-main");
        mine.setDaemon(true);
        mine.start();
        try {
            while (mine.isAlive() || helper.isAlive()) {
                mine.join(200);
                int d = done.get();
                long now = System.nanoTime();
                if ((now - last > 2_000_000_000L || d * 10L / n > lastTenth) && d < n) {
                    ctx.progress().accept("decoding " + what + ": " + d + "/" + n + " images");
                    last = now;
                    lastTenth = (int) (d * 10L / n);
                }
                if (!mine.isAlive()) {
                    helper.join();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("image-folder: interrupted while decoding " + what);
        }
        int fe = firstError.get();
        if (fe != Integer.MAX_VALUE) {
            throw errors[fe];
        }
        ctx.progress().accept("decoding " + what + ": " + n + "/" + n + " images");
        return out;
    }

    private static String cacheKey(List<String> classes, int[] size, int channels, List<Item> train, List<Item> test) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            StringBuilder sb = new StringBuilder("image-folder cache 1\n");
            sb.append("resize area/bilinear 1; luma bt601\n");
            sb.append("size ").append(size == null ? "auto" : size[0] + "x" + size[1]).append('\n');
            sb.append("channels ").append(channels == 0 ? "auto" : channels).append('\n');
            sb.append("classes ").append(String.join("/", classes)).append('\n');
            md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            for (List<Item> split : test == null ? List.of(train) : List.of(train, test)) {
                md.update(("split " + split.size() + "\n").getBytes(StandardCharsets.UTF_8));
                for (Item it : split) {
                    md.update((it.shown() + "\t" + it.label() + "\t" + it.size() + "\t" + it.mtime() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeCache(Path file, int c, int h, int w, byte[] train, byte[] test, DataContext ctx) {
        try {
            Files.createDirectories(file.getParent());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(train.length + (test == null ? 0 : test.length) + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(c);
            out.writeInt(h);
            out.writeInt(w);
            out.writeInt(train.length);
            out.write(train);
            out.writeInt(test == null ? -1 : test.length);
            if (test != null) {
                out.write(test);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            Path tmp = Files.createTempFile(file.getParent(), "image-folder-", ".tmp");
            try {
                Files.write(tmp, bytes.toByteArray());
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            ctx.progress().accept("image-folder: cannot write the cache file " + file + " (" + e.getMessage()
                    + "); going on without it");
        }
    }

    /** The cached data set, or null when the file is not a whole, matching cache file. */
    private static DataSet readCache(Path file, String pathText, String testText, List<String> classes, List<Item> train,
            List<Item> test) {
        try {
            byte[] b = Files.readAllBytes(file);
            if (b.length < MAGIC.length + 32) {
                return null;
            }
            CRC32 crc = new CRC32();
            crc.update(b, 0, b.length - 8);
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b));
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                return null;
            }
            if (java.nio.ByteBuffer.wrap(b, b.length - 8, 8).getLong() != crc.getValue()) {
                return null;
            }
            int c = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            int n = in.readInt();
            if (c <= 0 || h <= 0 || w <= 0 || n != (long) train.size() * c * h * w) {
                return null;
            }
            byte[] trainPx = in.readNBytes(n);
            int tn = in.readInt();
            byte[] testPx = null;
            if (test != null) {
                if (tn != (long) test.size() * c * h * w) {
                    return null;
                }
                testPx = in.readNBytes(tn);
            } else if (tn != -1) {
                return null;
            }
            return dataSet(pathText, testText, classes, c, h, w, train, trainPx, test, testPx);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
