package dev.chainrule.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.base.Terminal;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.predict.ModelInputs;
import dev.chainrule.engine.predict.Predictions;
import dev.chainrule.engine.report.Probabilities;
import dev.chainrule.engine.run.ModelLoader;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict with a trained model: each picture (PNG, JPEG, GIF or BMP) for an image model, each row of "
                + "a CSV file (.csv, .csv.gz) for a table model.",
                "Pictures are prepared as the model's training images were: for the MNIST models grayscale, "
                        + "dark-on-light inverted, cropped to the digit, scaled into a 20×20 box and centred by mass in "
                        + "28×28; for image-folder models decoded, resized and scaled like the folder. CSV columns are "
                        + "matched by name and scaled as in training."},
        footer = {"", "Prints the three most likely classes (by name when the data named them) with their "
                + "probabilities, or a regression's values, for each picture or row; a bad file is named on standard "
                + "error and the others are still answered.",
                "Exit codes: 0 ok, 2 bad input (model, or any unreadable picture or table)."})
public class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "a run folder or its model.json")
    Path model;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INPUT", description = "pictures, or CSV files of rows")
    List<Path> inputs;

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

    /** One answer: where it came from and the model's output (probabilities, or a regression's values). */
    private record Answer(String where, double[] output) {
    }

    @Override
    public Integer call() {
        ModelFiles.Loaded m = models.load(model, trust.trusted);
        Network network = m.network();
        RunConfig.Fitted fitted = m.config().data().fitted();
        ModelInputs prepare = new ModelInputs(network.inputShape(), fitted);
        boolean regression = fitted != null && fitted.regression();
        List<Answer> answers = new ArrayList<>();
        BadInputException firstBad = null;
        int bad = 0;
        for (Path input : inputs) {
            try {
                List<String> where = new ArrayList<>();
                List<double[]> rows;
                if (ModelInputs.isTable(input)) {
                    rows = prepare.table(input, where);
                } else {
                    rows = List.of(prepare.image(input));
                    where.add(input.toString());
                }
                for (int i = 0; i < rows.size(); i++) {
                    Tensor x = Tensor.row(rows.get(i));
                    double[] out = regression ? network.predict(x).rowCopy(0) : Probabilities.of(network, x).rowCopy(0);
                    if (regression) {
                        for (int k = 0; k < out.length; k++) {
                            out[k] = fitted.unscaleTarget(k, out[k]);
                        }
                    }
                    answers.add(new Answer(where.get(i), out));
                }
            } catch (BadInputException e) {
                // every good file is still answered; each bad one is named (one alone is the command's one line)
                if (inputs.size() > 1) {
                    terminal.err().println(e.getMessage());
                    terminal.err().flush();
                }
                firstBad = firstBad == null ? e : firstBad;
                bad++;
            }
        }
        List<String> classes = fitted == null ? null : fitted.classes();
        if (json) {
            printJson(answers, regression, classes, fitted);
        } else {
            for (Answer a : answers) {
                terminal.out().println(a.where() + ": " + (regression ? values(a.output(), fitted)
                        : ranked(Predictions.top(a.where(), a.output()), classes)));
            }
        }
        terminal.out().flush();
        if (firstBad != null) {
            throw inputs.size() == 1 ? firstBad : new BadInputException("predict: " + bad + " of " + inputs.size()
                    + " inputs refused (named above); the others are answered", firstBad);
        }
        return 0;
    }

    private static String name(List<String> classes, int k) {
        return classes == null || k >= classes.size() ? String.valueOf(k) : classes.get(k);
    }

    private static String ranked(Predictions.Prediction p, List<String> classes) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < p.classes().length; k++) {
            sb.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s (%.1f%%)", name(classes, p.classes()[k]),
                    100 * p.probabilities()[k]));
        }
        return sb.toString();
    }

    private static String values(double[] v, RunConfig.Fitted fitted) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < v.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(fitted.targets().get(k)).append(" = ")
                    .append(String.format(Locale.ROOT, "%.6g", v[k]));
        }
        return sb.toString();
    }

    private void printJson(List<Answer> answers, boolean regression, List<String> classes, RunConfig.Fitted fitted) {
        List<Object> docs = new ArrayList<>();
        for (Answer a : answers) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("file", a.where());
            if (regression) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (int k = 0; k < a.output().length; k++) {
                    values.put(fitted.targets().get(k), a.output()[k]);
                }
                d.put("values", values);
            } else {
                Predictions.Prediction p = Predictions.top(a.where(), a.output());
                d.put("predicted", p.classes()[0]);
                if (classes != null) {
                    d.put("name", name(classes, p.classes()[0]));
                }
                List<Object> top = new ArrayList<>();
                for (int k = 0; k < p.classes().length; k++) {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("class", p.classes()[k]);
                    if (classes != null) {
                        t.put("name", name(classes, p.classes()[k]));
                    }
                    t.put("probability", p.probabilities()[k]);
                    top.add(t);
                }
                d.put("top", top);
            }
            docs.add(d);
        }
        try {
            terminal.out().println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(docs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
