package dev.chainrule.runner.cli;

import dev.chainrule.engine.plugins.PluginSettings;
import picocli.CommandLine.Option;

/** {@code --trust-run-plugins}, shared by the commands that load a run's model or resume it. */
public class TrustOption {
    @Option(names = PluginSettings.TRUST_OPTION,
            description = "load the plugin jars the run recorded in its plugins.json (each checked against its "
                    + "recorded SHA-256); without it code is loaded only from --plugins, $CHAINRULE_PLUGINS or "
                    + "plugins/ (train: only with --resume)")
    boolean trusted;
}
