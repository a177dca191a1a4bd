package dev.chainrule.engine.plugins;

/** Java sources of small deliberately good or broken plugins, compiled by {@link PluginJarBuilder}. */
public final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * An activation provider {@code pkg.P} of type {@code type} making {@code x·σ(x)} with its Jacobian
     * scaled by {@code factor} (1 is right, 2 is the deliberate slip); {@code ctor} runs in the provider's
     * constructor and {@code create} at the start of create().
     */
    public static String activation(String pkg, String type, double factor, String ctor, String create) {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.support.DiagonalJacobian;

                public final class P implements ActivationProvider {
                    public P() { %4$s }
                    public String type() { return "%2$s"; }
                    public String description() { return "x·σ(x) with D scaled by %3$s"; }
                    public Activation create(BuildContext c) {
                        %5$s
                        c.options().requireKnown(options());
                        int n = c.inputSize();
                        return new Activation() {
                            double[] x;
                            int b;
                            public String type() { return "%2$s"; }
                            public int inputSize() { return n; }
                            double s(double z) { return 1 / (1 + Math.exp(-z)); }
                            double d(double z) { return %3$s * (s(z) + z * s(z) * (1 - s(z))); }
                            public Tensor forward(Tensor in, dev.chainrule.api.ForwardContext ctx) {
                                x = in.data().clone();
                                b = in.rows();
                                Tensor y = new Tensor(b, n);
                                for (int i = 0; i < x.length; i++) y.data()[i] = x[i] * s(x[i]);
                                return y;
                            }
                            public Jacobian jacobian(int row) {
                                double[] d = new double[n];
                                for (int i = 0; i < n; i++) d[i] = d(x[row * n + i]);
                                return new DiagonalJacobian(d, "test");
                            }
                            public Tensor backward(Tensor g, boolean propagate) {
                                Tensor out = new Tensor(b, n);
                                for (int i = 0; i < x.length; i++) out.data()[i] = g.data()[i] * d(x[i]);
                                return out;
                            }
                        };
                    }
                }
                """.formatted(pkg, type, factor, ctor, create);
    }

    /**
     * A layer provider {@code pkg.P} of type {@code type}: {@code y = w ∘ x + b} with {@code w} and {@code b}
     * shaped like the input (rank 3 for images), Jacobians right, an {@link dev.chainrule.api.InPlaceUpdate}
     * fast path. {@code gradBias = false} makes backward drop the bias gradient (its Jacobian stays right);
     * {@code stepBias = false} makes the fused step forget the bias update.
     */
    public static String affine(String pkg, String type, boolean gradBias, boolean stepBias) {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.support.DiagonalJacobian;
                import dev.chainrule.api.support.IdentityJacobian;
                import java.util.List;

                public final class P extends LayerProvider.Base {
                    public P() { super("%2$s", "w ∘ x + b, w and b shaped like the input", A::new); }

                    static final class A implements Layer, InPlaceUpdate {
                        final Shape shape; final int n; final Parameter w; final Parameter b;
                        double[] x; int rows; Tensor y; Tensor gx;
                        A(BuildContext c) {
                            shape = c.inputShape(); n = shape.size();
                            w = Parameter.tensor("w", shape.dims()); b = Parameter.tensor("b", shape.dims());
                            RandomSource r = RandomSource.of(c.seed());
                            for (int i = 0; i < n; i++) { w.set(i, 1 + 0.5 * r.gaussian(i)); b.set(i, 0.1 * r.gaussian(n + i)); }
                        }
                        public String type() { return "%2$s"; }
                        public int inputSize() { return n; }
                        public int outputSize() { return n; }
                        public Shape inputShape() { return shape; }
                        public Shape outputShape() { return shape; }
                        public List<Parameter> parameters() { return List.of(w, b); }
                        public Tensor forward(Tensor in, ForwardContext ctx) {
                            x = in.data().clone(); rows = in.rows(); y = new Tensor(rows, n);
                            for (int k = 0; k < x.length; k++) y.data()[k] = w.get(k %% n) * x[k] + b.get(k %% n);
                            return y;
                        }
                        public Jacobian jacobian(int row) {
                            double[] d = new double[n];
                            for (int i = 0; i < n; i++) d[i] = w.get(i);
                            return new DiagonalJacobian(d, "diag(w)");
                        }
                        public Jacobian parameterJacobian(int index, int row) {
                            if (index == 1) return new IdentityJacobian(n);
                            double[] d = new double[n];
                            System.arraycopy(x, row * n, d, 0, n);
                            return new DiagonalJacobian(d, "diag(x)");
                        }
                        Tensor inputGradient(Tensor g) {
                            gx = new Tensor(rows, n);
                            for (int k = 0; k < x.length; k++) gx.data()[k] = g.data()[k] * w.get(k %% n);
                            return gx;
                        }
                        public Tensor backward(Tensor g, boolean propagate) {
                            Tensor out = propagate ? inputGradient(g) : null;
                            for (int k = 0; k < x.length; k++) {
                                w.grad()[k %% n] += g.data()[k] * x[k];
                                if (%3$s) b.grad()[k %% n] += g.data()[k];
                            }
                            return out;
                        }
                        public Tensor backwardAndUpdate(Tensor g, boolean propagate, double scale) {
                            Tensor out = propagate ? inputGradient(g) : null;
                            for (int k = 0; k < x.length; k++) {
                                w.value()[k %% n] -= scale * g.data()[k] * x[k];
                                if (%4$s) b.value()[k %% n] -= scale * g.data()[k];
                            }
                            return out;
                        }
                    }
                }
                """.formatted(pkg, type, gradBias, stepBias);
    }

    /** An activation provider {@code pkg.P} whose stage appends a 0: R^n → R^(n+1), which no activation may. */
    public static String growingActivation(String pkg, String type) {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.support.DenseJacobian;

                public final class P extends ActivationProvider.Base {
                    public P() { super("%2$s", "x then a 0", G::new); }

                    static final class G implements Activation {
                        final int n; Tensor y;
                        G(BuildContext c) { n = c.inputSize(); }
                        public String type() { return "%2$s"; }
                        public int inputSize() { return n; }
                        public int outputSize() { return n + 1; }
                        public Tensor forward(Tensor in, ForwardContext ctx) {
                            y = new Tensor(in.rows(), n + 1);
                            for (int r = 0; r < in.rows(); r++) for (int k = 0; k < n; k++) y.set(r, k, in.get(r, k));
                            return y;
                        }
                        public Jacobian jacobian(int row) {
                            double[][] d = new double[n + 1][n];
                            for (int k = 0; k < n; k++) d[k][k] = 1;
                            return DenseJacobian.of(d, "[I; 0]");
                        }
                        public Tensor backward(Tensor g, boolean propagate) {
                            Tensor out = new Tensor(g.rows(), n);
                            for (int r = 0; r < g.rows(); r++) for (int k = 0; k < n; k++) out.set(r, k, g.get(r, k));
                            return out;
                        }
                    }
                }
                """.formatted(pkg, type);
    }

    /** A transform provider {@code pkg.P} that adds noise from the forward context even in inference. */
    public static String noisyInInference(String pkg, String type) {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.support.IdentityJacobian;

                public final class P extends TransformProvider.Base {
                    public P() { super("%2$s", "x + noise, always", N::new); }

                    static final class N implements Transform {
                        final int n;
                        N(BuildContext c) { n = c.inputSize(); }
                        public String type() { return "%2$s"; }
                        public int inputSize() { return n; }
                        public int outputSize() { return n; }
                        public Tensor forward(Tensor in, ForwardContext ctx) {
                            Tensor y = in.copy();
                            for (int r = 0; r < in.rows(); r++) for (int k = 0; k < n; k++) {
                                y.set(r, k, y.get(r, k) + 0.1 * ctx.random(r).gaussian(k));
                            }
                            return y;
                        }
                        public Jacobian jacobian(int row) { return new IdentityJacobian(n); }
                        public Tensor backward(Tensor g, boolean propagate) { return g.copy(); }
                    }
                }
                """.formatted(pkg, type);
    }
}
