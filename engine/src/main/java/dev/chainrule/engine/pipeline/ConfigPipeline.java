package dev.chainrule.engine.pipeline;

import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.plugins.PluginSettings;
import dev.chainrule.engine.registry.ProviderRegistry;
import jakarta.inject.Inject;
import java.nio.file.Path;

/**
 * How a command turns a config file into a run's config, one way: read and bind the raw config, settle the
 * plugins folder (the command line and the environment outrank the config's {@code "plugins"}), build the
 * provider registry from that folder, then resolve and validate the config against it. Parsing never
 * discovers plugins, and nothing below reads a config back to find them.
 */
public class ConfigPipeline {
    private final ConfigReader reader;
    private final PluginSettings settings;
    private final ProviderRegistry registry;

    @Inject
    public ConfigPipeline(ConfigReader reader, PluginSettings settings, ProviderRegistry registry) {
        this.reader = reader;
        this.settings = settings;
        this.registry = registry;
    }

    /** Reads, binds and resolves {@code file}; {@code shown} is how messages name it. */
    public RunConfig read(Path file, String shown) {
        ConfigReader.Bound bound = reader.bind(file, shown);
        settlePluginsFolder(bound);
        loadProviders();
        return reader.resolve(bound);
    }

    /**
     * Binds and resolves config text given in code (the Java facade): {@code shown} names it in messages,
     * {@code baseDir} resolves its relative paths, {@code defaultName} names the run when the config does not.
     */
    public RunConfig parse(String text, String shown, String defaultName, java.nio.file.Path baseDir) {
        ConfigReader.Bound bound = reader.bind(text, shown, defaultName, baseDir);
        settlePluginsFolder(bound);
        loadProviders();
        return reader.resolve(bound);
    }

    /**
     * Reads a config a run folder saved (its config.json, for {@code train --resume}): its {@code plugins}
     * folder is a record, loaded only with --trust-run-plugins (PluginSettings, docs/security.md).
     */
    public RunConfig readRecorded(Path file, String shown) {
        ConfigReader.Bound bound = reader.bind(file, shown);
        if (bound.pluginsFolder() != null) {
            settings.recorded(bound.pluginsFolder(), bound.shown() + " field plugins", null);
        }
        loadProviders();
        return reader.resolve(bound);
    }

    private void settlePluginsFolder(ConfigReader.Bound bound) {
        if (bound.pluginsFolder() != null) {
            settings.fromConfig(bound.pluginsFolder(), bound.shown() + " field plugins");
        }
    }

    /** Builds the registry now, so that a broken plugin setup is reported as such, not as an unknown type. */
    private void loadProviders() {
        registry.entries();
    }
}
