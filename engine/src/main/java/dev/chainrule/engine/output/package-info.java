/**
 * The run folder and the saved model: config.json, metrics.jsonl, model.json with weights.bin,
 * confusion.csv, and the report through a sink it owns ({@link dev.chainrule.engine.output.ReportSink}),
 * so this package never names the report's types. Writes every file through {@code io}.
 */
package dev.chainrule.engine.output;
