/**
 * The data-source SPI: where the samples of a run come from. A {@link dev.chainrule.api.data.DataSourceProvider}
 * (kind {@code data-source}) turns its options into a {@link dev.chainrule.api.data.DataSet}: a training
 * {@link dev.chainrule.api.data.Table} and, optionally, a test table. Tables keep their features compactly
 * ({@link dev.chainrule.api.data.Features}: bytes with a divisor, float32 or float64) and their targets as
 * class indices with names or as regression values ({@link dev.chainrule.api.data.Targets}). Bad data is a
 * {@link dev.chainrule.api.data.DataException} whose one line names the file, the place and the value.
 *
 * <p>This package depends on the root api package and the JDK only; the root package does not depend on it.
 */
package dev.chainrule.api.data;
