package dev.chainrule.engine.config;

import dev.chainrule.api.Loss;
import dev.chainrule.api.Stage;
import dev.chainrule.api.Tensor;
import dev.chainrule.engine.base.BadInputException;
import dev.chainrule.engine.registry.ProviderOrigin;

/**
 * What a plugin's {@code create()} hands back is checked before the runner relies on it: not null, the
 * sizes it reports, and a forward pass on two rows of zeros that gives the shape it promises. A broken
 * stage would otherwise fail deep inside training as an index error that names neither jar nor type.
 * Built-in types are trusted and not probed (their forward would only cost time).
 */
final class PluginChecks {
    private PluginChecks() {
    }

    /** A plugin failure naming jar, type and cause; a built-in's exception passes through unchanged. */
    static RuntimeException failed(Object provider, String type, String what, RuntimeException e) {
        String jar = ProviderOrigin.jarOf(provider);
        if (jar == null) {
            return e;
        }
        BadInputException p = new BadInputException(jar + ": type '" + type + "': " + what + " " + oneLine(e));
        p.initCause(e);
        return p;
    }

    static void stage(Object provider, String type, Stage s, int n) {
        String jar = ProviderOrigin.jarOf(provider);
        if (jar == null) {
            return;
        }
        String at = jar + ": type '" + type + "': ";
        if (s == null) {
            throw new BadInputException(at + "create() returned null");
        }
        int in;
        int out;
        try {
            in = s.inputSize();
            out = s.outputSize();
        } catch (RuntimeException e) {
            throw new BadInputException(at + "inputSize() or outputSize() threw " + oneLine(e));
        }
        if (in != n) {
            return; // the caller reports a stage built for another input size, naming the config entry
        }
        if (out <= 0) {
            throw new BadInputException(at + "outputSize() is " + out + "; a stage gives at least one output");
        }
        Tensor y;
        try {
            y = s.forward(new Tensor(2, n));
        } catch (RuntimeException e) {
            throw new BadInputException(at + "forward() of 2 rows of " + n + " zeros threw " + oneLine(e));
        }
        if (y == null || y.rows() != 2 || y.cols() != out) {
            throw new BadInputException(at + "forward() of 2 rows of " + n + " inputs gave "
                    + (y == null ? "null" : y.rows() + "×" + y.cols()) + ", but outputSize() says 2×" + out);
        }
    }

    static void loss(Object provider, String type, Loss l, int n) {
        String jar = ProviderOrigin.jarOf(provider);
        if (jar != null && l == null) {
            throw new BadInputException(jar + ": type '" + type + "': create() returned null");
        }
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
