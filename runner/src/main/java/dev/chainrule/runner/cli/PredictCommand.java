package dev.chainrule.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.run.ModelLoader;
import dev.chainrule.engine.report.Probabilities;
import dev.chainrule.engine.report.WrongGrid;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import dev.chainrule.engine.predict.Predictions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Name the digit in each picture (PNG, JPEG, GIF or BMP, up to 10 megapixels) with a trained model.",
                "Each picture is prepared as MNIST was: grayscale, dark-on-light inverted, cropped to the digit, "
                        + "scaled into a 20×20 box and centred by mass in 28×28."},
        footer = {"", "Prints the three most likely classes with their probabilities for each picture.",
                "Exit codes: 0 ok, 2 bad input (model, unreadable picture, no digit found)."})
public class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a run folder or its model.json")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "pictures of single digits")
    List<Path> images;

    @Option(names = "--json", description = "one JSON document on standard output instead of lines")
    boolean json;


    @Mixin
    TrustOption trust;

    private final ModelLoader models;
    private final ObjectMapper mapper;
    private final Terminal terminal;

    @Inject
    public PredictCommand(ModelLoader models, ObjectMapper mapper, Terminal terminal) {
        this.models = models;
        this.mapper = mapper;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        ModelFiles.Loaded m = models.load(model, trust.trusted);
        Network network = m.network();
        int side = WrongGrid.side(network.inputSize());
        if (side == 0) {
            throw new BadInputException(model + ": predict needs a model whose input is a square image (784 = 28×28), "
                    + "this one takes " + network.inputSize() + " features");
        }
        List<Predictions.Prediction> out = new ArrayList<>();
        for (Path image : images) {
            double[] x = Predictions.load(image, side);
            Tensor p = Probabilities.of(network, Tensor.row(x));
            out.add(Predictions.top(image.toString(), p.rowCopy(0)));
        }
        if (json) {
            List<Object> docs = new ArrayList<>();
            for (Predictions.Prediction p : out) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("file", p.file());
                d.put("predicted", p.classes()[0]);
                List<Object> top = new ArrayList<>();
                for (int k = 0; k < p.classes().length; k++) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("class", p.classes()[k]);
                    t.put("probability", p.probabilities()[k]);
                    top.add(t);
                }
                d.put("top", top);
                docs.add(d);
            }
            try {
                terminal.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(docs));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            for (Predictions.Prediction p : out) {
                StringBuilder sb = new StringBuilder(p.file()).append(": ");
                for (int k = 0; k < p.classes().length; k++) {
                    sb.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d (%.1f%%)", p.classes()[k],
                            100 * p.probabilities()[k]));
                }
                terminal.out().println(sb);
            }
        }
        terminal.out().flush();
        return 0;
    }
}
