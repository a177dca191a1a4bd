package dev.chainrule.runner.plugins;

/** Java sources of small deliberately good or broken plugins, compiled by {@link PluginJarBuilder}. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * An activation provider {@code pkg.P} of type {@code type} making {@code x·σ(x)} with its Jacobian
     * scaled by {@code factor} (1 is right, 2 is the deliberate slip); {@code ctor} runs in the provider's
     * constructor and {@code create} at the start of create().
     */
    static String activation(String pkg, String type, double factor, String ctor, String create) {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.jacobian.DiagonalJacobian;

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
}
