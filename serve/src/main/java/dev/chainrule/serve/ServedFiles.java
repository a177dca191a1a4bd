package dev.chainrule.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The one way the server reads a run's file: opened with {@link LinkOption#NOFOLLOW_LINKS} on the open
 * itself (O_NOFOLLOW: a file swapped for a link after {@link RunFolders#file} checked it fails to open,
 * instead of being followed), and the size taken from the open handle and checked against {@link #MAX_BYTES}
 * before anything is allocated.
 */
final class ServedFiles {
    /** As every other file the runner reads: a run's file larger than this is not served. */
    static final long MAX_BYTES = dev.chainrule.engine.io.SafeFiles.MAX_JSON_BYTES;
    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    /** A file larger than the limit. */
    static final class TooLargeException extends IOException {
        final long size;

        TooLargeException(String shown, long size, long max) {
            super(shown + ": " + size + " bytes, larger than the " + (max >> 20) + " MiB the server reads");
            this.size = size;
        }
    }

    private ServedFiles() {
    }

    /** All of {@code f}, at most {@code max} bytes; a file that grows while read is cut at the size it had. */
    static byte[] read(Path f, String shown, long max) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(f, OPEN)) {
            long size = ch.size();
            if (size > max) {
                throw new TooLargeException(shown, size, max);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until the size seen at the open, or the end if the file shrank
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    /**
     * The bytes of {@code f} from {@code offset}, at most {@code max} of them (an appended log read in pieces),
     * with the same one-open, no-link read; empty when the file is shorter than {@code offset}.
     */
    static byte[] readFrom(Path f, long offset, int max) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(f, OPEN)) {
            long size = ch.size();
            if (size <= offset) {
                return new byte[0];
            }
            ch.position(offset);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - offset));
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until the size seen at the open
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    static byte[] read(Path f, String shown) throws IOException {
        return read(f, shown, MAX_BYTES);
    }
}
