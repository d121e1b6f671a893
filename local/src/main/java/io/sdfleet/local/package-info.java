/**
 * The embedded development stack: a real Apache Kafka broker (KRaft, in-process) and an S3-compatible
 * server (S3Proxy over an in-memory or folder-backed jclouds blob store), both on loopback.
 *
 * <p>{@link io.sdfleet.local.LocalStack} starts both and creates the topics and the bucket;
 * {@link io.sdfleet.local.LocalStackMain} runs it from the command line and prints the environment a
 * worker or producer needs; the integration tests of the whole repository start it through the JUnit
 * extension in this module's tests. {@link io.sdfleet.local.EmbeddedKafka},
 * {@link io.sdfleet.local.KafkaTopics} and {@link io.sdfleet.local.EmbeddedS3} are usable alone.
 *
 * <p>Dependencies: Kafka's broker jars, S3Proxy/jclouds, kafka-clients and the JDK. Nothing in
 * {@code common}, {@code producer} or {@code worker} may depend on this package (it is for development
 * and tests only); code here may use theirs, but the stack itself deliberately does not, so that it stays
 * a plain Kafka + S3 endpoint any client can talk to.
 */
package io.sdfleet.local;
