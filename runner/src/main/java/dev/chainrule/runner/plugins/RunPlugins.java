package dev.chainrule.runner.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.runner.Terminal;
import dev.chainrule.runner.io.AtomicFiles;
import dev.chainrule.runner.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run folder's {@code plugins.json}: the plugins folder and every plugin jar whose types the run used
 * (absolute path, SHA-256, version, api version, the types), so a result can be traced to the exact code
 * that produced it. {@code evaluate} reads it back: the recorded folder is where it looks for plugins
 * unless {@code --plugins} or {@code CHAINRULE_PLUGINS} says otherwise, a recorded type nobody provides is
 * an error naming the jar, and a type now provided by a different jar (another SHA-256) is a warning.
 */
public class RunPlugins {
    public static final String PLUGINS_JSON = "plugins.json";

    private final ProviderRegistry registry;
    private final PluginDiscovery discovery;
    private final PluginSettings settings;
    private final ObjectMapper mapper;
    private final Terminal terminal;

    @Inject
    public RunPlugins(ProviderRegistry registry, PluginDiscovery discovery, PluginSettings settings,
            ObjectMapper mapper, Terminal terminal) {
        this.registry = registry;
        this.discovery = discovery;
        this.settings = settings;
        this.mapper = mapper;
        this.terminal = terminal;
    }

    /** Writes plugins.json into {@code dir} for the types a run uses (its config's {@code types()}). */
    public void write(Path dir, List<String> used) {
        Map<String, Map<String, Object>> jars = new LinkedHashMap<>();
        for (String type : used) {
            ProviderRegistry.Entry e = registry.find(type);
            PluginJar j = e == null ? null : discovery.jar(e.source());
            if (j == null) {
                continue;
            }
            Map<String, Object> m = jars.computeIfAbsent(j.shown(), k -> {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("path", j.path().toAbsolutePath().normalize().toString());
                n.put("sha256", j.sha256());
                n.put("version", j.version());
                n.put("apiVersion", j.apiVersion());
                n.put("types", new ArrayList<String>());
                return n;
            });
            @SuppressWarnings("unchecked")
            List<String> types = (List<String>) m.get("types");
            if (!types.contains(type)) {
                types.add(type);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("folder", discovery.folder().path().toAbsolutePath().normalize().toString());
        root.put("jars", new ArrayList<>(jars.values()));
        try {
            AtomicFiles.write(dir.resolve(PLUGINS_JSON), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Before {@code evaluate} loads a model: takes the recorded plugins folder (lowest but one precedence)
     * and checks every recorded plugin type is provided again.
     *
     * @param model a run folder or its model.json
     */
    public void checkBeforeLoading(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path record = dir == null ? null : dir.resolve(PLUGINS_JSON);
        if (record == null || !Files.isRegularFile(record)) {
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(record.toFile());
        } catch (IOException e) {
            throw new PluginException(record + ": unreadable (" + e.getMessage() + ")");
        }
        JsonNode jars = root.path("jars");
        if (!jars.isArray() || jars.isEmpty()) {
            return;
        }
        if (root.hasNonNull("folder")) {
            settings.fromConfig(Path.of(root.get("folder").asText()), record.toString());
        }
        for (JsonNode j : jars) {
            String sha = j.path("sha256").asText();
            for (JsonNode t : j.path("types")) {
                String type = t.asText();
                ProviderRegistry.Entry e = registry.find(type);
                String was = j.path("path").asText() + " (version " + j.path("version").asText() + ", sha256 "
                        + sha + ")";
                if (e == null) {
                    throw new PluginException(dir + ": the run used type '" + type + "' from plugin jar " + was
                            + ", but no plugin in " + discovery.folder().describe()
                            + " provides it; put that jar back or pass --plugins DIR");
                }
                PluginJar now = discovery.jar(e.source());
                if (now == null || !now.sha256().equals(sha)) {
                    terminal.err().println("warning: type '" + type + "' now comes from " + e.source()
                            + (now == null ? "" : " (sha256 " + now.sha256() + ")")
                            + ", not from the jar the run was trained with, " + was);
                    terminal.err().flush();
                }
            }
        }
    }
}
