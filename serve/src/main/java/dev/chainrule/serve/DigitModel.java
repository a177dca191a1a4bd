package dev.chainrule.serve;

import dev.chainrule.api.Jacobian;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.api.support.IdentityJacobian;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.explain.Explainer;
import dev.chainrule.engine.network.Network;
import dev.chainrule.engine.predict.MnistPreprocessor;
import dev.chainrule.engine.predict.ModelInputs;
import dev.chainrule.engine.predict.Predictions;
import dev.chainrule.engine.report.Probabilities;
import dev.chainrule.engine.report.WrongGrid;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model the page asks. What it takes decides its {@link Kind}: an IDX model with a square input
 * (MNIST) takes drawn digits through {@code predict}'s digit preparation; a model trained on an image folder
 * takes pictures prepared by {@link ModelInputs} (decode, resize to its C×H×W, /255, its scaling); a table
 * model takes rows by feature name, through {@link ModelInputs} too. Each answer names classes as the data
 * named them (or gives a regression's values in the targets' units); a single input also gets the saliency
 * map {@code D_x h_c(x)} of the most probable class (of the first target) and each stage's Jacobian there,
 * described as {@code explain} prints it.
 *
 * <p>Stages keep their base points between calls, so one model answers one request at a time.
 */
public final class DigitModel {
    /** A Jacobian with at most this many entries is sent densely for its heat map. */
    static final int DENSE_ENTRIES_MAX = 16_384;

    /** What a model takes: drawn digits (MNIST), pictures (image folder), table rows, or nothing the page can give. */
    public enum Kind {
        DIGIT, IMAGE, TABLE, NONE;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Network network;
    private final int side;
    private final String name;
    private final RunConfig.Fitted fitted;
    private final ModelInputs inputs;
    private final Kind kind;

    public DigitModel(String name, Network network) {
        this(name, network, null);
    }

    /** @param fitted what training recorded of its data ({@code data.fitted}), null for IDX/MNIST models */
    public DigitModel(String name, Network network, RunConfig.Fitted fitted) {
        this.name = name;
        this.network = network;
        this.fitted = fitted;
        this.inputs = new ModelInputs(network.inputShape(), fitted);
        this.side = fitted == null ? WrongGrid.side(network.inputSize()) : 0;
        this.kind = fitted == null ? (side > 0 ? Kind.DIGIT : Kind.NONE)
                : inputs.takesImages() ? Kind.IMAGE : inputs.takesRows() ? Kind.TABLE : Kind.NONE;
    }

    public String name() {
        return name;
    }

    /** The side of the square digit picture, 0 when the model does not take MNIST digits. */
    public int side() {
        return side;
    }

    public Kind kind() {
        return kind;
    }

    public Network network() {
        return network;
    }

    public ModelInputs inputs() {
        return inputs;
    }

    public boolean regression() {
        return fitted != null && fitted.regression();
    }

    /** One stage's Jacobian {@code D_x f_i} at the input. */
    public record StageView(int index, String type, int inputSize, int outputSize, String shape, String structure,
            String kind, String text, float[][] dense, float[] diagonal, Downsampled downsampled) {
    }

    /**
     * A Jacobian too large to send whole, for its heat map: cell (i, j) is the entry of largest magnitude (with
     * its sign) among rows {@code i·rowStep ..} and columns {@code j·colStep ..}, so a thin structure (a diagonal,
     * a band, one row of weights) stays visible however far it is shrunk.
     */
    public record Downsampled(int rowStep, int colStep, float[][] cells) {
    }

    /** Cells of a downsampled heat map, at most this many rows and columns. */
    static final int CELL_ROWS = 160;
    static final int CELL_COLS = 320;
    /** Jacobians up to this many entries are made dense at once for downsampling; larger ones row by row. */
    static final long DOWNSAMPLE_DENSE_MAX = 1L << 21;
    /** Beyond this many entries (or rows, row by row), no heat map: its shape and formula are still shown. */
    static final long DOWNSAMPLE_ENTRIES_MAX = 1L << 24;
    static final int DOWNSAMPLE_ROWS_MAX = 8192;

