package dev.chainrule.engine.io;

import java.io.BufferedOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file under a temporary name in the same folder and renames it into place, so a reader (or a
 * crash) never sees half a file. The bytes are forced to disk before the rename and the folder after it:
 * without that a file system may keep the rename but not the data, and a crash shortly after would leave
 * an empty file under the final name.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes what {@code body} produces. */
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * @throws FileWriteException naming {@code target} (a full disk otherwise says only "No space left on
     *     device"); the temporary file is gone and the old {@code target}, if any, unchanged
     */
    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            writeNew(tmp, body);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw new FileWriteException(target, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // left for the sweep at the next start (RunFolderFiles.sweep); the write's own error matters more
            }
        }
    }

    /**
     * Writes a new file and forces its bytes to disk (no rename: for files inside a folder renamed later).
     *
     * @throws FileWriteException naming {@code file}
     */
    public static void writeSynced(Path file, byte[] bytes) throws IOException {
        try {
            writeNew(file, out -> out.write(bytes));
        } catch (IOException e) {
            throw new FileWriteException(file, e);
        }
    }

    private static void writeNew(Path file, Body body) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            body.writeTo(out);
            out.flush();
            ch.force(true);
        }
    }

    /** Forces a folder's entries (renames, new files) to disk, where the platform allows it. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some platforms and file systems cannot open or sync a folder; the rename itself stays atomic
        }
    }
}
