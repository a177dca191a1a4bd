package dev.chainrule.runner.cli;

import dev.chainrule.engine.base.CheckFailedException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import dev.chainrule.engine.run.Gradcheck;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runner gradcheck CONFIG}: the engine's {@link Gradcheck} of the config's network; exit 1 on failure. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check every Jacobian of the configured network and its whole gradient against finite "
                + "differences, each layer's backward against its Jacobians and, when plain SGD would train through "
                + "it, each layer's fused step (InPlaceUpdate) against backward then the step; prints the worst "
                + "error per layer and names layer index, type and parameter in every failure, exits 1 on failure.")
public class GradcheckCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONFIG", description = "the run config whose network to check")
    Path config;

    @Option(names = "--samples", paramLabel = "K", defaultValue = "3", description = "random inputs (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--columns", paramLabel = "C", defaultValue = "40",
            description = "parameter coordinates checked per parameter (default ${DEFAULT-VALUE})")
    int columns;

    @Option(names = "--seed", paramLabel = "S", description = "seed for the weights and inputs (default: the config's)")
    Long seed;

    @Mixin
    DataOption dataOption;

    private final ConfigPipeline configs;
    private final Gradcheck gradcheck;

    @Inject
    public GradcheckCommand(ConfigPipeline configs, Gradcheck gradcheck) {
        this.configs = configs;
        this.gradcheck = gradcheck;
    }

    @Override
    public Integer call() {
        if (samples < 1 || samples > 100 || columns < 1) {
            throw new dev.chainrule.engine.base.BadInputException("--samples must be 1..100 and --columns at least 1");
        }
        RunConfig c = configs.read(config, config.toString());
        if (seed != null) {
            c = c.withSeed(seed);
        }
        if (dataOption.dir() != null) {
            c = c.withDataDir(dataOption.dir());
        }
        if (!gradcheck.check(c, samples, columns)) {
            throw new CheckFailedException(c.name() + ": gradcheck failed; see the FAIL lines above");
        }
        return 0;
    }
}
