package dev.chainrule.engine.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.io.AtomicFiles;
import dev.chainrule.engine.output.ReportSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.chainrule.api.Shape;

/**
 * The pictures of a run folder, redrawn after every epoch: {@value #LOSS_PNG}, {@value #ACCURACY_PNG},
 * {@value #CONFUSION_PNG}, {@value #WRONG_PNG}, and {@value #REPORT_HTML}, one self-contained page (the
 * PNGs embedded as data URIs, no scripts, no network) with the config and the figures. Each file is
 * written atomically, so a viewer never sees half a picture.
 */
public final class RunReport {
    public static final String LOSS_PNG = "loss.png";
    public static final String ACCURACY_PNG = "accuracy.png";
    public static final String CONFUSION_PNG = "confusion.png";
    public static final String WRONG_PNG = "most-wrong.png";
    public static final String REPORT_HTML = "report.html";
    public static final List<String> PNGS = List.of(LOSS_PNG, ACCURACY_PNG, CONFUSION_PNG, WRONG_PNG);
    /** How many misclassified test images the grid shows. */
    public static final int WRONG_SHOWN = dev.chainrule.engine.train.Evaluator.MOST_WRONG_KEPT;

    private RunReport() {
    }

    /**
     * Writes the four PNGs and report.html into {@code dir}.
     *
     * @param config   the resolved config as JSON-shaped map (shown verbatim)
     * @param points   the epochs so far
     * @param scan     the test scan of the current weights (confusion, most wrong)
     * @param features the feature count of a sample (784 draws 28×28 images)
     * @param notes    lines shown under the figures (early stopping, resume), may be empty
     */
    /** {@link #write} as the run folder's writer takes it. */
    public static ReportSink sink(Map<String, Object> config, List<EpochPoint> points, TestScan scan, Shape shape,
            List<String> notes) {
        return (dir, mapper) -> write(dir, config, points, scan, shape, notes, mapper);
    }

    /** {@link #write(Path, Map, List, TestScan, Shape, List, ObjectMapper)} for square one-channel images or vectors. */
    public static void write(Path dir, Map<String, Object> config, List<EpochPoint> points, TestScan scan, int features,
            List<String> notes, ObjectMapper mapper) {
        int side = WrongGrid.side(features);
        write(dir, config, points, scan, side > 0 ? Shape.image(1, side, side) : Shape.of(features), notes, mapper);
    }

