package dev.chainrule.runner.cli;

import dev.chainrule.api.Shape;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.interop.WeightImport;
import dev.chainrule.engine.pipeline.ConfigPipeline;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "import-weights", mixinStandardHelpOptions = true,
        description = "Build a config's network, fill its parameters (and batch-norm statistics) from a .safetensors "
                + "or .npz file with the names PyTorch or NumPy gave them, and write an ordinary model folder "
                + "(evaluate, predict, serve). Every shape and dtype is checked (docs/interop.md).")
public class ImportWeightsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "the config whose network the weights are for")
    Path config;

    @Parameters(index = "1", paramLabel = "WEIGHTS", description = "a .safetensors or .npz file (F64 or F32 tensors)")
    Path weights;

    @Option(names = "--names", paramLabel = "MAP.json",
            description = "{\"layers.0.W\": \"fc1.weight\", ..., \"ignore\": [...]}: each network tensor's name in the "
                    + "file (default: the file's tensors in the file's order)")
    Path names;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "the model folder to write (new or empty)")
    Path out;

    @Option(names = "--input-shape", paramLabel = "C,H,W",
            description = "one sample's shape, such as 1,28,28 for a convnet on MNIST (default: network.input as a vector)")
    String inputShape;

    private final ConfigPipeline pipeline;
    private final WeightImport importer;
    private final Terminal terminal;

    @Inject
    public ImportWeightsCommand(ConfigPipeline pipeline, WeightImport importer, Terminal terminal) {
        this.pipeline = pipeline;
        this.importer = importer;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        Shape shape = inputShape == null ? null : parseShape(inputShape);
        RunConfig c = pipeline.read(config, config.toString());
        if (shape == null) {
            if (c.input() <= 0) {
                throw new BadInputException(config + ": network.input is not set; give --input-shape (such as 1,28,28)");
            }
            shape = Shape.of(c.input());
        }
        c = c.resolveInput(shape.size());
        WeightImport.Result r = importer.run(c, shape, weights, weights.toString(), names,
                names == null ? null : names.toString(), out, out.toString());
        terminal.out().printf(Locale.ROOT, "%s: imported %d tensors from %s into %s%n", c.name(), r.sources().size(),
                weights, out);
        r.sources().forEach((k, v) -> terminal.out().printf(Locale.ROOT, "  %s <- %s%n", k, v));
        terminal.out().flush();
        return 0;
    }

    private static Shape parseShape(String s) {
        String[] parts = s.split("[,x×]");
        int[] dims = new int[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Integer.parseInt(parts[i].strip());
            }
            return Shape.of(dims);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--input-shape " + s + ": give positive sizes separated by commas, such as 1,28,28");
        }
    }
}
