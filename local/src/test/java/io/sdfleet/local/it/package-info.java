/**
 * Helpers shared by the integration tests in the sub-packages ({@code producer}, {@code replay}, {@code worker},
 * {@code e2e}, ...): only what more than one of them needs, so each sub-package's own support class keeps its
 * test-specific setup. {@link io.sdfleet.local.it.CliRun} runs the CLI in process;
 * {@link io.sdfleet.local.it.ScenarioCorner} names, creates and reads one test's topics, group and key prefix;
 * {@link io.sdfleet.local.it.CompletionAssertions} holds the delivery assertions every completions topic must
 * pass. May depend on the local, producer and common modules; nothing here depends on a sub-package.
 */
package io.sdfleet.local.it;
