package dev.chainrule.datasources;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.DataSourceProvider;
import dev.chainrule.api.data.Features;
import dev.chainrule.api.data.Table;
import dev.chainrule.api.data.Targets;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code npy}: NumPy arrays, from {@code .npy} files or members of a {@code .npz} ({@code data.npz:x_train}).
 *
 * <p>Options: {@code features} (required), {@code labels} (integer class indices, classification) or
 * {@code targets} (values, regression), {@code test-features} with {@code test-labels} or
 * {@code test-targets} (optional), {@code classNames} (a list; default {@code "0"}..{@code "k−1"} for the
 * largest label k−1), {@code targetNames}, {@code scale} (the divisor of the features: {@code value =
 * stored / scale}; default {@code auto}: 255 for {@code u1} arrays, which are then kept as bytes like MNIST's
 * pixels, 1 otherwise).
 *
 * <p>The sample shape comes from the features' array: {@code (n, C, H, W)} is a {@code C×H×W} image,
 * {@code (n, H, W)} a one-channel image, {@code (n, F)} a vector of F, {@code (n,)} a vector of 1. Storage:
 * {@code u1} (and {@code b1}) as bytes, {@code f4} as float32 when the scale is 1, all else as float64. Labels
 * are an integer array of shape {@code (n,)} or {@code (n, 1)}; targets {@code (n,)} or {@code (n, T)}.
 */
@Plugin("npy")
public final class NpyProvider extends DataSourceProvider.Base {
    public NpyProvider() {
        super("NumPy .npy/.npz arrays: features with integer labels or real targets, optionally a test pair",
                NpyProvider::read,
                new OptionSpec("features", "file.npy or file.npz:name", null, "the features, one row per sample"),
                new OptionSpec("labels", "file.npy or file.npz:name", "none", "integer class per row (classification)"),
                new OptionSpec("targets", "file.npy or file.npz:name", "none", "values per row (regression)"),
                new OptionSpec("test-features", "file.npy or file.npz:name", "none", "test features (else the engine splits)"),
                new OptionSpec("test-labels", "file.npy or file.npz:name", "none", "test labels"),
                new OptionSpec("test-targets", "file.npy or file.npz:name", "none", "test targets"),
                new OptionSpec("classNames", "list of strings", "\"0\"..\"k-1\"", "the classes' names, index = label"),
                new OptionSpec("targetNames", "list of strings", "t0, t1, ...", "the targets' names"),
                new OptionSpec("scale", "positive number or auto", "auto",
                        "features are stored / scale; auto: 255 for u1 arrays, else 1"));
    }

    static DataSet read(DataContext ctx) {
        Options o = ctx.options();
        String features = Opts.required(o, "features", "the features array (file.npy or file.npz:name)");
        String labels = Opts.string(o, "labels");
        String targets = Opts.string(o, "targets");
        if ((labels == null) == (targets == null)) {
            throw new OptionException(labels == null ? "labels" : "targets", labels == null
                    ? "give labels (classification) or targets (regression)" : "give labels or targets, not both");
        }
        String testFeatures = Opts.string(o, "test-features");
        String testY = Opts.string(o, labels != null ? "test-labels" : "test-targets");
        String otherTest = Opts.string(o, labels != null ? "test-targets" : "test-labels");
        if (otherTest != null) {
            throw new OptionException(labels != null ? "test-targets" : "test-labels", labels != null
                    ? "the training data has labels: give test-labels" : "the training data has targets: give test-targets");
        }
        if ((testFeatures == null) != (testY == null)) {
            throw new OptionException(testFeatures == null ? "test-features" : labels != null ? "test-labels"
                    : "test-targets", "give test-features together with test-" + (labels != null ? "labels" : "targets"));
        }
        Object scaleOpt = o.asMap().get("scale");
        double scale = Double.NaN;
        if (scaleOpt != null && !"auto".equals(scaleOpt)) {
            if (!(scaleOpt instanceof Number n) || !(n.doubleValue() > 0) || !Double.isFinite(n.doubleValue())) {
                throw new OptionException("scale", "must be a positive number or 'auto', got " + Options.show(scaleOpt));
            }
            scale = ((Number) scaleOpt).doubleValue();
        }
        List<String> classNames = Opts.strings(o, "classNames");
        List<String> targetNames = Opts.strings(o, "targetNames");

        Npy x = Npy.read(ctx.resolve(features), features);
        Npy y = Npy.read(ctx.resolve(labels != null ? labels : targets), labels != null ? labels : targets);
        Npy tx = testFeatures == null ? null : Npy.read(ctx.resolve(testFeatures), testFeatures);
        Npy ty = testY == null ? null : Npy.read(ctx.resolve(testY), testY);
        if (labels != null) {
            long max = Math.max(maxLabel(y, x), ty == null ? -1 : maxLabel(ty, tx));
            if (classNames == null) {
                classNames = new ArrayList<>();
                for (int i = 0; i <= max; i++) {
                    classNames.add(Integer.toString(i));
                }
            } else if (max >= classNames.size()) {
                Npy where = maxLabel(y, x) == max ? y : ty;
                int at = firstAtLeast(where, classNames.size());
                throw new DataException(where.shown + ": label " + where.getLong(at) + " at row " + at + " (byte "
                        + where.offsetOf(at) + " of the data) is not below the " + classNames.size() + " classNames");
            }
        }
        Table train = table(x, y, scale, classNames, targetNames);
        Table test = tx == null ? null : table(tx, ty, scale, classNames, targetNames);
        if (test != null && !test.shape().equals(train.shape())) {
            throw new DataException(tx.shown + ": samples of shape " + test.shape() + " " + tx.shapeText()
                    + ", the training features' are " + train.shape() + " " + x.shapeText());
        }
        ctx.progress().accept("npy " + x.shown + ": " + train.size() + " rows of " + train.shape() + " (" + x.type
                + ")" + (test == null ? "" : "; test " + test.size() + " rows"));
        String what = train.isClassification() ? classNames.size() + " classes"
                : train.targetCount() + (train.targetCount() == 1 ? " target" : " targets");
        return new DataSet(train, test, "npy " + x.shown + ": " + train.size() + " rows × " + train.shape() + ", " + what
                + (test == null ? "" : "; test " + tx.shown + ": " + test.size() + " rows"));
    }

