package dev.chainrule.serve;

import dev.chainrule.engine.output.FileRunWriter;
import dev.chainrule.engine.output.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The runs under the folders the user named, found again on every request so that a run started after the
 * server shows up. A named folder is a run itself when it holds a run file, else every folder directly in
 * it that holds one is a run. A run is known by an id made of the named folder's index and the child's
 * name; requests name runs only by these ids, never by a path, and only the files of {@link #SERVED} are
 * ever read from a run.
 */
public final class RunFolders {
    /** Files whose presence marks a run folder. */
    static final List<String> MARKERS = List.of(FileRunWriter.CONFIG_JSON, FileRunWriter.METRICS_JSONL,
            ModelFiles.MODEL_JSON);
    /** The only files of a run the server hands out. */
    public static final List<String> SERVED = List.of("loss.png", "accuracy.png", "confusion.png", "most-wrong.png",
            "report.html", FileRunWriter.CONFIG_JSON, FileRunWriter.METRICS_JSONL, FileRunWriter.CONFUSION_CSV);

    /** A folder the user named, and how to show it. */
    public record Root(Path path, String shown) {
    }

    /**
     * One card of the page: a run folder, or a named folder that holds no run ({@code error} set, then
     * {@code dir} is null).
     */
    public record Run(String id, Path dir, String shown, String error) {
    }

    private final Supplier<List<Root>> roots;

    public RunFolders(List<Root> roots) {
        List<Root> fixed = List.copyOf(roots);
        this.roots = () -> fixed;
    }

    /** Folders known only later: {@code train --serve} listens before it has chosen the run folder. */
    public RunFolders(Supplier<List<Root>> roots) {
        this.roots = roots;
    }

    public List<Root> roots() {
        return roots.get();
    }

    public List<Run> scan() {
        List<Root> roots = roots();
        List<Run> runs = new ArrayList<>();
        for (int r = 0; r < roots.size(); r++) {
            Root root = roots.get(r);
            String id = String.valueOf(r);
            if (!Files.isDirectory(root.path())) {
                runs.add(new Run(id, null, root.shown(), root.shown() + ": no such folder (any more)"));
                continue;
            }
            if (isRun(root.path())) {
                runs.add(new Run(id, root.path(), root.shown(), null));
                continue;
            }
            List<Path> children = new ArrayList<>();
            try (Stream<Path> s = Files.list(root.path())) {
                s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().forEach(children::add);
            } catch (IOException e) {
                runs.add(new Run(id, null, root.shown(), root.shown() + ": cannot list the folder (" + e.getMessage() + ")"));
                continue;
            }
            int found = 0;
            for (Path child : children) {
                if (isRun(child)) {
                    String name = child.getFileName().toString();
                    runs.add(new Run(id + "/" + name, child, root.shown().replaceFirst("/*$", "") + "/" + name, null));
                    found++;
                }
            }
            if (found == 0) {
                runs.add(new Run(id, null, root.shown(), root.shown() + ": not a run folder, and no run folder in it yet"
                        + " (a run folder holds " + String.join(", ", MARKERS) + ")"));
            }
        }
        return runs;
    }

    /** The run with this id, or null (an id of a folder without runs is not a run either). */
    public Run find(String id) {
        if (id == null) {
            return null;
        }
        for (Run run : scan()) {
            if (run.id().equals(id) && run.dir() != null) {
                return run;
            }
        }
        return null;
    }

    static boolean isRun(Path dir) {
        for (String m : MARKERS) {
            if (Files.isRegularFile(dir.resolve(m), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A served file of a run: one of {@link #SERVED}, a regular file and not a link. Null when the name is
     * not served or the file is absent.
     */
    public static Path file(Run run, String name) {
        if (run == null || run.dir() == null || name == null || !SERVED.contains(name)) {
            return null;
        }
        Path f = run.dir().resolve(name);
        return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? f : null;
    }
}
