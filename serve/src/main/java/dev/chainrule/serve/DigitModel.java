package dev.chainrule.serve;

import dev.chainrule.api.Jacobian;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.engine.explain.Explainer;
import dev.chainrule.engine.predict.MnistPreprocessor;
import dev.chainrule.engine.predict.Predictions;
import dev.chainrule.engine.report.Probabilities;
import dev.chainrule.engine.report.WrongGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model the drawing panel asks: a picture goes through {@code predict}'s preprocessing, then the
 * network gives the top classes, the saliency map {@code D_x h_c(x)} of the most probable class and each
 * stage's Jacobian at that input, described as {@code explain} prints it.
 *
 * <p>Stages keep their base points between calls, so one model answers one request at a time.
 */
public final class DigitModel {
    /** A Jacobian with at most this many entries is sent densely for its heat map. */
    static final int DENSE_ENTRIES_MAX = 16_384;

    private final Network network;
    private final int side;
    private final String name;

    public DigitModel(String name, Network network) {
        this.name = name;
        this.network = network;
        this.side = WrongGrid.side(network.inputSize());
    }

    public String name() {
        return name;
    }

    /** The side of the square input picture, 0 when the model does not take one. */
    public int side() {
        return side;
    }

    public Network network() {
        return network;
    }

    /** One stage's Jacobian {@code D_x f_i} at the drawn input. */
    public record StageView(int index, String type, int inputSize, int outputSize, String shape, String structure,
            String kind, String text, float[][] dense) {
    }

    /** One class and its probability. */
    public record Top(int label, double probability) {
    }

    /**
     * What the page shows for a drawing: the preprocessed input {@code x} ({@code side × side}, row-major),
     * the top classes, and {@code D_x h_c(x)} for the first of them.
     */
    public record Analysis(String model, int side, float[] input, List<Top> top, int predicted, float[] saliency,
            List<StageView> stages) {
    }

    /** Thrown when the picture cannot be analysed (no ink, a model without a square input). */
    public static final class NotADigitException extends RuntimeException {
        NotADigitException(String msg) {
            super(msg);
        }
    }

    public synchronized Analysis analyse(BufferedImage picture) {
        if (side == 0) {
            throw new NotADigitException("this model takes " + network.inputSize()
                    + " features, not a square picture; drawing needs e.g. 784 = 28×28");
        }
        double[] x;
        try {
            x = MnistPreprocessor.preprocess(picture, side).pixels();
        } catch (MnistPreprocessor.NoDigitException e) {
            throw new NotADigitException(e.getMessage());
        }
        return analyse(x);
    }

    /** The analysis of an already preprocessed input. */
    public synchronized Analysis analyse(double[] x) {
        double[] p = Probabilities.of(network, Tensor.row(x.clone())).rowCopy(0);
        Predictions.Prediction pred = Predictions.top("drawing", p);
        List<Top> top = new ArrayList<>();
        for (int k = 0; k < pred.classes().length; k++) {
            top.add(new Top(pred.classes()[k], pred.probabilities()[k]));
        }
        int c = pred.classes()[0];
        // forward once: the Jacobians below and the VJP pass share these base points
        network.predict(Tensor.row(x.clone()));
        List<StageView> stages = new ArrayList<>();
        List<Stage> all = network.stages();
        for (int i = 0; i < all.size(); i++) {
            Stage s = all.get(i);
            Jacobian j = s.jacobian(0);
            float[][] dense = null;
            if (!(j instanceof IdentityJacobian) && (long) j.rows() * j.cols() <= DENSE_ENTRIES_MAX) {
                double[][] d = j.toDense();
                dense = new float[d.length][];
                for (int r = 0; r < d.length; r++) {
                    dense[r] = floats(d[r]);
                }
            }
            stages.add(new StageView(i, s.type(), s.inputSize(), s.outputSize(), j.shape(), j.structure(),
                    j.getClass().getSimpleName(), Explainer.describe(j), dense));
        }
        double[] sal = Saliency.backFrom(network, c);
        return new Analysis(name, side, floats(x), top, c, floats(sal), stages);
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