    private static long maxLabel(Npy y, Npy x) {
        if (!y.isInteger()) {
            throw new DataException(y.shown + ": header 'descr': " + y.type + " labels; labels are class indices of an"
                    + " integer type (u1, u2, u4, u8, i1, i2, i4, i8, b1); for real values use targets");
        }
        checkRows(y, x, "labels");
        if (y.shape.length > 2 || (y.shape.length == 2 && y.shape[1] != 1)) {
            throw new DataException(y.shown + ": header 'shape': labels of shape " + y.shapeText()
                    + "; expected (n,) or (n, 1)");
        }
        long max = -1;
        for (int i = 0; i < y.rows(); i++) {
            long v = y.getLong(i);
            if (v < 0 || (y.type.equals("u8") && v < 0)) {
                throw new DataException(y.shown + ": label " + v + " at row " + i + " (byte " + y.offsetOf(i)
                        + " of the data) is negative; labels are class indices 0..k-1");
            }
            max = Math.max(max, v);
        }
        if (max > 65535) {
            int at = firstAtLeast(y, 65536);
            throw new DataException(y.shown + ": label " + y.getLong(at) + " at row " + at + " (byte " + y.offsetOf(at)
                    + " of the data): more than 65536 classes");
        }
        return max;
    }

    private static int firstAtLeast(Npy y, long k) {
        for (int i = 0; i < y.rows(); i++) {
            if (y.getLong(i) >= k) {
                return i;
            }
        }
        return 0;
    }

    private static void checkRows(Npy y, Npy x, String what) {
        if (y.rows() != x.rows()) {
            throw new DataException(y.shown + ": header 'shape': " + y.rows() + " " + what + " " + y.shapeText() + " for "
                    + x.rows() + " rows of " + x.shown + " " + x.shapeText());
        }
    }

    private static Table table(Npy x, Npy y, double scaleOpt, List<String> classNames, List<String> targetNames) {
        int n = x.rows();
        if (n == 0) {
            throw new DataException(x.shown + ": header 'shape': " + x.shapeText() + " has no rows");
        }
        int[] s = Arrays.copyOfRange(x.shape, 1, x.shape.length);
        Shape shape = s.length == 0 ? Shape.of(1) : s.length == 2 ? Shape.image(1, s[0], s[1])
                : s.length == 3 ? Shape.image(s[0], s[1], s[2]) : Shape.of(s);
        int width = shape.size();
        double scale = Double.isNaN(scaleOpt) ? (x.type.equals("u1") ? 255.0 : 1.0) : scaleOpt;
        Features f;
        int count = (int) x.count();
        if (x.type.equals("u1") || x.type.equals("b1")) {
            byte[] bytes = new byte[count];
            x.data.get(0, bytes);
            if (x.type.equals("b1")) {
                for (int i = 0; i < count; i++) {
                    bytes[i] = (byte) (bytes[i] != 0 ? 1 : 0);
                }
            }
            f = Features.uint8(bytes, width, scale);
        } else if (x.type.equals("f4") && scale == 1.0) {
            float[] v = new float[count];
            x.data.asFloatBuffer().get(v);
            f = Features.float32(v, width);
        } else {
            double[] v = new double[count];
            if (x.type.equals("f8") && x.data.order() == ByteOrder.nativeOrder() && scale == 1.0) {
                x.data.asDoubleBuffer().get(v);
            } else {
                for (int i = 0; i < count; i++) {
                    v[i] = scale == 1.0 ? x.get(i) : x.get(i) / scale;
                }
            }
            f = Features.float64(v, width);
        }
        for (int i = 0; i < count && f.storage() != Features.Storage.UINT8; i++) {
            double v = f.value(i / width, i % width);
            if (!Double.isFinite(v)) {
                throw new DataException(x.shown + ": value " + v + " at row " + (i / width) + " (byte " + x.offsetOf(i)
                        + " of the data) is not finite");
            }
        }
        Targets t;
        if (classNames != null) {
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (int) y.getLong(i);
            }
            t = Targets.classes(labels, classNames);
        } else {
            checkRows(y, x, "targets");
            if (y.shape.length > 2) {
                throw new DataException(y.shown + ": header 'shape': targets of shape " + y.shapeText()
                        + "; expected (n,) or (n, T)");
            }
            int k = y.shape.length == 1 ? 1 : y.shape[1];
            double[] v = new double[n * k];
            for (int i = 0; i < v.length; i++) {
                v[i] = y.get(i);
                if (!Double.isFinite(v[i])) {
                    throw new DataException(y.shown + ": target " + v[i] + " at row " + (i / k) + " (byte "
                            + y.offsetOf(i) + " of the data) is not finite");
                }
            }
            List<String> names = targetNames;
            if (names == null) {
                names = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    names.add("t" + i);
                }
            } else if (names.size() != k) {
                throw new OptionException("targetNames", names.size() + " names for " + k + " targets in " + y.shown);
            }
            t = Targets.regression(v, names);
        }
        String shown = x.shown;
        return new Table(shown, shape, f, t, null, row -> shown + " row " + row);
    }
}
