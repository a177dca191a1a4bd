/**
 * Config files: strict JSON binding into a raw config, the rules that resolve and validate it against a
 * provider registry (one line per mistake, naming the file and JSON path), and the network factory that
 * chains the providers' stages. Knows the registry, not how plugins are found.
 */
package dev.chainrule.engine.config;
