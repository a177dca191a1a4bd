/**
 * The seam to a cluster backend (the optional spark module), found through {@link java.util.ServiceLoader} so
 * that nothing else needs it on the class path: sharded training steps and sweeps as cluster tasks.
 */
package dev.chainrule.engine.cluster;
