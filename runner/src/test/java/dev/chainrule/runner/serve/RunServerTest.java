package dev.chainrule.runner.serve;

import dev.chainrule.serve.RunServer;
import dev.chainrule.serve.DigitModel;
import dev.chainrule.serve.Models;
import dev.chainrule.serve.RunFolders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chainrule.engine.base.BadInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints over a folder of hand-made runs; the model loading is swapped with Mockito. */
class RunServerTest {
    @TempDir
    Path tmp;
    Path runs;
    Path outside;
    Models models = mock(Models.class);
    StringWriter log = new StringWriter();
    RunServer server;
    String base;
    final ObjectMapper mapper = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        runs = tmp.resolve("runs");
        outside = tmp.resolve("secret.txt");
        Files.writeString(outside, "not for the page");
        Path a = Files.createDirectories(runs.resolve("a"));
        Files.writeString(a.resolve("config.json"), "{\"name\": \"</script><img src=x onerror=alert(1)>\", \"seed\": 1}");
        // the second line is corrupt, the last one is being written
        Files.writeString(a.resolve("metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n{\"epoch\":2,\"testAcc\n"
                + "{\"epoch\":3,\"testAccuracy\":0.7}\n{\"epoch\":4,\"te");
        Files.write(a.resolve("loss.png"), png());
        Files.writeString(a.resolve("report.html"), "<html><body>report</body></html>");
        Files.writeString(a.resolve("model.json"), "{}");
        Files.writeString(a.resolve("notes.txt"), "not served");
        Files.createDirectories(runs.resolve("empty"));
        Path notRun = Files.createDirectories(tmp.resolve("not-a-run"));
        server = new RunServer(new RunFolders(List.of(new RunFolders.Root(runs, "runs"),
                new RunFolders.Root(notRun, "not-a-run"))), models, mapper, new PrintWriter(log, true), true);
        int port = server.start(InetAddress.getLoopbackAddress(), 0).getPort();
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    static byte[] png() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(SaliencyTest.drawnSeven(), "png", out);
        return out.toByteArray();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A drawing as the page sends it: JSON with the PNG in base64, from the page's own origin. */
    HttpResponse<String> post(String path, byte[] png) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString(drawing(png))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String drawing(byte[] png) {
        return "{\"png\": \"" + java.util.Base64.getEncoder().encodeToString(png) + "\"}";
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void listsRunsAndShowsAFolderWithoutRunsAsAnErrorCard() throws Exception {
        HttpResponse<String> r = get("/api/runs");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode runsNode = mapper.readTree(r.body()).get("runs");
        assertEquals(2, runsNode.size(), r.body());
        assertEquals("0/a", runsNode.get(0).get("id").asText());
        assertEquals("finished", runsNode.get(0).get("status").asText());
        assertTrue(runsNode.get(0).get("hasModel").asBoolean());
        assertEquals("1", runsNode.get(1).get("id").asText());
        assertEquals("error", runsNode.get(1).get("status").asText());
        assertTrue(runsNode.get(1).get("error").asText().startsWith("not-a-run: not a run folder"), r.body());
    }

    @Test
    void aCorruptMetricsLineIsAWarningAndAHalfWrittenLastLineIsLeftOutQuietly() throws Exception {
        JsonNode run = mapper.readTree(get("/api/run?id=" + q("0/a")).body());
        List<Integer> epochs = new java.util.ArrayList<>();
        run.get("epochs").forEach(e -> epochs.add(e.get("epoch").asInt()));
        assertEquals(List.of(1, 3), epochs);
        assertEquals(1, run.get("warnings").size(), run.toString());
        assertTrue(run.get("warnings").get(0).asText().startsWith("runs/a/metrics.jsonl line 2: not a metrics record"));
    }

    @Test
    void stringsAreEscapedSoNoMarkupSurvivesInTheJson() throws Exception {
        String body = get("/api/run?id=" + q("0/a")).body();
        assertFalse(body.contains("<"), body);
        assertTrue(body.contains("\\u003C/script\\u003E") || body.contains("\\u003c/script\\u003e"), body);
        assertEquals("</script><img src=x onerror=alert(1)>", mapper.readTree(body).get("name").asText());
    }

    @Test
    void servesOnlyTheListedFilesOfAKnownRun() throws Exception {
        HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(base + "/api/file?id=0%2Fa&name=loss.png"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, png.statusCode());
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        assertTrue(java.util.Arrays.equals(png(), png.body()));
        for (String bad : new String[] {"notes.txt", "../secret.txt", "..%2F..%2Fsecret.txt", "%2Fetc%2Fpasswd", "model.json",
            "weights.bin"}) {
            HttpResponse<String> r = get("/api/file?id=0%2Fa&name=" + bad);
            assertEquals(404, r.statusCode(), bad);
            assertFalse(r.body().contains("not for the page"));
        }
        for (String id : new String[] {"..", "0%2F..", "0%2F..%2F..", "1", "0%2Fempty", "9", ""}) {
            assertEquals(404, get("/api/file?id=" + id + "&name=loss.png").statusCode(), id);
            assertEquals(404, get("/api/run?id=" + id).statusCode(), id);
        }
        // a path above the root is refused before routing (Jetty: 400), as JSON, and never reaches a file
        HttpResponse<String> above = get("/../secret.txt");
        assertTrue(above.statusCode() == 400 || above.statusCode() == 404, above.statusCode() + " " + above.body());
        assertFalse(above.body().contains("not for the page"));
        assertTrue(above.body().startsWith("{\"error\""), above.body());
        assertEquals(404, get("/api/nothing").statusCode());
        HttpResponse<String> report = get("/api/file?id=0%2Fa&name=report.html");
        assertEquals(200, report.statusCode());
        assertTrue(report.headers().firstValue("Content-Security-Policy").orElse("").contains("sandbox"));
    }

    @Test
    void nothingWritesOrDeletes() throws Exception {
        for (String method : new String[] {"DELETE", "PUT", "PATCH"}) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/file?id=0%2Fa&name=loss.png"))
                    .method(method, HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode(), method);
        }
        assertEquals(405, post("/api/runs", new byte[1]).statusCode());
        assertEquals(405, get("/api/predict?id=0%2Fa").statusCode());
        assertTrue(Files.isRegularFile(runs.resolve("a/loss.png")));
    }

    @Test
    void thePageAndItsScriptComeFromTheJarWithAPolicyThatAllowsNoOtherSource() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<canvas id=\"canvas\""));
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "no CDN");
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        HttpResponse<String> js = get("/app.js");
        assertEquals(200, js.statusCode());
        assertFalse(js.body().contains("innerHTML"), "text goes in as textContent");
        assertEquals(200, get("/style.css").statusCode());
        assertEquals(200, get("/charts.js").statusCode());
        // the chart library from its webjar in the jar, with its licence; the page names nothing elsewhere
        HttpResponse<String> uplot = get("/uplot.js");
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
        assertTrue(uplot.body().contains("uPlot"));
        assertEquals(200, get("/uplot.css").statusCode());
        assertTrue(get("/uplot-LICENSE.txt").body().contains("MIT"));
        assertTrue(page.body().contains("src=\"uplot.js\""));
    }

    @Test
    void progressWithinAnEpochComesFromTheCheckpointAndTheLossBetweenCheckpointsIsKept() throws Exception {
        Path b = Files.createDirectories(runs.resolve("b"));
        Files.writeString(b.resolve("config.json"), "{\"name\": \"b\"}");
        JsonNode run = mapper.readTree(get("/api/run?id=" + q("0/b")).body());
        assertTrue(run.get("progress") == null, "no checkpoint, no progress");
        assertTrue(run.get("started").asLong() > 0);
        Path cp = Files.createDirectories(b.resolve("checkpoint"));
        String before = versionOf("0/b");
        Files.writeString(cp.resolve("state.json"), "{\"epoch\": 1, \"position\": 100, \"lossSum\": 200.0}");
        assertFalse(before.equals(versionOf("0/b")), "a new checkpoint changes the card's version");
        run = mapper.readTree(get("/api/run?id=" + q("0/b")).body());
        assertEquals(1, run.get("progress").get("epoch").asInt());
        assertEquals(100, run.get("progress").get("position").asInt());
        assertEquals(2.0, run.get("progress").get("trainLoss").asDouble(), 1e-12);
        Files.writeString(cp.resolve("state.json"), "{\"epoch\": 1, \"position\": 300, \"lossSum\": 300.0}");
        run = mapper.readTree(get("/api/run?id=" + q("0/b")).body());
        JsonNode steps = run.get("steps");
        assertEquals(2, steps.size(), steps.toString());
        assertEquals(2.0, steps.get(0).get("loss").asDouble(), 1e-12);
        assertEquals(0.5, steps.get(1).get("loss").asDouble(), 1e-12, "(300 - 200) / (300 - 100)");
        assertEquals(100, steps.get(1).get("from").asInt());
        // a checkpoint folder that is a link is not read
        Path c = Files.createDirectories(runs.resolve("c"));
        Files.writeString(c.resolve("config.json"), "{}");
        Files.createSymbolicLink(c.resolve("checkpoint"), cp);
        assertTrue(mapper.readTree(get("/api/run?id=" + q("0/c")).body()).get("progress") == null);
    }

    static String step(int epoch, int step, int from, int position, double loss) {
        return "{\"epoch\":" + epoch + ",\"step\":" + step + ",\"from\":" + from + ",\"position\":" + position
                + ",\"samples\":100,\"loss\":" + loss + ",\"learningRate\":0.1,\"seconds\":0.5}\n";
    }

    /**
     * steps.jsonl drives the per-step chart and the progress within an epoch: every whole line is a step, a torn
     * last line waits for the next poll, the newest epoch's lines give where it stands and its loss so far, and a
     * file cut back (a resume) is read again from its start.
     */
    @Test
    void stepsAndProgressComeFromStepsJsonlAsItGrows() throws Exception {
        Path s = Files.createDirectories(runs.resolve("s"));
        Files.writeString(s.resolve("config.json"), "{\"name\": \"s\"}");
        Files.writeString(s.resolve("metrics.jsonl"), "{\"epoch\": 1, \"trainLoss\": 0.9}\n");
        Path log = s.resolve("steps.jsonl");
        Files.writeString(log, step(1, 5, 0, 50, 1.0) + step(1, 10, 50, 100, 0.8) + step(2, 15, 0, 50, 0.6)
                + step(2, 17, 50, 70, 0.3) + "{\"epoch\":2,\"step\":20,\"fr");
        JsonNode run = mapper.readTree(get("/api/run?id=" + q("0/s")).body());
        assertEquals("steps.jsonl", run.get("stepsSource").asText());
        JsonNode steps = run.get("steps");
        assertEquals(4, steps.size(), "the torn last line is not read yet: " + steps);
        assertEquals(0.6, steps.get(2).get("loss").asDouble());
        assertEquals(100, steps.get(2).get("samples").asInt());
        JsonNode p = run.get("progress");
        assertEquals(2, p.get("epoch").asInt());
        assertEquals(70, p.get("position").asInt());
        assertEquals(100, p.get("samples").asInt());
        assertEquals((0.6 * 50 + 0.3 * 20) / 70, p.get("trainLoss").asDouble(), 1e-12, "epoch 2's samples so far");

        String before = versionOf("0/s");
        Files.writeString(log, "om\":70,\"position\":100,\"samples\":100,\"loss\":0.2,\"learningRate\":0.1}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertFalse(before.equals(versionOf("0/s")), "a step line changes the card's version");
        run = mapper.readTree(get("/api/run?id=" + q("0/s")).body());
        assertEquals(5, run.get("steps").size());
        assertEquals(100, run.get("progress").get("position").asInt());
        Files.writeString(s.resolve("metrics.jsonl"), "{\"epoch\": 2, \"trainLoss\": 0.4}\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertTrue(mapper.readTree(get("/api/run?id=" + q("0/s")).body()).get("progress") == null,
                "epoch 2 is finished: no epoch in progress");

        // cut back to epoch 1 (a resume) and grown again past the length read before
        Files.writeString(log, step(1, 5, 0, 50, 1.0) + step(1, 10, 50, 100, 0.8) + step(2, 15, 0, 50, 0.7)
                + step(2, 20, 50, 100, 0.25) + step(3, 25, 0, 50, 0.2) + step(3, 30, 50, 100, 0.1));
        run = mapper.readTree(get("/api/run?id=" + q("0/s")).body());
        assertEquals(6, run.get("steps").size(), run.get("steps").toString());
        assertEquals(0.7, run.get("steps").get(2).get("loss").asDouble(), "read again from the start");
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedOnLoopback() throws Exception {
        int port = URI.create(base).getPort();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/runs HTTP/1.1\r\nHost: attacker.example:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
            assertFalse(answer.contains("0/a"));
        }
    }

    @Test
    void predictAnswersTheTopClassesTheSaliencyAndTheStages() throws Exception {
        DigitModel model = new DigitModel("runs/a", SaliencyTest.network(
                "{\"type\": \"dense\", \"units\": 8}, {\"type\": \"sigmoid\"}, {\"type\": \"dense\", \"units\": 10},"
                        + " {\"type\": \"softmax\"}", 784, 10));
        when(models.load(any(), anyString())).thenReturn(model);
        HttpResponse<String> r = post("/api/predict?id=0%2Fa", png());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = mapper.readTree(r.body());
        assertEquals(3, a.get("top").size());
        assertEquals(a.get("predicted").asInt(), a.get("top").get(0).get("label").asInt());
        assertEquals(784, a.get("saliency").size());
        assertEquals(784, a.get("input").size());
        assertEquals(4, a.get("stages").size());
        assertEquals("8×784", a.get("stages").get(0).get("shape").asText());
        // a blank canvas and a non-picture are the page's errors, not the server's
        BufferedImage blank = new BufferedImage(280, 280, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(blank, "png", out);
        HttpResponse<String> empty = post("/api/predict?id=0%2Fa", out.toByteArray());
        assertEquals(422, empty.statusCode());
        assertTrue(mapper.readTree(empty.body()).get("error").asText().startsWith("no digit found"), empty.body());
        HttpResponse<String> junk = post("/api/predict?id=0%2Fa", "GIF89a but not really".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, junk.statusCode());
        assertTrue(junk.body().contains("not a picture"), junk.body());
        // a small upload declaring 20000×20000 pixels is refused from its header, before decoding
        java.nio.ByteBuffer huge = java.nio.ByteBuffer.wrap(out.toByteArray());
        huge.putInt(16, 20000).putInt(20, 20000);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(huge.array(), 12, 17);
        huge.putInt(29, (int) crc.getValue());
        HttpResponse<String> big = post("/api/predict?id=0%2Fa", huge.array());
        assertEquals(413, big.statusCode(), big.body());
        assertTrue(big.body().contains("20000×20000 pixels"), big.body());
    }

    @Test
    void aModelWhosePluginIsMissingIsAMessageAndTheServerStaysUp() throws Exception {
        when(models.load(any(), anyString())).thenThrow(new BadInputException(
                "runs/a/model.json: config field network.layers[0].type: unknown type 'conv2d'; is its plugin jar in the "
                        + "plugins folder plugins (default)?\nsecond line"));
        HttpResponse<String> r = post("/api/predict?id=0%2Fa", png());
        assertEquals(409, r.statusCode());
        String error = mapper.readTree(r.body()).get("error").asText();
        assertTrue(error.contains("unknown type 'conv2d'"), error);
        assertFalse(error.contains("\n") || r.body().contains("at dev.chainrule"), "one line, no stack trace");
        org.mockito.Mockito.doThrow(new IllegalStateException("boom")).when(models).load(any(), anyString());
        assertEquals(409, post("/api/predict?id=0%2Fa", png()).statusCode());
        assertEquals(200, get("/api/runs").statusCode());
    }

    @Test
    void aRunThatAppearsLaterIsListedAndANewEpochChangesItsVersion() throws Exception {
        String before = versionOf("0/a");
        Files.writeString(runs.resolve("a/metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n{\"epoch\":2,\"testAccuracy\":0.6}\n");
        Files.setLastModifiedTime(runs.resolve("a/metrics.jsonl"), java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 5000));
        assertFalse(before.equals(versionOf("0/a")));
        Path b = Files.createDirectories(runs.resolve("b"));
        Files.writeString(b.resolve("metrics.jsonl"), "{\"epoch\":1,\"testAccuracy\":0.5}\n");
        JsonNode head = find("0/b");
        assertEquals("training", head.get("status").asText());
        assertFalse(head.get("hasModel").asBoolean());
        assertNull(find("0/empty"), "a folder without run files is no run");
    }

    private String versionOf(String id) throws Exception {
        return find(id).get("version").asText();
    }

    private JsonNode find(String id) throws Exception {
        for (JsonNode n : mapper.readTree(get("/api/runs").body()).get("runs")) {
            if (n.get("id").asText().equals(id)) {
                return n;
            }
        }
        return null;
    }
}
