/**
 * The bottom of the runner's file handling: atomic writes (temporary name, force, rename) and the SHA-256
 * that model files, checkpoints and plugin records carry. Every package may use it; it uses none of them.
 */
package dev.chainrule.engine.io;
