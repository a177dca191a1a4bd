/**
 * The chain of stages and its loss, and reverse mode through it: forward, backward, the fused in-place SGD
 * step. Training code, so out of the plugin api (a plugin implements stages, the engine drives them); at the
 * bottom of the engine, using no other engine package, so config, training, output and explain can all
 * build on it.
 */
package dev.chainrule.engine.network;
