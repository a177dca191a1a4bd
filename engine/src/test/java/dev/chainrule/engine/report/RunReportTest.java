package dev.chainrule.engine.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chainrule.engine.network.Network;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.train.InMemorySamples;
import dev.chainrule.engine.config.ConfigReader;
import dev.chainrule.engine.config.NetworkFactory;
import dev.chainrule.engine.config.RunConfig;
import dev.chainrule.engine.registry.ProviderRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    Path tmp;

    static Network untrainedBlobNetwork() {
        ProviderRegistry reg = ProviderRegistry.builtIn();
        RunConfig c = new ConfigReader(reg).parse("""
                {"name": "blobs", "seed": 3, "network": {"input": 4, "layers": [
                  {"type": "dense", "units": 3}, {"type": "softmax"}]}}""", "blobs.json", "blobs", null);
        return new NetworkFactory(reg).build(c, 3);
    }

    @Test
    void picturesAreReadableNonBlankAndTheReportEmbedsThem() throws Exception {
        Network net = untrainedBlobNetwork();
        InMemorySamples test = InMemorySamples.blobs(60, 5);
        TestScan scan = TestScan.of(net, test, 16, RunReport.WRONG_SHOWN);
        List<EpochPoint> points = List.of(new EpochPoint(1, 1.1, 0.4, 1.0, 0.5, Double.NaN, 0.1),
                new EpochPoint(2, 0.8, 0.6, 0.7, 0.7, Double.NaN, 0.05));
        RunReport.write(tmp, java.util.Map.of("name", "blobs<&>"), points, scan, 4, List.of("a note"), new ObjectMapper());

        Pngs.assertPicture(tmp.resolve(RunReport.LOSS_PNG), 400, 300);
        Pngs.assertPicture(tmp.resolve(RunReport.ACCURACY_PNG), 400, 300);
        Pngs.assertPicture(tmp.resolve(RunReport.CONFUSION_PNG), 400, 300);
        BufferedImage grid = Pngs.assertPicture(tmp.resolve(RunReport.WRONG_PNG), 100, 100);
        int wrong = scan.samples() - (int) Math.round(scan.accuracy() * scan.samples());
        assertTrue(wrong > 0, "an untrained network gets some blobs wrong");
        int shown = Math.min(wrong, RunReport.WRONG_SHOWN);
        int cols = Math.min(WrongGrid.COLUMNS, shown);
        assertEquals(cols * WrongGrid.CELL, grid.getWidth(), "one cell per wrong image");

        String html = Files.readString(tmp.resolve(RunReport.REPORT_HTML));
        assertEquals(4, html.split("data:image/png;base64,", -1).length - 1, "four embedded pictures");
        assertTrue(html.contains("blobs&lt;&amp;&gt;"), "name escaped");
        assertTrue(html.contains("a note"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
                "readable offline: no remote resources, no scripts");
    }

    @Test
    void mostWrongAreTheMisclassifiedOnesWithTheLowestTrueProbability() {
        Network net = untrainedBlobNetwork();
        InMemorySamples test = InMemorySamples.blobs(60, 5);
        TestScan scan = TestScan.of(net, test, 7, 5);
        int total = 0;
        for (int[] row : scan.confusion()) {
            for (int v : row) {
                total += v;
            }
        }
        assertEquals(60, total);
        double prev = -1;
        for (dev.chainrule.engine.train.Evaluation.Wrong w : scan.mostWrong()) {
            assertTrue(w.trueProbability() >= prev, "sorted by true-class probability");
            prev = w.trueProbability();
            Tensor p = Probabilities.of(net, Tensor.row(test.x()[w.index()]));
            assertEquals(p.get(0, w.trueLabel()), w.trueProbability(), 1e-12);
            assertTrue(w.predicted() != w.trueLabel());
        }
    }
}
