package dev.chainrule.runner.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.runner.Cli;
import dev.chainrule.runner.app.Main;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.train.DataSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner serve} and {@code train --serve} from the command line: bad input, and a real start and stop. */
class ServeCommandTest {
    static final String CONFIG = """
            {"name": "blobs", "seed": 7, "network": {"layers": [{"type": "dense", "units": 3}, {"type": "softmax"}]},
             "training": {"epochs": 1}}
            """;

    @TempDir
    Path tmp;

    static com.google.inject.Module blobData() {
        DataSource ds = org.mockito.Mockito.mock(DataSource.class);
        org.mockito.Mockito.when(ds.load(org.mockito.ArgumentMatchers.any())).thenReturn(InMemorySamples.blobSplit());
        return b -> b.bind(DataSource.class).toInstance(ds);
    }

    static void oneLine(Cli.Result r) {
        assertEquals(2, r.code(), r.out() + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
    }

    @Test
    void aFolderThatDoesNotExistIsOneLine() {
        Cli.Result r = Cli.run(null, "serve", tmp.resolve("nope").toString(), "--port", "0");
        oneLine(r);
        assertTrue(r.errLine().startsWith(tmp.resolve("nope") + ": no such folder"), r.errLine());
    }

    @Test
    void aPortOutOfRangeIsOneLine() {
        Cli.Result r = Cli.run(null, "serve", tmp.toString(), "--port", "70000");
        oneLine(r);
        assertEquals("--port: must be from 0 to 65535, got 70000", r.errLine());
    }

    @Test
    void aPortInUseIsOneLineAndTrainLeavesNoRunFolderBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Result r = Cli.run(null, "serve", tmp.toString(), "--port", String.valueOf(port));
            oneLine(r);
            assertTrue(r.errLine().startsWith("--port " + port + ": cannot listen on 127.0.0.1:" + port), r.errLine());

            Path cfg = tmp.resolve("c.json");
            Files.writeString(cfg, CONFIG);
            Path out = tmp.resolve("run");
            Cli.Result t = Cli.run(blobData(), "train", cfg.toString(), "--out", out.toString(),
                    "--serve", "--serve-port", String.valueOf(port));
            oneLine(t);
            assertTrue(t.errLine().startsWith("--serve-port " + port + ": cannot listen"), t.errLine());
            assertFalse(Files.exists(out), "no run folder left");
        }
    }

    @Test
    @Timeout(60)
    void servesUntilInterruptedAndAnswersOnTheLoopbackOnly() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("runs/a"));
        Files.writeString(run.resolve("metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Main.run(new String[] {"serve", tmp.resolve("runs").toString(), "--port", "0"},
                terminal)));
        t.start();
        Pattern url = Pattern.compile("serving 1 folder at (http://127\\.0\\.0\\.1:\\d+/) \\(read-only");
        Matcher m = url.matcher("");
        for (int i = 0; i < 600 && !m.reset(out.toString()).find(); i++) {
            Thread.sleep(50);
        }
        assertTrue(m.reset(out.toString()).find(), out + "|" + err);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/runs"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"id\":\"0/a\""), r.body());
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(0, code.get(), err.toString());
    }

    @Test
    @Timeout(60)
    void trainServeShowsTheRunAndKeepsServingItAfterTraining() throws Exception {
        Path cfg = tmp.resolve("c.json");
        Files.writeString(cfg, CONFIG);
        Path run = tmp.resolve("run");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(out, true), new PrintWriter(err, true), false);
        AtomicInteger code = new AtomicInteger(-1);
        Thread t = new Thread(() -> code.set(Main.run(new String[] {"train", cfg.toString(), "--out", run.toString(),
            "--serve", "--serve-port", "0"}, terminal, blobData())));
        t.start();
        Pattern done = Pattern.compile("training done; the page stays up at (http://127\\.0\\.0\\.1:\\d+/)");
        Matcher m = done.matcher("");
        for (int i = 0; i < 600 && !m.reset(out.toString()).find(); i++) {
            Thread.sleep(50);
        }
        assertTrue(m.reset(out.toString()).find(), out + "|" + err);
        assertTrue(out.toString().startsWith("serving the run at " + m.group(1)), out.toString());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "api/runs"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.body().contains("\"status\":\"finished\""), r.body());
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertEquals(0, code.get(), err.toString());
    }
}
