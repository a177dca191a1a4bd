package dev.chainrule.datasources;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.Options;
import dev.chainrule.api.data.DataContext;
import dev.chainrule.api.data.DataException;
import dev.chainrule.api.data.DataSet;
import dev.chainrule.api.data.Table;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
        return p;
    }

    private DataSet load(Object... kv) {
        return new CsvProvider().load(new DataContext("", Options.of(kv), dir, 1L, progress::add, null));
    }

    private String error(Object... kv) {
        return assertThrows(DataException.class, () -> load(kv)).getMessage();
    }

    private static double[] row(Table t, int r) {
        double[] out = new double[t.featureCount()];
        t.fillRows(new int[] {r}, 0, 1, out);
        return out;
    }

    private static final String IRIS = "sepal,petal,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n6.3,6.0,virginica\n"
            + "4.9,1.4,setosa\n";

    @Test
    void classificationKeepsNamesSortedAndRowsInOrder() throws IOException {
        write("iris.csv", IRIS);
        DataSet d = load("path", "iris.csv", "label", "species");
        Table t = d.train();
        assertNull(d.test());
        assertEquals(List.of("setosa", "versicolor", "virginica"), t.classNames());
        assertEquals(List.of("sepal", "petal"), t.featureNames());
        assertEquals(4, t.size());
        assertEquals(2, t.label(2));
        assertArrayEquals(new double[] {6.3, 6.0}, row(t, 2));
        assertEquals("iris.csv line 4", t.where(2));
        assertTrue(d.description().contains("4 rows × 2 features, 3 classes"), d.description());
    }

    @Test
    void quotesBomCrlfBlankLinesAndGzip() throws IOException {
        String text = "\uFEFFa,\"b, quoted\",name\r\n\r\n1,\"2\",\"x\"\"y\"\r\n3,4,\"line\nbreak\"\r\n\n5,6,x\"\"y\r\n";
        // the last name is not quoted, so its "" stays two quotes: a third class
        write("q.csv", text);
        Table t = load("path", "q.csv", "label", "name").train();
        assertEquals(List.of("b, quoted"), t.featureNames().subList(1, 2));
        assertEquals(3, t.size());
        assertEquals(List.of("line\nbreak", "x\"\"y", "x\"y"), t.classNames());
        assertEquals("x\"y", t.classNames().get(t.label(0)));
        assertEquals("q.csv line 3", t.where(0));
        assertEquals("q.csv line 4", t.where(1));
        assertEquals("q.csv line 7", t.where(2));
        assertArrayEquals(new double[] {3, 4}, row(t, 1));
        Path gz = dir.resolve("q.csv.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
        Table g = load("path", "q.csv.gz", "label", "name").train();
        assertEquals(t.classNames(), g.classNames());
        assertArrayEquals(row(t, 2), row(g, 2));
    }

    @Test
    void numericLabelsSortNumerically() throws IOException {
        write("n.csv", "x,y\n1,10\n2,9\n3,2\n4,10\n");
        Table t = load("path", "n.csv", "label", "y").train();
        assertEquals(List.of("2", "9", "10"), t.classNames());
        assertEquals(2, t.label(0));
    }

    @Test
    void noHeaderLabelByIndexAndTabs() throws IOException {
        write("t.tsv", "1\t2\ta\n3\t4\tb\n");
        Table t = load("path", "t.tsv", "header", false, "delimiter", "\t", "label", 2).train();
        assertEquals(List.of("col0", "col1"), t.featureNames());
        assertEquals(List.of("a", "b"), t.classNames());
        assertEquals("t.tsv line 2", t.where(1));
    }

    @Test
    void categoricalDeclaredAndDetected() throws IOException {
        write("c.csv", "color,size,shape,y\nred,1,round,a\nblue,2,square,b\nred,3,round,a\ngreen,4,round,b\n");
        Table t = load("path", "c.csv", "label", "y", "categorical", List.of("color")).train();
        assertEquals(List.of("color=blue", "color=green", "color=red", "size", "shape=round", "shape=square"),
                t.featureNames());
        assertArrayEquals(new double[] {0, 0, 1, 1, 1, 0}, row(t, 0));
        assertArrayEquals(new double[] {0, 1, 0, 4, 1, 0}, row(t, 3));
        assertEquals(1, progress.stream().filter(s -> s.contains("'shape' (2 categories)")).count(), progress.toString());
    }

    @Test
    void regressionTargetsAndColumns() throws IOException {
        write("r.csv", "a,b,c,t1,t2\n1,2,3,0.5,1.5\n4,5,6,2.5,3.5\n");
        Table t = load("path", "r.csv", "target", List.of("t1", "t2"), "columns", List.of("a", "c")).train();
        assertEquals(List.of("a", "c"), t.featureNames());
        assertEquals(List.of("t1", "t2"), t.targetNames());
        assertEquals(2, t.targetCount());
        assertEquals(3.5, t.target(1, 1));
        assertArrayEquals(new double[] {4, 6}, row(t, 1));
        Table one = load("path", "r.csv", "target", "t2").train();
        assertEquals(List.of("a", "b", "c", "t1"), one.featureNames());
    }

    @Test
    void missingCellsFilledByMeanOrZero() throws IOException {
        write("m.csv", "a,b,y\n1,,x\n3,4,y\n5,8,x\n");
        assertEquals("m.csv line 2: empty cell in column 'b'; set missing to mean or zero to fill empty cells",
                error("path", "m.csv", "label", "y"));
        assertArrayEquals(new double[] {1, 6}, row(load("path", "m.csv", "label", "y", "missing", "mean").train(), 0));
        assertArrayEquals(new double[] {1, 0}, row(load("path", "m.csv", "label", "y", "missing", "zero").train(), 0));
    }

    @Test
    void testFileUsesTheTrainingClasses() throws IOException {
        write("iris.csv", IRIS);
        write("test.csv", "sepal,petal,species\n5.0,1.0,virginica\n6.0,2.0,setosa\n");
        DataSet d = load("path", "iris.csv", "test", "test.csv", "label", "species");
        assertEquals(d.train().classNames(), d.test().classNames());
        assertEquals(2, d.test().label(0));
        assertEquals(0, d.test().label(1));
        write("bad.csv", "sepal,petal,species\n5.0,1.0,virginica\n6.0,2.0,setosaa\n");
        assertEquals("bad.csv line 3: label 'setosaa' in column 'species' is not a class of the training file; classes:"
                + " setosa, versicolor, virginica", error("path", "iris.csv", "test", "bad.csv", "label", "species"));
    }

    @Test
    void errorsAreOneLineNamingFileLineAndValue() throws IOException {
        write("iris.csv", "a,b,c,d,species\n1,2,3,4,x\n" + "1,2,3,4,x\n".repeat(14) + "1,2,3,x\n");
        assertEquals("iris.csv line 17: 4 fields, expected 5 (header has 5)", error("path", "iris.csv", "label", "species"));
        write("nn.csv", "a,b,y\n1,2,x\n1,2,x\n1,2,x\n1,oops,x\n");
        assertEquals("nn.csv line 5: column 'b': 'oops' is not a number (3 cells of this column are; declare it in "
                + "categorical if it is a category)", error("path", "nn.csv", "label", "y"));
        write("iris2.csv", IRIS);
        assertEquals("iris2.csv: no column 'kind' for label; columns: sepal, petal, species",
                error("path", "iris2.csv", "label", "kind"));
        write("empty.csv", "");
        assertEquals("empty.csv: empty file (no header and no rows)", error("path", "empty.csv", "label", "y"));
        write("head.csv", "a,b,y\n\n");
        assertEquals("head.csv: a header (a, b, y) but no rows", error("path", "head.csv", "label", "y"));
        write("uq.csv", "a,b,y\n1,2,x\n1,\"2,x\n1,2,x\n");
        assertEquals("uq.csv line 3: unterminated quote: the field in column 'b' never closes",
                error("path", "uq.csv", "label", "y"));
        write("el.csv", "a,y\n1,x\n2,\n");
        assertEquals("el.csv line 3: empty cell in column 'y' (a label cannot be missing)", error("path", "el.csv", "label", "y"));
        assertEquals("nope.csv: no such file (" + dir.resolve("nope.csv").toAbsolutePath() + ")",
                error("path", "nope.csv", "label", "y"));
        OptionException o = assertThrows(OptionException.class, () -> load("path", "iris2.csv"));
        assertEquals("label", o.key());
        assertThrows(OptionException.class, () -> load("path", "iris2.csv", "label", "species", "bogus", 1));
    }

    @Test
    void twoThreadsGiveWhatOneGives() throws IOException {
        StringBuilder sb = new StringBuilder("a,b,\"c\",y\n");
        Random r = new Random(3);
        for (int i = 0; i < 60_000; i++) {
            sb.append(String.format(Locale.ROOT, "%.6f,%d,\"%s\",%d%s", r.nextGaussian(), r.nextInt(1000),
                    i % 7 == 0 ? "q\nq" : "v" + (i % 5), i % 3, i % 2 == 0 ? "\n" : "\r\n"));
        }
        String text = sb.toString();
        assertTrue(text.length() > CsvSource.PARALLEL_BYTES);
        write("big.csv", text);
        Table t = load("path", "big.csv", "label", "y", "categorical", List.of("c")).train();
        assertEquals(60_000, t.size());
        // the same rows one at a time, through a small file each would be slow: compare against a re-parse of lines
        String[] recs = text.split("\r?\n(?=[-0-9])");
        int line = 2;
        for (int i = 0; i < 60_000; i++) {
            String[] f = recs[i + 1].split(",");
            assertEquals(Double.parseDouble(f[0]), t.value(i, 0));
            assertEquals(Double.parseDouble(f[1]), t.value(i, 1));
            assertEquals(Integer.parseInt(f[f.length - 1].trim()), t.label(i));
            assertEquals("big.csv line " + line, t.where(i));
            line += recs[i + 1].contains("q\nq") ? 2 : 1;
        }
    }

    @Test
    void cellsParseExactlyAsParseDouble() throws IOException {
        Random r = new Random(11);
        List<String> values = new ArrayList<>();
        StringBuilder sb = new StringBuilder("v,y\n");
        for (int i = 0; i < 40_000; i++) {
            String s = switch (i % 8) {
                case 0 -> Double.toString(r.nextDouble() * 2 - 1);
                case 1 -> Double.toString(Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL));
                case 2 -> String.format(Locale.ROOT, "%." + (1 + r.nextInt(18)) + "f", r.nextGaussian() * 100);
                case 3 -> Long.toString(r.nextLong() % 1_000_000_000_000_000_000L);
                case 4 -> "0.000" + Math.abs(r.nextLong() % 100_000_000_000_000L);
                case 5 -> (r.nextBoolean() ? "-" : "") + Math.abs(r.nextInt()) + "." + Math.abs(r.nextLong());
                case 6 -> String.format(Locale.ROOT, "%.17e", r.nextDouble() * Math.pow(10, r.nextInt(600) - 300));
                default -> Integer.toString(r.nextInt(1000)) + ".";
            };
            if (!Double.isFinite(Double.parseDouble(s))) {
                continue;
            }
            values.add(s);
            sb.append(s).append(",a\n");
        }
        write("v.csv", sb.toString());
        Table t = load("path", "v.csv", "label", "y").train();
        for (int i = 0; i < values.size(); i++) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(values.get(i))),
                    Double.doubleToRawLongBits(t.value(i, 0)), values.get(i));
        }
    }

    @Test
    void fastDoubleIsExactlyParseDouble() {
        Random r = new Random(42);
        for (int i = 0; i < 400_000; i++) {
            String s;
            switch (i % 6) {
                case 0 -> s = Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
                case 1 -> s = String.format(Locale.ROOT, "%." + r.nextInt(12) + "f", r.nextGaussian() * 1000);
                case 2 -> s = Long.toString(r.nextLong() >> r.nextInt(64));
                case 3 -> s = String.format(Locale.ROOT, "%." + r.nextInt(17) + "e", r.nextGaussian() * 1e5);
                case 4 -> s = (r.nextBoolean() ? "-" : "+") + r.nextInt(100000) + "." + r.nextInt(100000) + "E"
                        + (r.nextInt(700) - 350);
                default -> s = Double.toString(Double.longBitsToDouble(r.nextLong()));
            }
            double expect;
            try {
                expect = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                continue;
            }
            if (!Double.isFinite(expect)) {
                continue;
            }
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(Double.doubleToRawLongBits(expect), Double.doubleToRawLongBits(FastDouble.parse(b, 0, b.length)), s);
        }
        for (String s : new String[] {"", "-", ".", "e5", "1e", "NaN", "Infinity", "1d", "0x10", "1.2.3", "1e999", "abc",
            " 1"}) {
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(Double.isNaN(FastDouble.parse(b, 0, b.length)), s);
        }
        byte[] z = "-0.0".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(FastDouble.parse(z, 0, 4)));
        byte[] d = ".5".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(0.5, FastDouble.parse(d, 0, 2));
    }
}
