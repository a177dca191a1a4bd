/**
 * The built-in data sources: {@code csv} ({@link dev.chainrule.datasources.CsvProvider}), {@code npy}
 * ({@link dev.chainrule.datasources.NpyProvider}, also {@code .npz}) and {@code image-folder}
 * ({@link dev.chainrule.datasources.ImageFolderProvider}). They depend on the api and the JDK only.
 */
package dev.chainrule.datasources;
