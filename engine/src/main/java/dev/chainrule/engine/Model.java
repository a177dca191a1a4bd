package dev.chainrule.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.output.ModelFiles;
import dev.chainrule.engine.predict.Predictions;
import dev.chainrule.engine.report.Probabilities;
import dev.chainrule.engine.predict.ModelInputs;
import dev.chainrule.engine.run.ModelLoader;
import dev.chainrule.engine.train.Evaluation;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained network with the config it was trained from: what {@link Chainrule#load} reads from a run folder
 * and {@link Chainrule#train} returns. Predictions run in inference mode (dropout off, batch norm on its running
 * statistics), exactly as {@code runner predict} and {@code runner evaluate} compute them. Not thread-safe: the
 * network reuses its buffers from one call to the next.
 */
public final class Model {
    private final ModelFiles.Loaded loaded;
    private final ModelLoader loader;
    private final ObjectMapper mapper;

    Model(ModelFiles.Loaded loaded, ModelLoader loader, ObjectMapper mapper) {
        this.loaded = loaded;
        this.loader = loader;
        this.mapper = mapper;
    }

    /** The config the model was trained from (its name, data, network, training). */
    public RunConfig config() {
        return loaded.config();
    }

    /** The network, for direct use of its stages and Jacobians. */
    public Network network() {
        return loaded.network();
    }

    /** The shape of one input row (channel-major {@code C×H×W} for images). */
    public Shape inputShape() {
        return loaded.network().stages().isEmpty() ? Shape.of(loaded.network().inputSize())
                : loaded.network().inputShape();
    }

    /** How many classes the model tells apart (the length of {@link #probabilities}). */
    public int classes() {
        return loaded.network().outputSize();
    }

    /** The class names the data gave (a CSV's labels, the image folders), or null when the classes are numbers. */
    public List<String> classNames() {
        RunConfig.Fitted f = loaded.config().data().fitted();
        return f == null ? null : f.classes();
    }

    /** The feature names of a table model's input row, in order ({@code col=value} for one-hot categories). */
    public List<String> featureNames() {
        RunConfig.Fitted f = loaded.config().data().fitted();
        return f == null ? List.of() : f.features();
    }

    /** Whether the model predicts real values (a regression) rather than classes. */
    public boolean isRegression() {
        RunConfig.Fitted f = loaded.config().data().fitted();
        return f != null && f.regression();
    }

    /**
     * The class probabilities of one input row of {@code inputShape().size()} values, in the data's own units
     * (pixels in [0, 1], a table's raw values): the scaling recorded at training is applied here.
     */
    public double[] probabilities(double[] row) {
        return probabilities(new double[][] {row})[0];
    }

    /** The class probabilities of each row, one batch. */
    public double[][] probabilities(double[][] rows) {
        if (isRegression()) {
            throw new IllegalStateException("a regression model predicts values: call values(row)");
        }
        return Probabilities.of(loaded.network(), batch(rows)).toArray();
    }

    /** A regression's predictions of one row, in the targets' own units (the recorded target scaling undone). */
    public double[] values(double[] row) {
        RunConfig.Fitted f = loaded.config().data().fitted();
        if (f == null || !f.regression()) {
            throw new IllegalStateException("a classifier predicts classes: call probabilities(row) or predict(row)");
        }
        double[] out = loaded.network().predict(batch(new double[][] {row})).rowCopy(0);
        for (int k = 0; k < out.length; k++) {
            out[k] = f.unscaleTarget(k, out[k]);
        }
        return out;
    }

    private Tensor batch(double[][] rows) {
        int n = loaded.network().inputSize();
        ModelInputs inputs = new ModelInputs(inputShape(), loaded.config().data().fitted());
        Tensor x = new Tensor(rows.length, n);
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != n) {
                throw new BadInputException("row " + r + ": " + rows[r].length + " values, but the model takes " + n
                        + " (" + inputShape() + ")");
            }
            System.arraycopy(inputs.row(rows[r]), 0, x.data(), r * n, n);
        }
        return x;
    }

    /** The most probable class of one input row (ties go to the lower class). */
    public int predict(double[] row) {
        return Predictions.top("row", probabilities(row)).classes()[0];
    }

    /**
     * The three most probable classes of a picture (PNG, JPEG, GIF or BMP) prepared like the model's training
     * images, as {@code runner predict} does: an MNIST model's digit preparation, an image-folder model's decode,
     * resize and scaling; a model that does not take pictures refuses it naming its input.
     */
    public Predictions.Prediction predictImage(Path image) {
        double[] x = new ModelInputs(inputShape(), loaded.config().data().fitted()).image(image);
        // the picture is prepared and scaled already: straight into the network
        return Predictions.top(image.toString(), Probabilities.of(loaded.network(), Tensor.row(x)).rowCopy(0));
    }

    /** The test figures on the data the model was trained on, as {@code runner evaluate} prints them. */
    public Evaluation evaluate() {
        return loader.evaluate(loaded, null, loaded.config().name());
    }

    /** The test figures on another folder of IDX files with the same features and classes. */
    public Evaluation evaluate(Path idxFolder) {
        return loader.evaluate(loaded, idxFolder, loaded.config().name());
    }

    /**
     * Writes model.json and weights.bin into {@code folder} (made if missing), each atomically, in the format
     * {@code runner evaluate}, {@code predict} and {@link Chainrule#load} read (docs/formats.md).
     */
    public void save(Path folder) {
        try {
            java.nio.file.Files.createDirectories(folder);
            ModelFiles.write(folder, loaded.network(), loaded.config(), loaded.numClasses(), mapper);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