    /** One class, its name and its probability. */
    public record Top(int label, String name, double probability) {
        public Top(int label, double probability) {
            this(label, String.valueOf(label), probability);
        }
    }

    /** One regression target's prediction, in the target's own units. */
    public record Value(String name, double value) {
    }

    /** A table column of the form: numeric ({@code values} null) or categorical with its known values. */
    public record Input(String name, List<String> values) {
    }

    /**
     * What the page needs to ask the model: its kind, class or target names, the picture's channels, height
     * and width (pictures), the form's inputs and the network's feature names (tables), and a message when the page cannot ask it.
     */
    public record Info(String model, String kind, boolean regression, List<String> classes, List<String> targets,
            int channels, int height, int width, List<Input> inputs, List<String> features, String message) {
    }

    /**
     * What the page shows for one input: the input {@code x} (pictures: {@code channels × height × width} in
     * [0, 1], before any recorded scaling; digits: the 28×28 the network sees; tables: the scaled row), the top
     * classes with names (or a regression's {@code values}), and {@code D_x h_c(x)} for the first of them.
     */
    public record Analysis(String model, String kind, int side, int channels, int height, int width, float[] input,
            List<Top> top, int predicted, String predictedName, List<Value> values, float[] saliency,
            List<StageView> stages) {
    }

    /** One row of a table: where it came from, and its answer. */
    public record RowAnswer(String where, Integer predicted, String name, List<Top> top, List<Value> values) {
    }

    /** Thrown when the picture cannot be analysed (no ink, a model that takes no picture). */
    public static final class NotADigitException extends RuntimeException {
        NotADigitException(String msg) {
            super(msg);
        }
    }

    public Info info() {
        Shape s = network.inputShape();
        int c = 0;
        int h = 0;
        int w = 0;
        if (kind == Kind.DIGIT) {
            c = 1;
            h = side;
            w = side;
        } else if (kind == Kind.IMAGE) {
            c = s.dim(0);
            h = s.dim(1);
            w = s.dim(2);
        }
        List<Input> form = new ArrayList<>();
        if (kind == Kind.TABLE) {
            for (String col : inputs.columns()) {
                form.add(new Input(col, inputs.categories(col)));
            }
        }
        String message = switch (kind) {
            case DIGIT -> null;
            case IMAGE -> null;
            case TABLE -> null;
            case NONE -> "this model takes " + s + " inputs without names, neither a square digit nor table "
                    + "columns; it cannot be asked from the page (runner predict)";
        };
        List<String> classes = fitted != null ? fitted.classes() : regression() ? null : digitClasses();
        return new Info(name, kind.id(), regression(), classes, fitted == null ? null : fitted.targets(), c, h, w,
                form, kind == Kind.TABLE ? fitted.features() : null, message);
    }

    private List<String> digitClasses() {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < network.outputSize(); k++) {
            names.add(String.valueOf(k));
        }
        return names;
    }

    private String className(int k) {
        List<String> classes = fitted == null ? null : fitted.classes();
        return classes == null || k >= classes.size() ? String.valueOf(k) : classes.get(k);
    }

