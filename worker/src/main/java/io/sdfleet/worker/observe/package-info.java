/**
 * Observability of a worker process: {@link io.sdfleet.worker.observe.WorkerMetrics} (Micrometer meters,
 * exported in Prometheus format), {@link io.sdfleet.worker.observe.HealthState} (liveness and readiness) and
 * {@link io.sdfleet.worker.observe.HealthServer} ({@code /healthz}, {@code /readyz}, {@code /metrics}) with its
 * settings {@link io.sdfleet.worker.observe.ObserveSettings}.
 *
 * <p>Depends on common (status and reason enums, timing keys, settings), Micrometer and the JDK HTTP server;
 * nothing else. Every stage of the worker may depend on this package; it depends on none of them.
 */
package io.sdfleet.worker.observe;
