package dev.chainrule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chainrule.api.support.DiagonalJacobian;
import org.junit.jupiter.api.Test;

/** The checker must catch the notes' slips, not only pass correct code. */
class JacobianCheckerTest {
    private static double[] sigmoid(double[] z) {
        double[] y = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            y[i] = 1 / (1 + Math.exp(-z[i]));
        }
        return y;
    }

    @Test
    void catchesSlipOneOfTheNotes() {
        double[] z = {0.0, 1.5, -2.0};
        double[] s = sigmoid(z);
        double[] right = new double[3];
        double[] slip = new double[3];
        for (int i = 0; i < 3; i++) {
            right[i] = s[i] * (1 - s[i]);
            slip[i] = 1 - s[i];
        }
        JacobianChecker c = new JacobianChecker();
        assertTrue(c.check("σ(1−σ)", new DiagonalJacobian(right, "σ(1−σ)"), JacobianCheckerTest::sigmoid, z).passed());
        CheckResult bad = c.check("slip 1 of the notes", new DiagonalJacobian(slip, "1−σ"), JacobianCheckerTest::sigmoid, z);
        assertFalse(bad.passed());
        assertEquals(0, bad.row(), bad.describe());
        assertEquals(0, bad.column());
        assertEquals(0.5, bad.analytic(), 1e-12);
        assertEquals(0.25, bad.numeric(), 1e-9);
        assertTrue(bad.describe().startsWith("FAIL slip 1 of the notes: worst entry (0, 0)"), bad.describe());
    }

    @Test
    void tinyEntriesAreJudgedByTheAbsoluteFloor() {
        double[] z = {30.0};
        double d = Math.exp(-30) / Math.pow(1 + Math.exp(-30), 2);
        CheckResult r = new JacobianChecker().check("saturated σ'", new DiagonalJacobian(new double[] {d}, "σ(1−σ)"),
                JacobianCheckerTest::sigmoid, z);
        assertTrue(r.passed(), r::describe);
        CheckResult wrong = new JacobianChecker().check("σ' off by 1e-3",
                new DiagonalJacobian(new double[] {1e-3}, "wrong"), JacobianCheckerTest::sigmoid, z);
        assertFalse(wrong.passed());
    }
}
