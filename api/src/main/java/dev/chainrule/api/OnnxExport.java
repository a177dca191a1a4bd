package dev.chainrule.api;

/**
 * Optional, for a stage provider whose stages can be written as ONNX nodes ({@code runner export --format onnx},
 * docs/interop.md). The built-in stages are mapped by the engine; a plugin provider that also implements this
 * interface contributes its own nodes, and a stage whose provider does not cannot be exported (the export fails
 * naming it).
 */
public interface OnnxExport {

    /**
     * Adds the nodes that compute {@code stage} in inference mode.
     *
     * @param stage one of this provider's stages, with its trained parameters
     * @param graph where the nodes and constants go
     * @param input the name of the stage's input tensor, of shape {@code [N] ++ stage.inputShape().dims()}
     * @return the name of the stage's output tensor, of shape {@code [N] ++ stage.outputShape().dims()}
     */
    String exportOnnx(Stage stage, OnnxGraph graph, String input);
}
