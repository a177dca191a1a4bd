/**
 * Contract tests a plugin author extends (StageContract, LayerContract, ActivationContract, LossContract):
 * finite-difference Jacobian checks, option rejection and determinism, run by JUnit against any provider.
 * Depends on the api and JUnit; the runner's {@code verify-plugin} uses the same checks.
 */
package dev.chainrule.testkit;
