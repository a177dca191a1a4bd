package dev.chainrule.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chainrule.api.OptionException;
import dev.chainrule.api.OptionSpec;
import dev.chainrule.api.Options;
import dev.chainrule.api.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void pixelsAreBitwiseByteOver255AndFillRowsFollowsTheOrder() {
        byte[] px = new byte[3 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 23);
        }
        Table t = new Table("img", Shape.image(1, 2, 2), Features.pixels(px, 4),
                Targets.classes(new int[] {0, 1, 0}, List.of("0", "1")), null, null);
        double[] out = new double[8];
        t.fillRows(new int[] {2, 0, 1}, 1, 2, out);
        for (int j = 0; j < 4; j++) {
            assertEquals(Double.doubleToRawLongBits((px[j] & 0xff) / 255.0), Double.doubleToRawLongBits(out[j]));
            assertEquals((px[4 + j] & 0xff) / 255.0, out[4 + j]);
        }
        assertEquals((px[9] & 0xff) / 255.0, t.value(2, 1));
        assertEquals("f3", t.featureNames().get(3));
        assertEquals("img row 2", t.where(2));
        assertEquals(1, t.targetCount());
    }

    @Test
    void float32AndFloat64RowsAndRegressionTargets() {
        Table f = new Table("f", Shape.of(2), Features.float32(new float[] {0.1f, 2, 3, 4}, 2),
                Targets.regression(new double[] {1, 2, 3, 4}, List.of("a", "b")), List.of("x", "y"), r -> "r" + r);
        double[] out = new double[2];
        f.fillRows(null, 1, 1, out);
        assertArrayEquals(new double[] {3, 4}, out);
        assertEquals((double) 0.1f, f.value(0, 0));
        assertEquals(4.0, f.target(1, 1));
        assertThrows(IllegalStateException.class, () -> f.label(0));
        Features over = Features.float64(new double[] {1, 2, 3, 4, 0, 0}, 2, 2);
        assertEquals(2, over.rows());
        assertThrows(IllegalArgumentException.class, () -> Features.float64(new double[3], 2, 2));
    }

    @Test
    void aTestTableMustShareTheClassList() {
        Table a = new Table("a", Shape.of(1), Features.float64(new double[] {1}, 1),
                Targets.classes(new int[] {0}, List.of("x", "y")), null, null);
        Table b = new Table("b", Shape.of(1), Features.float64(new double[] {1}, 1),
                Targets.classes(new int[] {0}, List.of("y", "x")), null, null);
        assertThrows(IllegalArgumentException.class, () -> new DataSet(a, b, null));
        assertEquals("a", new DataSet(a, null, null).description());
    }

    @Test
    void baseValidatesOptionsBeforeLoading() {
        OptionSpec flag = OptionSpec.bool("flag", "a flag").withDefault(false);
        DataSourceProvider p = new DataSourceProvider.Base("tiny", "one row", c -> new DataSet(new Table(c.type(),
                Shape.of(1), Features.float64(new double[] {flag.boolValue(c.options()) ? 1 : 0}, 1),
                Targets.classes(new int[] {0}, List.of("only")), null, null), null, null), flag) {
        };
        assertEquals("tiny", p.load(DataContext.of(Options.of("flag", true), null)).train().name());
        assertThrows(OptionException.class, () -> p.load(DataContext.of(Options.of("flag", 3), null)));
        assertThrows(OptionException.class, () -> p.load(DataContext.of(Options.of("other", 3), null)));
        assertEquals("data-source", p.kind().id());
    }
}
