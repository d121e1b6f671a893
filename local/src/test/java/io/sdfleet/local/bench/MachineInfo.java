package io.sdfleet.local.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a benchmark ran on, as the results file must state it: CPU, cores, RAM, JVM, OS, and the
 * load average (read at call time, so call it before and after a run). Linux files are read when present;
 * on other systems those fields say "unknown".
 */
record MachineInfo(String cpu, int cores, long ramMiB, long maxHeapMiB, String jvm, String os,
                   String loadAverage) {

    static MachineInfo now() {
        long ram = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            ram = os.getTotalMemorySize() >> 20;
        }
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), ram,
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                        + System.getProperty("java.vm.vendor") + ")",
                osName() + ", kernel " + System.getProperty("os.version") + ", " + System.getProperty("os.arch"),
                loadAverageNow());
    }

    /** "1 min, 5 min, 15 min" load averages from /proc/loadavg, else the JVM's 1-minute figure. */
    static String loadAverageNow() {
        List<String> lines = lines(Path.of("/proc/loadavg"));
        if (!lines.isEmpty()) {
            String[] f = lines.get(0).split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2] + " (1 / 5 / 15 min)";
        }
        double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return one < 0 ? "unknown" : String.format("%.2f (1 min)", one);
    }

    /** The 1-minute load average, or NaN when unknown. */
    static double loadOneMinute() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String cpuModel() {
        return lines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
    }

    private static String osName() {
        return lines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", "")).findFirst()
                .orElse(System.getProperty("os.name"));
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
