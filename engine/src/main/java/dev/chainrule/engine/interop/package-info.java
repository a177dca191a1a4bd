/**
 * Interoperability with other frameworks (docs/interop.md): {@link dev.chainrule.engine.interop.OnnxExporter}
 * writes a model as an ONNX graph of standard operators (a small hand-written protobuf encoder,
 * {@link dev.chainrule.engine.interop.Protobuf}, no dependency), and
 * {@link dev.chainrule.engine.interop.WeightImport} fills a config's network from tensors in a safetensors or
 * NumPy {@code .npz} file ({@link dev.chainrule.engine.interop.Safetensors}, {@link dev.chainrule.engine.interop.Npz}),
 * each checked for name, shape and dtype, and writes an ordinary model folder.
 */
package dev.chainrule.engine.interop;