    public static void write(Path dir, Map<String, Object> config, List<EpochPoint> points, TestScan scan, Shape shape,
            List<String> notes, ObjectMapper mapper) {
        List<String> names = classNames(config);
        boolean regression = isRegression(config);
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        pngs.put(LOSS_PNG, Charts.loss(points));
        // a regression has no classes: its score chart is R², with no confusion matrix or most-wrong grid
        pngs.put(ACCURACY_PNG, regression ? Charts.r2(points) : Charts.accuracy(points));
        if (!regression) {
            pngs.put(CONFUSION_PNG, Charts.confusion(scan.confusion(), names));
            pngs.put(WRONG_PNG, WrongGrid.png(scan.mostWrong(), shape, names));
        }
        try {
            for (Map.Entry<String, byte[]> e : pngs.entrySet()) {
                AtomicFiles.write(dir.resolve(e.getKey()), e.getValue());
            }
            AtomicFiles.write(dir.resolve(REPORT_HTML),
                    html(config, points, scan, notes, pngs, mapper).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The class names a run recorded ({@code data.fitted.classes}), or null (the classes are their numbers). */
    @SuppressWarnings("unchecked")
    public static List<String> classNames(Map<String, Object> config) {
        if (config.get("data") instanceof Map<?, ?> d && d.get("fitted") instanceof Map<?, ?> f
                && f.get("classes") instanceof List<?> c) {
            return (List<String>) c;
        }
        return null;
    }

    /** Whether the run is a regression: its record names targets instead of classes. */
    public static boolean isRegression(Map<String, Object> config) {
        return config.get("data") instanceof Map<?, ?> d && d.get("fitted") instanceof Map<?, ?> f
                && f.get("targets") != null;
    }

    static String html(Map<String, Object> config, List<EpochPoint> points, TestScan scan, List<String> notes,
            Map<String, byte[]> pngs, ObjectMapper mapper) {
        String name = String.valueOf(config.get("name"));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(name)).append(" \u2014 chainrule run report</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}\n")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
                .append("pre{background:#f6f6f6;padding:1em;overflow:auto}img{max-width:100%;border:1px solid #eee}\n")
                .append("</style></head><body>\n");
        h.append("<h1>").append(esc(name)).append("</h1>\n");
        EpochPoint last = points.isEmpty() ? null : points.get(points.size() - 1);
        boolean regression = !pngs.containsKey(CONFUSION_PNG);
        h.append("<p><b>").append(regression ? "Regression" : "Test accuracy " + pct(scan.accuracy())).append("</b> on ")
                .append(scan.samples()).append(" test samples");
        if (last != null) {
            h.append(String.format(Locale.ROOT, " after %d epoch%s (test loss %s)", last.epoch(),
                    last.epoch() == 1 ? "" : "s", num(last.testLoss(), "%.4f")));
        }
        h.append(".</p>\n");
        for (String n : notes) {
            h.append("<p>").append(esc(n)).append("</p>\n");
        }
        h.append("<h2>Curves</h2>\n");
        img(h, pngs, LOSS_PNG, "loss per epoch");
        img(h, pngs, ACCURACY_PNG, regression ? "test R² per epoch" : "accuracy per epoch");
        h.append("<h2>Epochs</h2>\n<table><tr><th>epoch</th><th>learning rate</th><th>train loss</th>"
                + "<th>train accuracy</th><th>validation loss</th><th>test loss</th><th>" + (regression ? "test R²" : "test accuracy")
                + "</th></tr>\n");
        for (EpochPoint p : points) {
            h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                    + "<td>%s</td><td>%s</td></tr>%n", p.epoch(), num(p.learningRate(), "%.6g"),
                    num(p.trainLoss(), "%.4f"), Double.isFinite(p.trainAccuracy()) ? pct(p.trainAccuracy()) : "\u2013",
                    num(p.validationLoss(), "%.4f"), num(p.testLoss(), "%.4f"),
                    regression ? num(p.testAccuracy(), "%.4f") : pct(p.testAccuracy())));
        }
        h.append("</table>\n");
        if (!regression) {
            h.append("<h2>Confusion matrix</h2>\n");
            img(h, pngs, CONFUSION_PNG, "confusion matrix");
            h.append("<h2>Most wrong test images</h2>\n<p>Misclassified test images with the lowest probability on "
                    + "their true class; caption: true \u2192 predicted, the probability of the prediction, the test index.</p>\n");
            img(h, pngs, WRONG_PNG, "most wrong test images");
        }
        h.append("<h2>Config</h2>\n<pre>");
        try {
            h.append(esc(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(config)));
        } catch (JsonProcessingException e) {
            h.append(esc(String.valueOf(config)));
        }
        h.append("</pre>\n</body></html>\n");
        return h.toString();
    }

    private static void img(StringBuilder h, Map<String, byte[]> pngs, String file, String alt) {
        h.append("<p><img alt=\"").append(alt).append("\" title=\"").append(file)
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(pngs.get(file)))
                .append("\"></p>\n");
    }

    private static String num(double v, String fmt) {
        if (Double.isFinite(v) && Math.abs(v) >= 1e6 && fmt.endsWith("f")) {
            fmt = fmt.substring(0, fmt.length() - 1) + "e";
        }
        return Double.isFinite(v) ? String.format(Locale.ROOT, fmt, v) : "\u2013";
    }

    private static String pct(double a) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * a);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
