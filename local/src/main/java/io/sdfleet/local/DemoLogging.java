package io.sdfleet.local;

import java.util.List;

/**
 * Process-wide settings of the demo JVM, applied by {@link FleetDemo#main} before any logger or model
 * runtime is created (system properties are read once, at first use). A property already given on the
 * command line ({@code -D...}) is left alone.
 *
 * <ul>
 *   <li>slf4j-simple as the provider (see {@link LocalStackMain#SIMPLE_PROVIDER} for why); unless
 *       {@code --verbose}, sdfleet's own loggers at WARN and everything else (broker, S3 server, DJL) at
 *       ERROR: the demo prints its own progress, and the broker's start-up warnings or ONNX Runtime's "no
 *       CUDA" would only worry a first-time user. slf4j's own "which provider" notice is silenced too.</li>
 *   <li>DJL offline with ONNX Runtime as its default engine (STACK-NOTES: with the TensorRT jar on the class
 *       path, TensorRT would otherwise become the default and ONNX Runtime model loading would fail). The
 *       {@code ./sdfleet} wrapper sets the same; this covers running the class from an IDE.</li>
 * </ul>
 */
final class DemoLogging {

    static final String SDFLEET_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.log.io.sdfleet";
    static final String DEFAULT_LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    static final String SLF4J_VERBOSITY_PROPERTY = "slf4j.internal.verbosity";
    /** Loggers that simplelogger.properties names one by one (so the default level alone does not reach them). */
    static final List<String> THIRD_PARTY_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger",
            "org.gaul", "org.eclipse.jetty", "jclouds", "org.jclouds");
    static final String DJL_OFFLINE_PROPERTY = "ai.djl.offline";
    static final String DJL_DEFAULT_ENGINE_PROPERTY = "ai.djl.default_engine";
    static final String DJL_DEFAULT_ENGINE = "OnnxRuntime";

    private DemoLogging() {
    }

    static void configure(boolean verbose) {
        setIfAbsent(LocalStackMain.SLF4J_PROVIDER_PROPERTY, LocalStackMain.SIMPLE_PROVIDER);
        setIfAbsent(SDFLEET_LOG_LEVEL_PROPERTY, verbose ? "info" : "warn");
        setIfAbsent(DEFAULT_LOG_LEVEL_PROPERTY, verbose ? "warn" : "error");
        setIfAbsent(SLF4J_VERBOSITY_PROPERTY, "WARN");
        for (String logger : THIRD_PARTY_LOGGERS) {
            setIfAbsent("org.slf4j.simpleLogger.log." + logger, verbose ? "warn" : "error");
        }
        setIfAbsent(DJL_OFFLINE_PROPERTY, "true");
        setIfAbsent(DJL_DEFAULT_ENGINE_PROPERTY, DJL_DEFAULT_ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
