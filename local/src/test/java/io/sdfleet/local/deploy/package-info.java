/**
 * Fast checks of the deployment files (docker/, compose/, k8s/, tools/build-trt-engines.sh) against the code:
 * every file parses, every Kubernetes object fits its schema, every environment variable set is one a process
 * reads, ports, probe paths, topics, consumer group, partitions, grace periods and image names agree.
 *
 * <p>The checkers ({@link io.sdfleet.local.deploy.DeployChecks} and friends) return problems as text instead of
 * asserting, so that {@code BrokenDeploymentFilesTest} can feed them deliberately broken copies and see each
 * check fail. Test code only; depends on the worker's and producer's settings declarations, nothing on it.
 */
package io.sdfleet.local.deploy;
