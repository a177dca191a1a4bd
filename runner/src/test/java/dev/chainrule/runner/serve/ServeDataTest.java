package dev.chainrule.runner.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.runner.Cli;
import dev.chainrule.serve.Models;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.serve.RunServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's endpoints over models trained on the user's own data (issue 20): a CSV classifier with a
 * categorical column, a CSV regression and an image-folder model of 3×6×8 pictures, each trained here in a
 * second. Their answers must equal {@code runner predict}'s; bad inputs are one-line JSON errors.
 */
class ServeDataTest {
    @TempDir
    static Path tmp;
    static Path runs;
    static RunServer server;
    static String base;
    static final ObjectMapper mapper = JsonMapper.builder().build();
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void trainAndServe() throws IOException {
        runs = Files.createDirectories(tmp.resolve("runs"));
        // three classes told apart by two numbers and a colour (a categorical column: one select in the form)
        StringBuilder flowers = new StringBuilder("size,weight,colour,species\n");
        SplittableRandom r = new SplittableRandom(5);
        String[] names = {"rose", "lily", "iris"};
        String[] colours = {"red", "white", "blue"};
        for (int i = 0; i < 150; i++) {
            int c = i % 3;
            flowers.append(String.format(Locale.ROOT, "%.3f,%.1f,%s,%s%n", c * 2 + r.nextDouble(),
                    100 * c + 50 * r.nextDouble(), colours[(c + (i % 7 == 0 ? 1 : 0)) % 3], names[c]));
        }
        Files.writeString(tmp.resolve("flowers.csv"), flowers.toString());
        train("flowers", "{\"type\": \"csv\", \"path\": \"flowers.csv\", \"label\": \"species\", \"categorical\": [\"colour\"], "
                + "\"standardize\": true}",
                "{\"type\": \"dense\", \"units\": 8}, {\"type\": \"relu\"}, {\"type\": \"dense\", \"units\": 3}, {\"type\": \"softmax\"}",
                "cross-entropy", "{\"batchSize\": 10, \"epochs\": 20, \"optimizer\": {\"type\": \"adam\", \"learningRate\": 0.01}}");

        StringBuilder prices = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextDouble(-1, 1);
            double b = r.nextDouble(0, 100);
            prices.append(String.format(Locale.ROOT, "%.5f,%.3f,%.4f%n", a, b, 1000 + 300 * a + 2 * b));
        }
        Files.writeString(tmp.resolve("prices.csv"), prices.toString());
        train("prices", "{\"type\": \"csv\", \"path\": \"prices.csv\", \"target\": \"price\", \"standardize\": true}",
                "{\"type\": \"dense\", \"units\": 1}", "mse",
                "{\"batchSize\": 10, \"epochs\": 20, \"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.05}}");

        Path images = tmp.resolve("images");
        for (String cls : new String[] {"dark", "light"}) {
            Path dir = Files.createDirectories(images.resolve(cls));
            for (int i = 0; i < 16; i++) {
                ImageIO.write(picture(cls.equals("dark") ? 40 : 200, r.nextInt(30)), "png", dir.resolve(i + ".png").toFile());
            }
        }
        train("pictures", "{\"type\": \"image-folder\", \"path\": \"images\", \"size\": [6, 8], \"channels\": 3}",
                "{\"type\": \"flatten\"}, {\"type\": \"dense\", \"units\": 2}, {\"type\": \"softmax\"}", "cross-entropy",
                "{\"batchSize\": 4, \"epochs\": 5, \"optimizer\": {\"type\": \"sgd\", \"learningRate\": 0.1}}");

