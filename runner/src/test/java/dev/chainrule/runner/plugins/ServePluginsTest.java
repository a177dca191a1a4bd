package dev.chainrule.runner.plugins;

import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.plugins.PluginDiscovery;

import dev.chainrule.engine.plugins.PluginJarBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.chainrule.runner.Cli;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.serve.Models;
import dev.chainrule.serve.RunFolders;
import dev.chainrule.serve.RunServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drawing panel asks the same provider registry as the other commands: a model of plugin types works
 * when the server was started with their plugins folder, and is a one-line error on the page when it was
 * not, even though the run's own config names that folder (no code is loaded from where a run points).
 */
class ServePluginsTest {
    @TempDir
    Path tmp;
    final ObjectMapper mapper = JsonMapper.builder().build();

    @Test
    void aPluginModelIsDrawnWithItsFolderAndIsAMessageWithoutIt() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJarBuilder.example().build(plugins.resolve("plugin-swish-0.1.0.jar"));
        Path cfg = tmp.resolve("swish.json");
        Files.writeString(cfg, PluginsTest.CONFIG.replace("\"seed\": 7,", "\"seed\": 7, \"plugins\": \"plugins\","));
        Path run = tmp.resolve("runs/swish");
        Cli.Result t = Cli.run(PluginsTest.blobData(), "train", cfg.toString(), "--out", run.toString());
        assertEquals(0, t.code(), t.err());

        PluginSettings settings = new PluginSettings(Map.of());
        settings.option(plugins);
        StringWriter log = new StringWriter();
        Terminal terminal = new Terminal(new PrintWriter(log, true), new PrintWriter(log, true), false);
        JsonNode ok = predict(run, new PluginDiscovery(settings, terminal).registry());
        assertEquals(5, ok.get("stages").size(), ok.toString());
        assertEquals("swish", ok.get("stages").get(1).get("type").asText());

        JsonNode missing = predict(run, ProviderRegistry.builtIn());
        String error = missing.get("error").asText();
        assertTrue(error.contains("swish") && error.contains("unknown type"), error);
    }

    JsonNode predict(Path run, ProviderRegistry registry) throws Exception {
        RunServer server = new RunServer(new RunFolders(List.of(new RunFolders.Root(run, "swish"))),
                new Models.FromFiles(registry, mapper), mapper, new PrintWriter(new StringWriter()), true);
        try {
            int port = server.start(InetAddress.getLoopbackAddress(), 0).getPort();
            BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 40, 40);
            g.setColor(Color.BLACK);
            g.fillRect(10, 5, 8, 30);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(img, "png", png);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/predict?id=0"))
                    .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + port)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"png\": \""
                            + java.util.Base64.getEncoder().encodeToString(png.toByteArray()) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return mapper.readTree(r.body());
        } finally {
            server.stop();
        }
    }
}
