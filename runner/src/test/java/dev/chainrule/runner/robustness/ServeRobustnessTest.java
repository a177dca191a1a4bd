package dev.chainrule.runner.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.runner.Cli;
import dev.chainrule.runner.app.Main;
import dev.chainrule.serve.Models;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.serve.RunServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26: what a hostile client, a hostile file in a run folder, or another web page can do to {@code runner
 * serve}. Everything here talks to 127.0.0.1 only, and every wait is bounded.
 */
class ServeRobustnessTest {
    @TempDir
    Path tmp;
    Path runs;
    Path secret;
    final Models models = mock(Models.class);
    final StringWriter log = new StringWriter();
    final ObjectMapper mapper = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final List<Socket> sockets = new ArrayList<>();
    RunServer server;
    int port;
    String base;

    @BeforeEach
    void start() throws IOException {
        runs = tmp.resolve("runs");
        secret = tmp.resolve("private.txt");
        Files.writeString(secret, "{\"secret\": \"not for the page\"}");
        Path a = Files.createDirectories(runs.resolve("a"));
        Files.writeString(a.resolve("config.json"), "{\"name\": \"a\", \"seed\": 1}");
        Files.writeString(a.resolve("metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n");
        Path b = Files.createDirectories(runs.resolve("b"));
        Files.writeString(b.resolve("config.json"), "{\"name\": \"b\", \"seed\": 2}");
        server = new RunServer(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))), models, mapper,
                new PrintWriter(log, true), true);
        port = server.start(InetAddress.getByName("127.0.0.1"), 0).getPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.stop();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String type, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Socket slow(String firstBytes) throws IOException {
        Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port);
        sockets.add(s);
        OutputStream out = s.getOutputStream();
        out.write(firstBytes.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    @Test
    @Timeout(30)
    void clientsThatSendOneByteAndWaitDoNotHoldUpOthers() throws Exception {
        for (int i = 0; i < 8; i++) {
            slow("G");
        }
        Thread.sleep(200);
        HttpResponse<String> r = get("/api/runs");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"0/b\""), r.body());
    }

    @Test
    @Timeout(30)
    void drawingsThatAnnounceMoreThanTheySendDoNotHoldUpOthers() throws Exception {
        for (int i = 0; i < 8; i++) {
            slow("POST /api/predict?id=0%2Fa HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + base
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"png\": \"");
        }
        Thread.sleep(200);
        HttpResponse<String> r = get("/api/runs");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"0/a\""), r.body());
        verify(models, never()).load(any(), anyString());
    }

    @Test
    @Timeout(30)
    void aSlowClientIsAnsweredOrClosedWithinTheLimits() throws Exception {
        server.stop();
        server = new RunServer(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))), models, mapper,
                new PrintWriter(log, true), true)
                .limits(new RunServer.Limits(Duration.ofSeconds(1), Duration.ofSeconds(2), 32, 256, 1));
        port = server.start(InetAddress.getByName("127.0.0.1"), 0).getPort();
        base = "http://127.0.0.1:" + port;
        Socket header = slow("G");
        Socket body = slow("POST /api/predict?id=0%2Fa HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + base
                + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"png\": \"");
        long t0 = System.nanoTime();
        header.setSoTimeout(10_000);
        assertEquals(-1, header.getInputStream().read(), "an idle connection is closed");
        body.setSoTimeout(10_000);
        String answer = new String(body.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "closed within the limits");
    }

    @Test
    @Timeout(60)
    void aFileSwappedForALinkBetweenTheCheckAndTheReadIsNeverServed() throws Exception {
        Path cfg = runs.resolve("a/config.json");
        Path regular = tmp.resolve("regular.json");
        Path link = tmp.resolve("link.json");
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.writeString(regular, "{\"name\": \"a\"}");
                    Files.move(regular, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, secret);
                    Files.move(link, cfg, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        swapper.setDaemon(true);
        swapper.start();
        int leaked = 0;
        int asked = 0;
        try {
            long end = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < end && asked < 1500) {
                HttpResponse<String> f = get("/api/file?id=0%2Fa&name=config.json");
                HttpResponse<String> r = get("/api/run?id=0%2Fa");
                asked += 2;
                leaked += (f.body().contains("not for the page") ? 1 : 0) + (r.body().contains("not for the page") ? 1 : 0);
                assertTrue(f.statusCode() == 200 || f.statusCode() == 404, f.statusCode() + " " + f.body());
                assertEquals(200, r.statusCode(), r.body());
            }
        } finally {
            stop.set(true);
            swapper.join(5_000);
        }
        assertEquals(0, leaked, "answers with the private file, of " + asked);
    }

    @Test
    @Timeout(60)
    void aHugeFileIsRefusedWithAnAnswerAndTheGoodRunsAreStillListed() throws Exception {
        Path bad = Files.createDirectories(runs.resolve("a-bad"));
        Files.writeString(bad.resolve("config.json"), "{\"name\": \"bad\"}");
        for (String name : new String[] {"metrics.jsonl", "report.html"}) {
            try (RandomAccessFile f = new RandomAccessFile(bad.resolve(name).toFile(), "rw")) {
                f.setLength(3L << 30); // sparse: 3 GiB that take no disk
            }
        }
        for (String name : new String[] {"metrics.jsonl", "report.html"}) {
            HttpResponse<String> r = get("/api/file?id=0%2Fa-bad&name=" + name);
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(mapper.readTree(r.body()).get("error").asText().contains("larger than the 16 MiB"), r.body());
        }
        HttpResponse<String> run = get("/api/run?id=0%2Fa-bad");
        assertEquals(200, run.statusCode(), run.body());
        assertTrue(run.body().contains("metrics.jsonl: 3221225472 bytes, larger than"), run.body());
        HttpResponse<String> list = get("/api/runs");
        assertEquals(200, list.statusCode(), list.body());
        JsonNode cards = mapper.readTree(list.body()).get("runs");
        assertEquals(3, cards.size(), list.body());
        assertEquals(200, get("/api/run?id=0%2Fb").statusCode());
        assertFalse(log.toString().contains("\tat "), log.toString());
    }

    @Test
    @Timeout(30)
    void anyThrowableInAHandlerIsA500AndOneLogLine() throws Exception {
        when(models.load(any(), anyString())).thenThrow(new StackOverflowError("deep"));
        String png = "{\"png\": \"" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\"}";
        HttpResponse<String> r = post("/api/predict?id=0%2Fa", "application/json", base, png);
        assertEquals(500, r.statusCode(), r.body());
        assertTrue(mapper.readTree(r.body()).get("error").asText().contains("StackOverflowError"), r.body());
        String lines = log.toString().strip();
        assertFalse(lines.contains("\n"), lines);
        assertTrue(lines.contains("internal error: java.lang.StackOverflowError: deep"), lines);
        assertEquals(200, get("/api/runs").statusCode());
    }

    @Test
    @Timeout(30)
    void aDrawingFromAnotherPageOrNotJsonIsRefusedBeforeAnyWork() throws Exception {
        String body = "{\"png\": \"AAAA\"}";
        HttpResponse<String> noOrigin = post("/api/predict?id=0%2Fa", "text/plain", null, body);
        assertEquals(403, noOrigin.statusCode(), noOrigin.body());
        HttpResponse<String> evil = post("/api/predict?id=0%2Fa", "text/plain", "http://evil.example", body);
        assertEquals(403, evil.statusCode(), evil.body());
        assertTrue(evil.body().contains("own page"), evil.body());
        HttpResponse<String> evilJson = post("/api/predict?id=0%2Fa", "application/json", "http://evil.example", body);
        assertEquals(403, evilJson.statusCode(), evilJson.body());
        HttpResponse<String> plain = post("/api/predict?id=0%2Fa", "text/plain", base, body);
        assertEquals(415, plain.statusCode(), plain.body());
        verify(models, never()).load(any(), anyString());
    }

    /** Starts {@code runner serve} in a thread; returns the URL it printed. */
    static String serve(Path dir, Terminal terminal, StringWriter out, StringWriter err, AtomicInteger code,
            List<Thread> threads, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", dir.toString(), "--port", "0"));
        args.addAll(List.of(extra));
        Thread t = new Thread(() -> code.set(Main.run(args.toArray(String[]::new), terminal)));
        t.setDaemon(true);
        threads.add(t);
        t.start();
        Matcher m = Pattern.compile("serving 1 folder at (http://\\S+/) \\(read-only").matcher("");
        for (int i = 0; i < 600 && !m.reset(out.toString()).find() && t.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertTrue(m.reset(out.toString()).find(), out + "|" + err);
        return m.group(1);
    }

    static String raw(int port, String hostHeader) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /api/runs HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    @Timeout(60)
    void theUrlPrintedForAnotherLoopbackAddressAnswers() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        AtomicInteger code = new AtomicInteger(-1);
        List<Thread> threads = new ArrayList<>();
        try {
            String url = serve(runs, terminal, out, err, code, threads, "--host", "127.0.0.2");
            assertTrue(url.startsWith("http://127.0.0.2:"), url);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "api/runs"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(err.toString().isEmpty(), err.toString());
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    @Test
    @Timeout(60)
    void anAddressBeyondLoopbackNeedsAllowRemoteThenWarnsAndStillChecksTheHost() throws Exception {
        Cli.Result refused = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Cli.run(null, "serve", runs.toString(), "--host", "0.0.0.0", "--port", "0"));
        assertEquals(2, refused.code(), refused.out() + refused.err());
        assertFalse(refused.err().strip().contains("\n"), refused.err());
        assertTrue(refused.errLine().startsWith("--host 0.0.0.0: not this machine only"), refused.errLine());
        assertTrue(refused.errLine().contains("data paths") && refused.errLine().contains("--allow-remote"),
                refused.errLine());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        AtomicInteger code = new AtomicInteger(-1);
        List<Thread> threads = new ArrayList<>();
        try {
            String url = serve(runs, terminal, out, err, code, threads, "--host", "0.0.0.0", "--allow-remote");
            assertTrue(err.toString().startsWith("runner serve: warning: --host 0.0.0.0 --allow-remote: this shows "
                    + "every run's config (with its data paths)"), err.toString());
            int p = URI.create(url).getPort();
            assertTrue(raw(p, "evil.com").startsWith("HTTP/1.1 403"));
            assertTrue(raw(p, "evil.com:" + p).startsWith("HTTP/1.1 403"));
            assertTrue(raw(p, "localhost:" + p).startsWith("HTTP/1.1 200"));
            assertTrue(raw(p, "localhost:" + (p == 1 ? 2 : p - 1)).startsWith("HTTP/1.1 403"), "another port");
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }
}
