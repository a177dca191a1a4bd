package dev.chainrule.api.data;

import dev.chainrule.api.Options;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * What a data source receives to load its data.
 *
 * @param type the type id the config named (set by {@link DataSourceProvider.Base}; empty when a test calls
 *     a loader directly)
 * @param options the entry's options, {@code type} removed
 * @param baseDir the folder relative paths in the options resolve against (the config file's folder); null
 *     means the working directory
 * @param seed the run's seed, for sources that sample or shuffle
 * @param progress receives one-line progress messages (the runner prints them to stderr); never null
 * @param cacheDir a folder a source may keep derived files in (such as decoded images), or null for no cache
 */
public record DataContext(String type, Options options, Path baseDir, long seed, Consumer<String> progress,
        Path cacheDir) {
    public DataContext {
        type = type == null ? "" : type;
        options = options == null ? Options.empty() : options;
        progress = progress == null ? s -> { } : progress;
    }

    /** A context with no type, the given options and base folder, seed 0, no progress output and no cache. */
    public static DataContext of(Options options, Path baseDir) {
        return new DataContext("", options, baseDir, 0L, null, null);
    }

    /** {@code path} resolved against {@link #baseDir()} (an absolute path stays as it is). */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
    }

    public DataContext withType(String t) {
        return new DataContext(t, options, baseDir, seed, progress, cacheDir);
    }

    public DataContext withOptions(Options o) {
        return new DataContext(type, o, baseDir, seed, progress, cacheDir);
    }

    public DataContext withCacheDir(Path dir) {
        return new DataContext(type, options, baseDir, seed, progress, dir);
    }

    public DataContext withProgress(Consumer<String> p) {
        return new DataContext(type, options, baseDir, seed, p, cacheDir);
    }
}
