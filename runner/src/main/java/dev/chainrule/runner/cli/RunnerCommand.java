package dev.chainrule.runner.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "runner", mixinStandardHelpOptions = true, version = "chainrule runner 0.1.0",
        description = "Train and check chainrule networks described by JSON configs.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PluginsCommand.class, GradcheckCommand.class, BenchCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed check or diverged training, 2 bad input.",
                "Reference: docs/runner-reference.md"})
public class RunnerCommand implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces of errors")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: train, evaluate, plugins or gradcheck");
    }
}
