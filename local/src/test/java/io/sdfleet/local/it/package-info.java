/**
 * Helpers shared by the integration tests in the sub-packages ({@code producer}, {@code replay}, ...): only
 * what more than one of them needs, so each sub-package's own support class keeps its test-specific setup.
 * May depend on the producer and common modules; nothing here depends on a sub-package.
 */
package io.sdfleet.local.it;
