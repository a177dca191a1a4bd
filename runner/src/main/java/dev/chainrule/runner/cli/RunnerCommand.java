package dev.chainrule.runner.cli;

import dev.chainrule.engine.plugins.PluginSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "runner", mixinStandardHelpOptions = true, version = "chainrule runner 0.1.0",
        description = "Train and check chainrule networks described by JSON configs.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, dev.chainrule.runner.cli.PredictCommand.class,
                PluginsCommand.class, DescribeCommand.class, VerifyPluginCommand.class, GradcheckCommand.class,
                dev.chainrule.runner.cli.ExplainCommand.class, BenchCommand.class, ExportCommand.class, ImportWeightsCommand.class,
                dev.chainrule.runner.cli.ServeCommand.class, SweepCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed check or diverged training, 2 bad input.",
                "Reference: docs/cli.md (commands), docs/config.md (config files)"})
public class RunnerCommand implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces of errors")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final PluginSettings pluginSettings;

    @jakarta.inject.Inject
    public RunnerCommand(PluginSettings pluginSettings) {
        this.pluginSettings = pluginSettings;
    }

    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "the folder of plugin jars (default: $CHAINRULE_PLUGINS, else the config's \"plugins\", "
                    + "else plugins/ in the working directory)")
    void plugins(java.nio.file.Path dir) {
        if (dir.toString().isEmpty()) {
            // Path.of("") is the working directory: never what an empty value (an unset shell variable) meant
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--plugins: must be a folder path, got an empty string");
        }
        pluginSettings.option(dir);
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "missing command: train, evaluate, predict, plugins, describe, verify-plugin, gradcheck, explain, bench or serve");
    }
}