    /** A drawn digit (MNIST models): {@code predict}'s digit preparation, then {@link #analyse(double[])}. */
    public synchronized Analysis analyse(BufferedImage picture) {
        if (kind != Kind.DIGIT) {
            throw new NotADigitException(kind == Kind.IMAGE ? "this model's pictures are prepared by ModelInputs, not "
                    + "as digits" : "this model takes " + network.inputSize()
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

    /** The analysis of an already prepared input (the model's own scaling applied). */
    public synchronized Analysis analyse(double[] x) {
        double[] out = output(x);
        List<Top> top = new ArrayList<>();
        List<Value> values = null;
        int c = 0;
        String predictedName = null;
        int predicted = -1;
        if (regression()) {
            values = values(out);
        } else {
            top = top(out);
            c = top.get(0).label();
            predicted = c;
            predictedName = top.get(0).name();
        }
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
            float[] diagonal = j instanceof dev.chainrule.api.support.DiagonalJacobian d
                    ? floats(d.diagonal()) : null;
            Downsampled small = dense == null && diagonal == null && !(j instanceof IdentityJacobian)
                    ? downsample(j) : null;
            stages.add(new StageView(i, s.type(), s.inputSize(), s.outputSize(), j.shape(), j.structure(),
                    j.getClass().getSimpleName(), Explainer.describe(j), dense, diagonal, small));
        }
        double[] sal = Saliency.backFrom(network, c);
        Info info = info();
        return new Analysis(name, kind.id(), side, info.channels(), info.height(), info.width(), floats(shown(x)), top,
                predicted, predictedName, values, floats(sal), stages);
    }

    /** Rows of a table, each answered as {@code runner predict} answers it. */
    public synchronized List<RowAnswer> answer(List<double[]> rows, List<String> where) {
        List<RowAnswer> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            double[] o = output(rows.get(i));
            if (regression()) {
                out.add(new RowAnswer(where.get(i), null, null, null, values(o)));
            } else {
                List<Top> top = top(o);
                out.add(new RowAnswer(where.get(i), top.get(0).label(), top.get(0).name(), top, null));
            }
        }
        return out;
    }

    /** Probabilities for a classifier, values in the targets' units for a regression (as predict computes them). */
    private double[] output(double[] x) {
        Tensor t = Tensor.row(x.clone());
        if (!regression()) {
            return Probabilities.of(network, t).rowCopy(0);
        }
        double[] v = network.predict(t).rowCopy(0);
        for (int k = 0; k < v.length; k++) {
            v[k] = fitted.unscaleTarget(k, v[k]);
        }
        return v;
    }

    private List<Top> top(double[] p) {
        Predictions.Prediction pred = Predictions.top("input", p);
        List<Top> top = new ArrayList<>();
        for (int k = 0; k < pred.classes().length; k++) {
            top.add(new Top(pred.classes()[k], className(pred.classes()[k]), pred.probabilities()[k]));
        }
        return top;
    }

    private List<Value> values(double[] v) {
        List<Value> out = new ArrayList<>();
        for (int k = 0; k < v.length; k++) {
            String n = fitted.targets() != null && k < fitted.targets().size() ? fitted.targets().get(k) : "t" + k;
            out.add(new Value(n, v[k]));
        }
        return out;
    }

    /** A picture's input as pixels in [0, 1] (its scaling undone); anything else as the network sees it. */
    private double[] shown(double[] x) {
        if (kind != Kind.IMAGE || fitted == null || fitted.offset().length != x.length) {
            return x;
        }
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = x[i] * fitted.divisor()[i] + fitted.offset()[i];
        }
        return p;
    }

    /** The heat map of a large Jacobian, shrunk by largest magnitude per cell; null when too large to compute. */
    public static Downsampled downsample(Jacobian j) {
        int m = j.rows();
        int n = j.cols();
        long entries = (long) m * n;
        if (entries == 0 || entries > DOWNSAMPLE_ENTRIES_MAX || entries > DOWNSAMPLE_DENSE_MAX && m > DOWNSAMPLE_ROWS_MAX) {
            return null;
        }
        int rs = (m + CELL_ROWS - 1) / CELL_ROWS;
        int cs = (n + CELL_COLS - 1) / CELL_COLS;
        float[][] cells = new float[(m + rs - 1) / rs][(n + cs - 1) / cs];
        double[][] dense = entries <= DOWNSAMPLE_DENSE_MAX ? j.toDense() : null;
        double[] e = dense == null ? new double[m] : null;
        double[] row = dense == null ? new double[n] : null;
        for (int r = 0; r < m; r++) {
            double[] d;
            if (dense != null) {
                d = dense[r];
            } else {
                e[r] = 1;
                j.vjp(e, 0, row, 0); // row r of D: e_r · D
                e[r] = 0;
                d = row;
            }
            float[] cell = cells[r / rs];
            for (int c = 0; c < n; c++) {
                float v = (float) d[c];
                if (Math.abs(v) > Math.abs(cell[c / cs])) {
                    cell[c / cs] = v;
                }
            }
        }
        return new Downsampled(rs, cs, cells);
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
