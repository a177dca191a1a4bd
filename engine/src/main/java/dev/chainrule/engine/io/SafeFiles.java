package dev.chainrule.engine.io;

import dev.chainrule.engine.base.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * How the runner opens a file it did not write in this process (a config, a model, weights, a checkpoint, a
 * picture): symlinks resolved, and only a regular file accepted — a FIFO would block the read forever, a
 * device such as {@code /dev/zero} never ends, a folder is not what was meant. A file that belongs to a
 * folder (a model's weights, a checkpoint's arrays) must lie inside it after the symlinks are resolved. The
 * size is checked before anything is allocated. Every refusal is one {@link BadInputException} line that
 * names the file as the user knows it ({@code shown}).
 */
public final class SafeFiles {
    /** A config or a model.json larger than this is not one (MNIST's configs are under 2 KB). */
    public static final long MAX_JSON_BYTES = 16L << 20;

    private SafeFiles() {
    }

    /** The real path of {@code p}, which must be an existing regular file. */
    public static Path regular(Path p, String shown) {
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new BadInputException(shown + ": no such file");
        } catch (IOException | SecurityException e) {
            throw new BadInputException(shown + ": cannot read: " + reason(e));
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(real, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read: " + reason(e));
        }
        if (a.isDirectory()) {
            throw new BadInputException(shown + ": is a folder, not a file");
        }
        if (!a.isRegularFile()) {
            throw new BadInputException(shown + ": not a regular file (" + kind(real)
                    + (real.equals(p.toAbsolutePath().normalize()) ? "" : ", " + real) + "); give a file");
        }
        return real;
    }

    /**
     * The real path of {@code name} (as a file's record wrote it) resolved in {@code folder}: it must be a
     * regular file inside the folder once symlinks are resolved, so a record cannot point the runner at
     * {@code ../../etc/hostname} or {@code /dev/zero}.
     *
     * @param what how messages name the reference, e.g. {@code model.json: weights.file}
     */
    public static Path inside(Path folder, String name, String what) {
        Path candidate;
        Path root;
        try {
            root = folder.toRealPath();
            candidate = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new BadInputException(what + ": '" + Text.escape(name) + "' is not a file name (" + e.getReason() + ")");
        } catch (IOException e) {
            throw new BadInputException(folder + ": cannot read: " + reason(e));
        }
        if (name.isEmpty() || !candidate.startsWith(root) || candidate.equals(root)) {
            throw new BadInputException(what + ": '" + Text.escape(name) + "' is outside " + folder
                    + "; it must name a file in that folder");
        }
        Path real = regular(candidate, what + " " + candidate);
        if (!real.startsWith(root)) {
            throw new BadInputException(what + ": '" + Text.escape(name) + "' leads to " + real + ", outside " + folder
                    + "; it must name a file in that folder");
        }
        return real;
    }

    /** The bytes of a regular file of at most {@code max} bytes (a config, a model.json, a record). */
    public static byte[] readSmall(Path p, String shown, long max) {
        Path real = regular(p, shown);
        try (SeekableByteChannel ch = Files.newByteChannel(real, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > max) {
                throw new BadInputException(shown + ": " + size + " bytes, more than the " + max
                        + "-byte limit for this kind of file");
            }
            return readFully(ch, (int) size, shown, false);
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read: " + reason(e));
        }
    }

    /**
     * The bytes of a regular file that must hold exactly {@code expected} bytes (what the header beside it
     * declares); the size is compared before the array is allocated.
     */
    public static byte[] readExactly(Path real, String shown, long expected, String declaredBy) {
        try (SeekableByteChannel ch = Files.newByteChannel(real, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != expected) {
                throw new BadInputException(shown + ": " + size + " bytes, but " + declaredBy + " declares "
                        + expected + (size > expected ? " (" + (size - expected) + " bytes too many)" : " (truncated)"));
            }
            if (expected > Integer.MAX_VALUE - 8) {
                throw new BadInputException(shown + ": " + expected + " bytes do not fit one in-memory array");
            }
            return readFully(ch, (int) expected, shown, true);
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read: " + reason(e));
        }
    }

    private static byte[] readFully(SeekableByteChannel ch, int size, String shown, boolean exact) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(size);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new BadInputException(shown + ": shrank to " + buf.position() + " bytes while being read");
            }
        }
        if (exact && ch.read(ByteBuffer.allocate(1)) > 0) {
            throw new BadInputException(shown + ": grew beyond " + size + " bytes while being read");
        }
        return buf.array();
    }

    /** Opens a regular file for streaming (data files, pictures). */
    public static InputStream open(Path p, String shown) {
        Path real = regular(p, shown);
        try {
            return Files.newInputStream(real);
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot read: " + reason(e));
        }
    }

    /**
     * Why a path cannot be used, for one line: a NUL, or non-ASCII under a locale whose file names are not
     * UTF-8 (under LANG=C the JVM cannot name such files at all).
     */
    public static String unusable(InvalidPathException e) {
        String in = e.getInput() == null ? "" : e.getInput();
        boolean nonAscii = in.chars().anyMatch(c -> c > 127);
        return "'" + Text.escape(in) + "' is not a usable path here (" + e.getReason() + ")" + (nonAscii
                ? "; file names are " + System.getProperty("sun.jnu.encoding", "?") + " in this locale: run under a "
                        + "UTF-8 one (LANG=C.UTF-8)" : "");
    }

    /** "a FIFO", "a character device", ... for the message. */
    static String kind(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }
}
