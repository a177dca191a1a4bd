package dev.chainrule.runner.cli;

import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.interop.OnnxExporter;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.run.ModelLoader;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a trained model in another framework's format: ONNX, standard operators at opset 17, "
                + "IR version 8 (docs/interop.md). The graph takes the network's input as chainrule reads data "
                + "(pixels divided by 255): scaling is the caller's job.")
public class ExportCommand implements Callable<Integer> {
    static final List<String> FORMATS = List.of("onnx");

    @Parameters(paramLabel = "RUN_DIR_OR_MODEL", description = "a run folder or its model.json")
    Path model;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "onnx")
    String format;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "float32",
            description = "float32 (default; what every ONNX runtime runs) or float64 (chainrule's own precision; "
                    + "ONNX Runtime has no float64 Conv, so convnets need float32)")
    String dtype;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write (default: model.onnx beside model.json)")
    Path out;

    @Mixin
    TrustOption trust;

    private final ModelLoader models;
    private final OnnxExporter exporter;
    private final Terminal terminal;

    @Inject
    public ExportCommand(ModelLoader models, OnnxExporter exporter, Terminal terminal) {
        this.models = models;
        this.exporter = exporter;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (!FORMATS.contains(format)) {
            throw new BadInputException("--format " + format + ": not an export format; the one there is: onnx");
        }
        if (!OnnxExporter.DTYPES.contains(dtype)) {
            throw new BadInputException("--dtype " + dtype + ": not a dtype of the ONNX export; use one of "
                    + OnnxExporter.DTYPES);
        }
        Path target = out != null ? out
                : (Files.isDirectory(model) ? model : model.toAbsolutePath().getParent()).resolve("model.onnx");
        if (target.getFileName() != null && target.getFileName().toString().equals(ModelFiles.MODEL_JSON)) {
            throw new BadInputException("--out " + target + ": would overwrite the model's own model.json");
        }
        ModelFiles.Loaded m = models.load(model, trust.trusted);
        OnnxExporter.Exported e = exporter.export(m.network(), m.config(), dtype);
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new BadInputException("--out " + target + ": no such folder " + parent);
            }
            AtomicFiles.write(target, e.bytes());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        terminal.out().printf(Locale.ROOT, "%s: wrote %s (ONNX opset %d, IR version %d, %s, %d nodes, %d bytes): "
                + "input [N, %s] (the network's input: pixels/255), output [N, %d]%n", m.config().name(), target,
                OnnxExporter.opset(), OnnxExporter.irVersion(), dtype, e.nodes(), e.bytes().length,
                String.join(", ", Arrays.stream(m.network().inputShape().dims()).mapToObj(String::valueOf).toList()),
                m.network().outputSize());
        terminal.out().flush();
        return 0;
    }
}
