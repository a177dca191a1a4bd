package dev.chainrule.engine.io;

import java.io.IOException;
import java.nio.file.Path;

/** A failed write whose message names the file: {@code runs/x/loss.png: No space left on device}. */
public class FileWriteException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public FileWriteException(Path file, IOException cause) {
        super(file + ": " + reason(cause), cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** The reason without the file names a {@link java.nio.file.FileSystemException} repeats. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return e.getClass().getSimpleName().replace("Exception", "") + " " + f.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
