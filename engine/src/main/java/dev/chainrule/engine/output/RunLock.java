package dev.chainrule.engine.output;

import dev.chainrule.engine.base.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per run folder: an OS lock on {@value #FILE} in the folder, held from before the first write
 * until the command ends. The operating system drops it when the process dies however it dies (SIGKILL
 * included), so a stale lock never blocks a resume. The file holds the owner's pid, for the message; it is
 * left in place on release, since deleting it would let two processes lock two different files.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} or refuses with one line ({@code shown} names the folder as the user gave it).
     *
     * @throws BadInputException when another process (or this one) holds the folder
     */
    public static RunLock acquire(Path dir, String shown) {
        Path f = dir.resolve(FILE);
        FileChannel ch;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new BadInputException(shown + ": cannot lock the run folder (" + f + ": " + e.getMessage() + ")");
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            close(ch);
            throw new BadInputException(shown + ": cannot lock the run folder (" + f + ": " + e.getMessage() + ")");
        }
        if (l == null) {
            close(ch);
            String owner = owner(f);
            throw new BadInputException(shown + ": another runner" + (owner == null ? "" : " (pid " + owner + ")")
                    + " is writing this run folder; wait until it ends or stop it, then resume with train --resume");
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        } catch (IOException e) {
            // the pid is only for the message a second runner prints; the lock itself holds
        }
        return new RunLock(ch, l);
    }

    private static String owner(Path f) {
        try {
            String s = Files.readString(f, StandardCharsets.US_ASCII).strip();
            return s.matches("\\d{1,10}") ? s : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        close(channel);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing was written through it that matters
        }
    }
}
