/**
 * Settings from the environment: the declaration mechanism and the Kafka settings.
 *
 * <p>What lives here: {@link io.sdfleet.common.config.Setting} (one declared variable: name, type, default,
 * allowed values, description), {@link io.sdfleet.common.config.ConfigReader} (reads a {@code Map} of
 * variables and collects every problem), {@link io.sdfleet.common.config.ConfigException} (fatal; lists them
 * all), {@link io.sdfleet.common.config.SettingsTable} (the README table),
 * {@link io.sdfleet.common.config.DurationText} (the one grammar for durations people write, also used by
 * the CLI and replay times) and
 * {@link io.sdfleet.common.config.KafkaSettings} (brokers, topics, group, {@code SDFLEET_KAFKA_*} pass-through).
 *
 * <p>Rule: every setting is declared once as a constant and read through a {@code ConfigReader}, all of them
 * before anything connects. Other modules declare their own settings with the same mechanism and may
 * share one reader with {@link io.sdfleet.common.config.KafkaSettings#read(ConfigReader)}.
 *
 * <p>Dependencies: kafka-clients (only for the names of client properties). May be used by every sdfleet
 * module; depends on no other sdfleet package.
 */
package io.sdfleet.common.config;
