/**
 * The sdfleet wire contract, version 1: what travels on the Kafka topics and how it is checked.
 *
 * <p>What lives here: the records on the topics ({@link io.sdfleet.common.JobRequest} {@code sdfleet.job/v1},
 * {@link io.sdfleet.common.Completion} {@code sdfleet.completion/v1}, {@link io.sdfleet.common.FailureEvent}
 * {@code sdfleet.failure/v1}) and their parts; every default and range of a request
 * ({@link io.sdfleet.common.JobRequestLimits}); validation that lists every violated field
 * ({@link io.sdfleet.common.RequestValidator}); the one JSON codec ({@link io.sdfleet.common.JobCodec}) with the
 * reasons a record is refused ({@link io.sdfleet.common.FailureReason}); header names
 * ({@link io.sdfleet.common.SdfleetHeaders}). Kafka settings from the environment are in
 * {@code io.sdfleet.common.config}.
 *
 * <p>Versioning: schema ids are {@code <family>/v<major>[.<minor>]}. A minor version only adds optional
 * fields; readers ignore fields they do not know and read any minor of the major they support; another
 * major is refused as {@code UNSUPPORTED_SCHEMA}. Names of fields, reasons and headers are public API.
 *
 * <p>Dependencies: Jackson only (kafka-clients in the config package). Everything in sdfleet may depend on
 * this package; it depends on no other sdfleet package. All types are immutable and thread-safe, except
 * {@link io.sdfleet.common.JobRequest.Builder}.
 */
package io.sdfleet.common;
