package dev.chainrule.api.support;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Shape;
import dev.chainrule.api.Stage;
import java.util.Locale;

/**
 * A stage's five accessors answered once: {@code type()}, {@code inputSize() = |in|},
 * {@code outputSize() = |out|}, {@code inputShape() = in}, {@code outputShape() = out}, for a map
 * {@code f: R^{|in|} → R^{|out|}} whose Jacobian {@code D_x f} is {@code |out| × |in|}. A layer, activation or
 * transform extends it and implements its kind's interface:
 *
 * <pre>{@code
 * public final class AvgPool2x2 extends ShapedStage implements Transform {
 *     public AvgPool2x2(BuildContext c) { super(c, Shape.image(c.inputShape().dim(0), ...)); }
 *     ...forward, jacobian, backward only
 * }
 * }</pre>
 */
public abstract class ShapedStage implements Stage {
    private final String type;
    private final Shape in;
    private final Shape out;

    /** Built by a provider: the type id and the input shape come from {@code context}. */
    protected ShapedStage(BuildContext context, Shape outputShape) {
        // a context made by hand in a test may carry no type id; the class name then stands in
        this(context.type().isEmpty() ? null : context.type(), context.inputShape(), outputShape);
    }

    /** Built directly (the built-ins' constructors): {@code type} null means the lower-cased class name. */
    protected ShapedStage(String type, Shape inputShape, Shape outputShape) {
        this.type = type != null ? type : getClass().getSimpleName().toLowerCase(Locale.ROOT);
        this.in = inputShape;
        this.out = outputShape;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final int inputSize() {
        return in.size();
    }

    @Override
    public final int outputSize() {
        return out.size();
    }

    @Override
    public final Shape inputShape() {
        return in;
    }

    @Override
    public final Shape outputShape() {
        return out;
    }
}
