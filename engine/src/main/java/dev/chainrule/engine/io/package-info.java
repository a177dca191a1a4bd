/**
 * The bottom of the engine's file handling: atomic writes (temporary name, force, rename), checked reads
 * (SafeFiles), the heap budget for sizes read from headers, and the SHA-256 that model files, checkpoints and
 * plugin records carry. Every package may use it; it uses only base.
 */
package dev.chainrule.engine.io;