        server = new RunServer(new RunFolders(List.of(new RunFolders.Root(runs, "runs"))),
                new Models.FromFiles(ProviderRegistry.builtIn(), mapper), mapper, new PrintWriter(new StringWriter()), true);
        base = "http://127.0.0.1:" + server.start(InetAddress.getLoopbackAddress(), 0).getPort();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static BufferedImage picture(int level, int noise) {
        BufferedImage img = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 16; x++) {
                int v = level + (noise + x * 7 + y * 3) % 30;
                img.setRGB(x, y, new Color(v, 255 - v, v / 2).getRGB());
            }
        }
        return img;
    }

    static void train(String name, String data, String layers, String loss, String training) throws IOException {
        Path cfg = Files.writeString(tmp.resolve(name + ".json"), """
                {"name": "%s", "seed": 7, "data": %s, "network": {"layers": [%s]}, "loss": {"type": "%s"},
                 "training": %s}
                """.formatted(name, data, layers, loss, training));
        Cli.Result t = Cli.run(null, "train", cfg.toString(), "--out", runs.resolve(name).toString());
        assertEquals(0, t.code(), t.out() + t.err());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request whose body the server refuses by its announced size. */
    interface Send {
        HttpResponse<String> send() throws Exception;
    }

    /**
     * The server answers an oversize body from its announced length and closes without reading it; a client still
     * writing may then see the connection reset before it reads the answer. That is the client's race, not the
     * server's: ask again (at most five times) until the answer is read.
     */
    static HttpResponse<String> oversize(Send request) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return request.send();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Origin", base).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode ok(HttpResponse<String> r) throws IOException {
        assertEquals(200, r.statusCode(), r.body());
        return mapper.readTree(r.body());
    }

    /** The status and the one-line error of a refused request. */
    static String refused(int status, HttpResponse<String> r) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String e = mapper.readTree(r.body()).get("error").asText();
        assertFalse(e.contains("\n") || r.body().contains("\\tat "), e);
        return e;
    }

    static String row(String size, String weight, String colour) throws IOException {
        ObjectNode n = mapper.createObjectNode();
        ObjectNode row = n.putObject("row");
        row.put("size", size).put("weight", weight).put("colour", colour);
        return mapper.writeValueAsString(n);
    }

    static String csv(String text, String name) throws IOException {
        ObjectNode n = mapper.createObjectNode();
        n.put("csv", text).put("name", name);
        return mapper.writeValueAsString(n);
    }

    static String picturePost(byte[] bytes) {
        return "{\"png\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}";
    }

    static byte[] encoded(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    @Test
    void eachModelSaysWhatItTakes() throws Exception {
        JsonNode table = ok(get("/api/model?id=" + "0%2Fflowers"));
        assertEquals("table", table.get("kind").asText());
        assertEquals(List.of("iris", "lily", "rose"), mapper.convertValue(table.get("classes"), List.class));
        assertEquals(3, table.get("inputs").size(), table.toString());
        assertEquals("size", table.get("inputs").get(0).get("name").asText());
        assertTrue(table.get("inputs").get(0).get("values").isNull(), "a number");
        assertEquals("colour", table.get("inputs").get(2).get("name").asText());
        assertEquals(List.of("blue", "red", "white"), mapper.convertValue(table.get("inputs").get(2).get("values"), List.class));

        JsonNode reg = ok(get("/api/model?id=0%2Fprices"));
        assertEquals("table", reg.get("kind").asText());
        assertTrue(reg.get("regression").asBoolean());
        assertEquals("price", reg.get("targets").get(0).asText());

        JsonNode pic = ok(get("/api/model?id=0%2Fpictures"));
        assertEquals("image", pic.get("kind").asText());
        assertEquals(3, pic.get("channels").asInt());
        assertEquals(6, pic.get("height").asInt());
        assertEquals(8, pic.get("width").asInt());
        assertEquals(List.of("dark", "light"), mapper.convertValue(pic.get("classes"), List.class));

        refused(404, get("/api/model?id=0%2Fnothing"));
    }

    @Test
    void aFormRowIsAnsweredByClassNameAsPredictAnswersTheSameRow() throws Exception {
        JsonNode a = ok(post("/api/rows?id=0%2Fflowers", row("4.5", "230", "blue")));
        assertEquals("table", a.get("kind").asText());
        assertEquals("iris", a.get("predictedName").asText(), a.toString());
        assertEquals(3, a.get("top").size());
        assertEquals("iris", a.get("top").get(0).get("name").asText());
        assertEquals(5, a.get("saliency").size(), "one entry per feature: size, weight, colour=blue|red|white");
        assertEquals(4, a.get("stages").size());
        Path rows = Files.writeString(tmp.resolve("one.csv"), "size,weight,colour\n4.5,230,blue\n");
        Cli.Result p = Cli.run(null, "predict", runs.resolve("flowers").toString(), rows.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        JsonNode cli = mapper.readTree(p.out()).get(0);
        assertEquals(cli.get("name").asText(), a.get("predictedName").asText());
        assertEquals(cli.get("top").get(0).get("probability").asDouble(), a.get("top").get(0).get("probability").asDouble(), 0);
    }

    @Test
    void aCsvUploadIsAnsweredRowByRowAsPredictAnswersIt() throws Exception {
        String text = "species,colour,weight,size\nx,red,10,0.5\nx,white,120,2.4\nx,blue,240,4.6\n";
        JsonNode a = ok(post("/api/rows?id=0%2Fflowers", csv(text, "dir/mine.csv")));
        assertEquals(3, a.get("rows").size(), a.toString());
        Path file = Files.writeString(tmp.resolve("mine.csv"), text);
        Cli.Result p = Cli.run(null, "predict", runs.resolve("flowers").toString(), file.toString(), "--json");
        assertEquals(0, p.code(), p.err());
        JsonNode cli = mapper.readTree(p.out());
        for (int i = 0; i < 3; i++) {
            JsonNode row = a.get("rows").get(i);
            assertEquals("mine.csv line " + (i + 2), row.get("where").asText());
            assertEquals(cli.get(i).get("name").asText(), row.get("name").asText());
            assertEquals(cli.get(i).get("top").get(0).get("probability").asDouble(),
                    row.get("top").get(0).get("probability").asDouble(), 0);
        }
        assertEquals(List.of("rose", "lily", "iris"), List.of(a.get("rows").get(0).get("name").asText(),
                a.get("rows").get(1).get("name").asText(), a.get("rows").get(2).get("name").asText()));
    }

    @Test
    void aRegressionAnswersValuesInTheTargetsUnits() throws Exception {
        JsonNode a = ok(post("/api/rows?id=0%2Fprices", "{\"row\": {\"x1\": 0.5, \"x2\": 50}}"));
        assertTrue(a.get("top").isEmpty(), a.toString());
        assertEquals("price", a.get("values").get(0).get("name").asText());
        double v = a.get("values").get(0).get("value").asDouble();
        assertEquals(1000 + 150 + 100, v, 25, "a linear target is learnt: " + v);
        JsonNode rows = ok(post("/api/rows?id=0%2Fprices", csv("x1,x2\n0.5,50\n-1,0\n", "p.csv")));
        assertTrue(rows.get("regression").asBoolean());
        assertEquals(v, rows.get("rows").get(0).get("values").get(0).get("value").asDouble(), 0);
        Path file = Files.writeString(tmp.resolve("p.csv"), "x1,x2\n0.5,50\n-1,0\n");
        Cli.Result p = Cli.run(null, "predict", runs.resolve("prices").toString(), file.toString(), "--json");
        assertEquals(mapper.readTree(p.out()).get(1).get("values").get("price").asDouble(),
                rows.get("rows").get(1).get("values").get(0).get("value").asDouble(), 0);

        // the card: R², MSE and MAE per epoch, and no confusion matrix nor most-wrong grid to ask for
        JsonNode run = ok(get("/api/run?id=0%2Fprices"));
        JsonNode last = run.get("epochs").get(run.get("epochs").size() - 1);
        assertTrue(last.has("testR2") && last.has("testMse") && last.has("testMae") && !last.has("testAccuracy"), last.toString());
        List<?> files = mapper.convertValue(run.get("files"), List.class);
        assertTrue(files.contains("accuracy.png") && !files.contains("confusion.png") && !files.contains("most-wrong.png"),
                files.toString());
        assertEquals(0, run.get("warnings").size(), run.toString());
        refused(404, get("/api/file?id=0%2Fprices&name=confusion.png"));
    }

    @Test
    void anUploadedPictureIsPreparedAsPredictPreparesItsFile() throws Exception {
        for (String format : new String[] {"png", "jpeg"}) {
            byte[] bytes = encoded(picture(200, 3), format);
            JsonNode a = ok(post("/api/predict?id=0%2Fpictures", picturePost(bytes)));
            assertEquals("image", a.get("kind").asText());
            assertEquals("light", a.get("predictedName").asText(), a.toString());
            assertEquals(3 * 6 * 8, a.get("input").size());
            assertEquals(3 * 6 * 8, a.get("saliency").size());
            assertEquals(6, a.get("height").asInt());
            Path file = Files.write(tmp.resolve("up." + format), bytes);
            Cli.Result p = Cli.run(null, "predict", runs.resolve("pictures").toString(), file.toString(), "--json");
            assertEquals(0, p.code(), p.err());
            JsonNode cli = mapper.readTree(p.out()).get(0);
            assertEquals(cli.get("top").get(0).get("probability").asDouble(), a.get("top").get(0).get("probability").asDouble(), 0);
        }
        // a drawing of another size is resized as the folder's pictures were
        BufferedImage drawn = new BufferedImage(280, 210, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = drawn.createGraphics();
        g.setColor(new Color(40, 215, 20));
        g.fillRect(0, 0, 280, 210);
        g.dispose();
        assertEquals("dark", ok(post("/api/predict?id=0%2Fpictures", picturePost(encoded(drawn, "png"))))
                .get("predictedName").asText());
        String junk = refused(400, post("/api/predict?id=0%2Fpictures", picturePost("not a picture".getBytes())));
        assertTrue(junk.contains("not an image"), junk);
    }

    @Test
    void badInputsAreOneLineJsonErrors() throws Exception {
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", "{\"row\": {\"size\": 1, \"colour\": \"red\"}}"))
                .contains("no value for 'weight'"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", row("big", "1", "red")))
                .contains("column 'size': 'big' is not a number"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", row("1", "NaN", "red")))
                .contains("not a finite number"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", row("1", "1", "green")))
                .contains("category 'green' was not in the training data; known: blue, red, white"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", csv("size,colour\n1,red\n", "a.csv")))
                .startsWith("a.csv line 1: no column 'weight'"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", csv("size,weight,colour\n", "a.csv")))
                .contains("a header but no rows"));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", "{\"rows\": []}")).contains("{\"row\""));
        assertTrue(refused(400, post("/api/rows?id=0%2Fflowers", "{not json")).contains("{\"row\""));
        refused(400, post("/api/rows?id=0%2Fflowers", "{\"row\": {\"size\": [1]}, \"csv\": \"\"}"));
        // 1 MiB of CSV is the limit: beyond, a clear 413, before any parsing
        String big = "size,weight,colour\n" + "1.000,100.0,red\n".repeat(70_000);
        String tooBig = refused(413, oversize(() -> post("/api/rows?id=0%2Fflowers", csv(big, "big.csv"))));
        assertTrue(tooBig.startsWith("the CSV is larger than 1 MiB"), tooBig);
        String many = "size,weight,colour\n" + "1,1,red\n".repeat(10_001);
        assertTrue(refused(413, post("/api/rows?id=0%2Fflowers", csv(many, "many.csv"))).contains("10001 rows"));
        // a picture for a table model, rows for a picture model
        assertTrue(refused(422, post("/api/predict?id=0%2Fflowers", picturePost(encoded(picture(1, 1), "png"))))
                .contains("not a picture; fill the form or upload a CSV file"));
        assertTrue(refused(422, post("/api/rows?id=0%2Fpictures", row("1", "1", "red"))).contains("pictures, not table rows"));
        // the drawing's security: the page's own Origin, JSON, the size announced
        HttpResponse<String> noOrigin = http.send(HttpRequest.newBuilder(URI.create(base + "/api/rows?id=0%2Fflowers"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(row("1", "1", "red")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(refused(403, noOrigin).startsWith("the rows must come from this server's own page"));
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + "/api/rows?id=0%2Fflowers"))
                .header("Content-Type", "text/plain").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString(row("1", "1", "red"))).build(), HttpResponse.BodyHandlers.ofString());
        refused(415, plain);
        HttpResponse<String> huge = oversize(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/api/rows?id=0%2Fflowers"))
                .header("Content-Type", "application/json").header("Origin", base)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(3 << 20))).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(refused(413, huge).startsWith("the CSV is larger than 1 MiB"));
        refused(405, get("/api/rows?id=0%2Fflowers"));
        refused(404, post("/api/rows?id=0%2Fnone", row("1", "1", "red")));
    }
}
