/**
 * The {@code sdfleet} command line (picocli): {@link io.sdfleet.producer.cli.SdfleetCli} wires one class
 * per subcommand (submit, watch, tokenize, replay), with {@link io.sdfleet.producer.cli.ExitCodes}.
 * May depend on the library ({@code io.sdfleet.producer}, {@code io.sdfleet.producer.kafka}) and common;
 * nothing may depend on this package.
 */
package io.sdfleet.producer.cli;
