/**
 * Fast checks of the deployment files (docker/, compose/, k8s/, tools/build-trt-engines.sh) against the published
 * schemas and the code: every Kubernetes object, as {@code kubectl kustomize} renders it, fits the strict schema of
 * its kind ({@link io.sdfleet.local.deploy.DeploySchemas}; copies under src/test/resources/schemas), every compose
 * file fits compose-spec, KEDA's trigger parameters are ones its kafka scaler reads
 * ({@link io.sdfleet.local.deploy.KedaKafkaScaler}); and every environment variable set is one a process reads,
 * ports, probe paths, topics, consumer group, partitions, grace periods, GPUs, worker ids, the Strimzi cluster's
 * names and CA, engine widths and image names agree.
 *
 * <p>The checkers ({@link io.sdfleet.local.deploy.KubernetesChecks}, {@link io.sdfleet.local.deploy.ComposeChecks}
 * and friends) return problems as text instead of asserting, so that {@code BrokenDeploymentFilesTest} can feed
 * them deliberately broken copies and see each check fail. kubectl is required (the tests fail, never skip,
 * without it). Test code only; depends on the worker's and producer's settings declarations, nothing on it.
 */
package io.sdfleet.local.deploy;
