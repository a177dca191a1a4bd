package dev.chainrule.layers;

import dev.chainrule.api.MergeProvider;
import dev.chainrule.api.Plugin;
import dev.chainrule.api.Shape;
import java.util.List;

/** The built-in merges (api 3.1): {@code add}, {@code concat}, {@code multiply}; no options. */
public final class MergeProviders {
    private MergeProviders() {
    }

    /** {@code {"type": "add", "inputs": ["a", "b"]}}. */
    @Plugin(Add.TYPE)
    public static final class AddProvider extends MergeProvider.Base {
        public AddProvider() {
            super("x_1 + … + x_k, inputs of one shape (a residual join); ∂y/∂x_k = I", Add::new);
        }
    }

    /** {@code {"type": "multiply", "inputs": ["a", "b"]}}. */
    @Plugin(Multiply.TYPE)
    public static final class MultiplyProvider extends MergeProvider.Base {
        public MultiplyProvider() {
            super("x_1 ∘ … ∘ x_k element-wise, inputs of one shape; ∂y/∂x_k = diag(Π_{j≠k} x_j)", Multiply::new);
        }

        @Override
        public List<List<Shape>> checkInputs() {
            return List.of(List.of(Shape.of(4), Shape.of(4), Shape.of(4)));
        }
    }

    /** {@code {"type": "concat", "inputs": ["a", "b"]}}: features of vectors, channels of C×H×W. */
    @Plugin(Concat.TYPE)
    public static final class ConcatProvider extends MergeProvider.Base {
        public ConcatProvider() {
            super("[x_1 | … | x_k]: vectors along features, C×H×W images (one H×W) along channels;"
                    + " ∂y/∂x_k = [0 I 0]ᵀ", Concat::new);
        }

        @Override
        public List<List<Shape>> checkInputs() {
            return List.of(List.of(Shape.of(3), Shape.of(5)), List.of(Shape.image(2, 3, 3), Shape.image(1, 3, 3)),
                    List.of(Shape.of(2), Shape.of(1), Shape.of(4)));
        }

        @Override
        public List<List<Shape>> refusedInputs() {
            return List.of(List.of(Shape.image(2, 3, 3), Shape.image(2, 4, 4)), List.of(Shape.of(4), Shape.image(1, 2, 2)));
        }
    }
}
