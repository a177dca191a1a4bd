package dev.chainrule.engine.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Housekeeping of a run folder that only its lock holder may do. */
public final class RunFolderFiles {
    /** {@code .loss.png.1a2b.tmp} from {@link AtomicFiles}, {@code .checkpoint.1a2b.tmp/} from the checkpoint store. */
    private static final Pattern LEFTOVER = Pattern.compile("\\..+\\.[0-9a-f]+\\.tmp|\\.probe.*\\.tmp");

    private RunFolderFiles() {
    }

    /**
     * Deletes the temporary files and folders a killed or failed writer left in {@code dir}; call it only
     * while holding the folder's {@link RunLock} (another writer's temporary files are not leftovers).
     *
     * @return how many entries were removed
     */
    public static int sweep(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            return 0;
        }
        int n = 0;
        for (Path p : found) {
            try {
                deleteTree(p);
                n++;
            } catch (IOException e) {
                // a leftover that cannot be deleted harms nothing: no reader looks at these names
            }
        }
        return n;
    }

    /**
     * The file that shows {@code dir} holds a run, or null when it holds none. A start killed before its
     * first checkpoint (SIGKILL, SIGTERM, power) left only config.json and plugins.json: nothing to resume
     * and nothing to keep, so that does not count as a run, and the same {@code --out} can start again.
     */
    public static String heldRun(Path dir) {
        for (String f : FileRunWriter.RUN_FILES) {
            if (!f.equals(FileRunWriter.CONFIG_JSON) && Files.exists(dir.resolve(f))) {
                return f;
            }
        }
        for (String f : List.of("checkpoint", "checkpoint.old")) {
            if (Files.exists(dir.resolve(f))) {
                return f + "/";
            }
        }
        return null;
    }

    /** The files a start writes before its first checkpoint, which {@link #removeStart} takes back. */
    private static final List<String> START_FILES = List.of(FileRunWriter.CONFIG_JSON,
            dev.chainrule.engine.plugins.RunPlugins.PLUGINS_JSON, FileRunWriter.METRICS_JSONL, StepLog.FILE);

    /**
     * Takes back a start that failed before its first checkpoint: its files and leftovers, and, when the
     * start created the folder, the folder with its lock file. Call it while holding the lock.
     */
    public static void removeStart(Path dir, boolean createdFolder) throws IOException {
        sweep(dir);
        for (String f : START_FILES) {
            Files.deleteIfExists(dir.resolve(f));
        }
        if (createdFolder) {
            try (Stream<Path> s = Files.list(dir)) {
                if (s.anyMatch(p -> !p.getFileName().toString().equals(RunLock.FILE))) {
                    return; // something else is there now: leave the folder to its owner
                }
            }
            Files.deleteIfExists(dir.resolve(RunLock.FILE));
            Files.deleteIfExists(dir);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        } else {
            Files.deleteIfExists(p);
        }
    }
}
