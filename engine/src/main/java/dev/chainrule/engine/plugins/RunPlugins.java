package dev.chainrule.engine.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.io.SafeFiles;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.registry.ProviderRegistry;
import dev.chainrule.engine.registry.ProviderSource;
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
 * that produced it. {@code evaluate}, {@code predict} and {@code train --resume} read it back: a recorded
 * type nobody provides is an error naming the jar, and a type now provided by a different jar (another
 * SHA-256) is a warning. The recorded folder is loaded only with {@code --trust-run-plugins}.
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
        // a skipped jar may have meant to provide a type a built-in now serves: say which provider did
        root.putAll(shadowed(used));
        try {
            AtomicFiles.write(dir.resolve(PLUGINS_JSON), mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * When a plugin jar was skipped, which provider serves each type the run uses: one line per skipped jar on
     * stderr ({@code note: DIR/old.jar was skipped (...); its type dropout is served by
     * dev.chainrule.layers.DropoutProvider (built-in)}, or every used type's provider when the jar declares no
     * types), and for plugins.json {@code skipped} (path, problem, declared types or null) and
     * {@code providers} (type → provider class and source). Empty when no jar was skipped.
     */
    Map<String, Object> shadowed(List<String> used) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<PluginJar> skipped = discovery.jars().stream().filter(PluginJar::broken).toList();
        if (skipped.isEmpty()) {
            return out;
        }
        Map<String, Map<String, Object>> providers = new LinkedHashMap<>();
        for (String type : used) {
            ProviderRegistry.Entry e = registry.find(type);
            if (e == null || providers.containsKey(type)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("provider", e.created() || ProviderSource.BUILT_IN.equals(e.source())
                    ? e.provider().getClass().getName() : null);
            m.put("source", e.source());
            providers.put(type, m);
        }
        List<Map<String, Object>> jars = new ArrayList<>();
        for (PluginJar j : skipped) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", j.path().toAbsolutePath().normalize().toString());
            m.put("problem", j.problem());
            m.put("declares", j.declared() == null ? null : new ArrayList<>(j.declared().keySet()));
            jars.add(m);
            List<String> types = j.declared() == null ? new ArrayList<>(providers.keySet())
                    : providers.keySet().stream().filter(j.declared()::containsKey).toList();
            if (types.isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder("note: " + j.shown() + " was skipped (" + j.problem() + "); ");
            line.append(j.declared() == null ? "it declares no types; this run's types are served by: "
                    : types.size() == 1 ? "its type " : "its types ");
            for (int i = 0; i < types.size(); i++) {
                Map<String, Object> p = providers.get(types.get(i));
                line.append(i == 0 ? "" : ", ").append(types.get(i)).append(j.declared() == null ? ": " : " is served by ")
                        .append(p.get("provider") == null ? "a provider of" : p.get("provider")).append(" (")
                        .append(p.get("source")).append(')');
            }
            terminal.err().println(Text.escape(line.toString()));
            terminal.err().flush();
        }
        out.put("skipped", jars);
        out.put("providers", providers);
        return out;
    }

    /**
     * Before {@code evaluate}, {@code predict} or {@code train --resume} loads a model or run: reads the
     * run's plugins.json, if any, and checks every recorded plugin type is provided again.
     *
     * <p>The recorded folder is data, not a place code is loaded from (docs/security.md): it is used only
     * with {@code --trust-run-plugins} (and no {@code --plugins} or environment variable), and then only
     * the recorded jars, each checked against its recorded SHA-256 before it is loaded.
     *
     * @param model a run folder or its model.json
     */
    public void checkBeforeLoading(Path model) {
        Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
        Path record = dir == null ? null : dir.resolve(PLUGINS_JSON);
        if (record == null || !Files.exists(record)) {
            recordModelFolder(model);
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(SafeFiles.readSmall(record, record.toString(), SafeFiles.MAX_JSON_BYTES));
        } catch (IOException e) {
            throw new PluginException(record + ": unreadable (" + Text.escape(e.getMessage().split("\n")[0]) + ")");
        }
        JsonNode jars = root.path("jars");
        if (!jars.isArray() || jars.isEmpty()) {
            return;
        }
        Map<Path, String> pinned = new LinkedHashMap<>();
        for (JsonNode j : jars) {
            String path = j.path("path").asText("");
            String sha = j.path("sha256").asText("");
            if (path.isEmpty() || !sha.matches("[0-9a-f]{64}")) {
                throw new PluginException(record + ": jars[" + pinned.size() + "] needs a path and a 64-digit sha256");
            }
            pinned.put(Path.of(path).toAbsolutePath().normalize(), sha);
        }
        if (root.hasNonNull("folder")) {
            settings.recorded(Path.of(root.get("folder").asText()), record.toString(), pinned);
        }
        if (settings.trustsRecorded() && settings.ignoredRecord() == null) {
            // the recorded folder is the one in use: every recorded jar must be the bytes the run used
            for (Map.Entry<Path, String> e : pinned.entrySet()) {
                String now = shaOf(e.getKey());
                if (!e.getValue().equals(now)) {
                    throw new PluginException(e.getKey() + ": " + (now == null ? "missing or not a regular file"
                            : "SHA-256 " + now) + ", but " + record + " recorded " + e.getValue()
                            + "; not loading it (pass --plugins DIR to choose the plugins yourself)");
                }
            }
        }
        for (JsonNode j : jars) {
            String sha = j.path("sha256").asText();
            for (JsonNode t : j.path("types")) {
                String type = t.asText();
                ProviderRegistry.Entry e = registry.find(type);
                String was = j.path("path").asText() + " (version " + j.path("version").asText() + ", sha256 "
                        + sha + ")";
                if (e == null) {
                    throw new PluginException(Text.escape(dir + ": the run used type '" + type + "' from plugin jar "
                            + was + ", but no plugin in " + discovery.folder().describe() + " provides it; "
                            + hint()));
                }
                PluginJar now = discovery.jar(e.source());
                if (now == null || !now.sha256().equals(sha)) {
                    terminal.err().println(Text.escape("warning: type '" + type + "' now comes from " + e.source()
                            + (now == null ? "" : " (sha256 " + now.sha256() + ")")
                            + ", not from the jar the run was trained with, " + was));
                    terminal.err().flush();
                }
            }
        }
    }

    /**
     * A model.json without plugins.json beside it: its {@code config.plugins} is the record (no jar hashes,
     * so with --trust-run-plugins the whole folder). An unreadable model is left to ModelFiles to report.
     */
    private void recordModelFolder(Path model) {
        Path file = Files.isDirectory(model) ? model.resolve("model.json") : model;
        try {
            JsonNode p = mapper.readTree(SafeFiles.readSmall(file, file.toString(), SafeFiles.MAX_JSON_BYTES))
                    .path("config").path("plugins");
            if (p.isTextual() && !p.asText().isBlank()) {
                Path dir = Path.of(p.asText());
                if (!dir.isAbsolute()) {
                    dir = file.toAbsolutePath().getParent().resolve(dir).normalize();
                }
                settings.recorded(dir, file + " field config.plugins", null);
            }
        } catch (IOException | RuntimeException e) {
            // not a model this runner can read: ModelFiles.read says why, in its own words
        }
    }

    /**
     * {@code e} (an unknown type, from reading a model's or run's config) with the way out added when the
     * record named a plugins folder that was not loaded.
     */
    public BadInputException withRecordHint(BadInputException e) {
        PluginSettings.Recorded r = settings.ignoredRecord();
        if (r == null || e.getMessage() == null || !e.getMessage().contains("unknown type")) {
            return e;
        }
        return new BadInputException(e.getMessage() + "; the plugins folder " + r.dir() + " recorded in " + r.origin()
                + " is not loaded unless you pass " + PluginSettings.TRUST_OPTION + " or --plugins " + r.dir(), e);
    }

    /** What to do when a recorded type is missing: name the folder the record names, and the opt-in. */
    private String hint() {
        PluginSettings.Recorded r = settings.ignoredRecord();
        if (r == null) {
            return "put that jar back or pass --plugins DIR";
        }
        return "its folder " + r.dir() + " is recorded in " + r.origin() + ", but plugins are loaded from a run's "
                + "record only with " + PluginSettings.TRUST_OPTION + "; pass --plugins " + r.dir()
                + " (or " + PluginSettings.TRUST_OPTION + ") if you trust it";
    }

    private static String shaOf(Path jar) {
        try {
            if (!Files.isRegularFile(jar)) {
                return null;
            }
            return PluginJars.sha256(jar);
        } catch (IOException e) {
            return null;
        }
    }
}
