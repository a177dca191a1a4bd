package dev.chainrule.api.support;

import dev.chainrule.api.BuildContext;
import dev.chainrule.api.Merge;
import dev.chainrule.api.Shape;
import dev.chainrule.api.ShapeException;
import dev.chainrule.api.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * The bookkeeping of a {@link Merge} (api 3.1): {@code super(context, outputShape)} answers {@code type()},
 * {@link #inputShapes()}, the packed {@code inputSize()}/{@code inputShape()} and the output's size and shape.
 * A merge plugin extends it and implements {@code forward(List, ForwardContext)}, {@code jacobian(int, int)}
 * and {@code backward(Tensor, boolean[])}; {@link #sameShapes} is the shape rule of an element-wise merge.
 */
public abstract class MergeStage implements Merge {
    private final String type;
    private final List<Shape> inputs;
    private final Shape packed;
    private final Shape out;

    protected MergeStage(BuildContext context, Shape outputShape) {
        this.type = context.type().isEmpty() ? getClass().getSimpleName().toLowerCase(Locale.ROOT) : context.type();
        this.inputs = List.copyOf(context.inputShapes());
        int n = 0;
        for (Shape s : inputs) {
            n += s.size();
        }
        this.packed = Shape.of(n);
        this.out = outputShape;
    }

    /**
     * The shape every input of an element-wise merge has; a {@link ShapeException} naming all of them when they
     * differ, or when there are fewer than {@code min} inputs.
     */
    public static Shape sameShapes(List<Shape> shapes, int min) {
        if (shapes.size() < min) {
            throw new ShapeException("takes at least " + min + " inputs, got " + shapes.size());
        }
        Shape first = shapes.get(0);
        for (Shape s : shapes) {
            if (!s.equals(first)) {
                throw new ShapeException("takes inputs of one shape, got " + describe(shapes));
            }
        }
        return first;
    }

    /** {@code 32×28×28, 16×28×28}. */
    public static String describe(List<Shape> shapes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shapes.size(); i++) {
            sb.append(i == 0 ? "" : " and ").append(shapes.get(i));
        }
        return sb.toString();
    }

    /** A fresh or reused {@code rows × cols} tensor for input k's gradient (never shared between inputs). */
    protected static Tensor own(Tensor[] slots, int k, int rows, int cols) {
        slots[k] = Tensor.reuseFront(slots[k], rows, cols);
        return slots[k];
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final List<Shape> inputShapes() {
        return inputs;
    }

    @Override
    public final int inputSize() {
        return packed.size();
    }

    @Override
    public final Shape inputShape() {
        return packed;
    }

    @Override
    public final int outputSize() {
        return out.size();
    }

    @Override
    public final Shape outputShape() {
        return out;
    }
}
