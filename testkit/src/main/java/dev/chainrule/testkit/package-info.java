/**
 * Contract tests a plugin author extends (StageContract, LayerContract, ActivationContract, LossContract):
 * finite-difference Jacobian checks, option rejection and determinism, run by JUnit against any provider.
 * Depends on the api and JUnit; the runner's {@code verify-plugin} uses the same checks (and
 * {@link dev.chainrule.testkit.DataSourceChecks} for data sources, which it checks without data).
 */
package dev.chainrule.testkit;
