/**
 * chainrule on Apache Spark (docs/spark.md): {@link dev.chainrule.spark.SparkCluster} is the engine's
 * {@link dev.chainrule.engine.cluster.Cluster} for {@code --spark MASTER}.
 */
package dev.chainrule.spark;
