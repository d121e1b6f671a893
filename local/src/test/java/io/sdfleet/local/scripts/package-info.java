/**
 * Tests of the repository's shell entry points ({@code .ci/run}, {@code ./sdfleet}, {@code tools/*.sh}) run as
 * a person or CI runs them, with stand-in commands on the PATH where the real ones would be slow.
 */
package io.sdfleet.local.scripts;
