package dev.chainrule.engine.plugins;

import dev.chainrule.api.ActivationProvider;
import dev.chainrule.engine.plugins.PluginJarBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hostile or broken activation plugins, one provider class {@code <pkg>.P} of one type, built with
 * {@link PluginJarBuilder}. Each hook is Java source spliced into the provider; the defaults make a
 * well-behaved identity activation, so each test breaks exactly one thing.
 */
public final class PluginHostileSources {
    public String pkg;
    public String type;
    public String staticInit = "";
    public String ctor = "";
    public String typeBody;
    public String optionsBody = "return java.util.List.of();";
    public String createBody = "return new Id(c.inputSize(), c.inputSize());";
    /** The width forward() returns, as a Java expression over n. */
    public String forwardWidth = "n";
    public String forwardExtra = "";
    public boolean declare = true;

    public PluginHostileSources(String pkg, String type) {
        this.pkg = pkg;
        this.type = type;
        this.typeBody = "return \"" + type + "\";";
    }

    public String source() {
        return """
                package %1$s;

                import dev.chainrule.api.*;
                import dev.chainrule.api.support.DiagonalJacobian;

                public final class P implements ActivationProvider {
                    static { %2$s }
                    public P() { %3$s }
                    public String type() { %4$s }
                    public String description() { return "a test activation"; }
                    public java.util.List<OptionSpec> options() { %5$s }
                    public Activation create(BuildContext c) { %6$s }

                    static final class Id implements Activation {
                        final int n;
                        final int outWidth;
                        Tensor y;
                        Id(int n, int out) { this.n = n; this.outWidth = out; }
                        public String type() { return "%9$s"; }
                        public int inputSize() { return n; }
                        public Tensor forward(Tensor in, ForwardContext ctx) {
                            %8$s
                            y = new Tensor(in.rows(), %7$s);
                            System.arraycopy(in.data(), 0, y.data(), 0, Math.min(in.data().length, y.data().length));
                            return y;
                        }
                        public Jacobian jacobian(int row) {
                            double[] d = new double[n];
                            java.util.Arrays.fill(d, 1);
                            return new DiagonalJacobian(d, "test");
                        }
                        public Tensor backward(Tensor g, boolean propagate) { return g.copy(); }
                    }
                }
                """.formatted(pkg, staticInit, ctor, typeBody, optionsBody, createBody, forwardWidth, forwardExtra, type);
    }

    public Path build(Path dir) throws IOException {
        Path build = Files.createDirectories(dir.resolve("build-" + pkg.replace('.', '-')));
        PluginJarBuilder b = new PluginJarBuilder()
                .source(pkg + ".P", source())
                .service(ActivationProvider.class, pkg + ".P");
        if (declare) {
            b.manifest("Chainrule-Types", "activation:" + type);
        }
        return b.build(build.resolve(pkg.substring(pkg.lastIndexOf('.') + 1) + ".jar"));
    }
}
