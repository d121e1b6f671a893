package io.sdfleet.local;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Chooses slf4j-simple as the logging provider of the test JVM before any test class is loaded
 * (registered in META-INF/services). s3proxy brings logback-classic along with slf4j-simple; slf4j would
 * take whichever comes first on the class path, and an unconfigured logback prints the DEBUG output of
 * Kafka, Jetty and jclouds. With the provider pinned, local/src/main/resources/simplelogger.properties
 * applies. A provider chosen on the command line ({@code -Dslf4j.provider=...}) is left alone.
 */
public final class QuietLoggingSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (System.getProperty(LocalStackMain.SLF4J_PROVIDER_PROPERTY) == null) {
            System.setProperty(LocalStackMain.SLF4J_PROVIDER_PROPERTY, LocalStackMain.SIMPLE_PROVIDER);
        }
    }
}
