package dev.chainrule.runner.cli;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.io.Text;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.run.ModelLoader;
import dev.chainrule.engine.train.Evaluation;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Load a trained model and print its test accuracy (the figure training printed).")
public class EvaluateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR_OR_MODEL", description = "a run folder or its model.json")
    Path model;

    @Mixin
    DataOption dataOption;


    @Mixin
    TrustOption trust;

    private final ModelLoader models;
    private final Terminal terminal;

    @Inject
    public EvaluateCommand(ModelLoader models, Terminal terminal) {
        this.models = models;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Path data = dataOption.dir();
        ModelFiles.Loaded m = models.load(model, trust.trusted);
        Evaluation e = models.evaluate(m, data, model.toString());
        terminal.out().printf(Locale.ROOT, "%s: %s on %d test samples (test loss %s)%n", m.config().name(),
                e.headline(), e.samples(), Text.number(e.meanLoss(), 4));
        terminal.out().flush();
        return 0;
    }
}
