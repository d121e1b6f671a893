package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a Dockerfile against the code: the ENTRYPOINT's main class exists, ENV sets only settings the
 * process reads (and values they accept), EXPOSE and the HEALTHCHECK use the worker's port and /healthz, the
 * image runs as a non-root USER, and the build stage resolves its Maven dependencies in a layer of its own
 * before any source is copied, then builds offline ({@link #offlineBuildProblems}). The image's name is declared
 * in a {@code # image: NAME} header line, which compose and k8s are held against.
 */
final class DockerfileChecks {
    private static final Pattern IMAGE = Pattern.compile("(?m)^# image: (\\S+)");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");

    private DockerfileChecks() {
    }

    static String imageName(String dockerfile) {
        Matcher m = IMAGE.matcher(dockerfile);
        return m.find() ? m.group(1) : null;
    }

    /** Instructions with continuation lines joined and comments dropped. */
    static List<String> instructions(String dockerfile) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String l = line.strip();
            if (current.length() == 0 && (l.isEmpty() || l.startsWith("#"))) {
                continue;
            }
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
            } else {
                current.append(l);
                out.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return out;
    }

    /** ENV of the last stage (the image that ships). */
    static Map<String, String> env(String dockerfile) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String i : instructions(dockerfile)) {
            if (i.startsWith("FROM ")) {
                env.clear();
            } else if (i.startsWith("ENV ")) {
                Matcher m = ENV_PAIR.matcher(i.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return env;
    }

    static List<String> problems(String where, String dockerfile, KnownSettings process, String expectedImage,
            boolean serves) {
        List<String> problems = new ArrayList<>();
        if (!expectedImage.equals(imageName(dockerfile))) {
            problems.add(where + ": '# image:' header is " + imageName(dockerfile) + ", expected " + expectedImage);
        }
        Map<String, String> env = env(dockerfile);
        Map<String, String> sdfleet = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith("SDFLEET_")) {
                sdfleet.put(k, v);
            }
        });
        problems.addAll(process.problems(where + " ENV", sdfleet, false));
        String entrypoint = null;
        String user = null;
        String expose = null;
        String healthcheck = null;
        for (String i : instructions(dockerfile)) {
            if (i.startsWith("ENTRYPOINT ")) {
                entrypoint = i.substring(11);
            } else if (i.startsWith("USER ")) {
                user = i.substring(5).strip();
            } else if (i.startsWith("EXPOSE ")) {
                expose = i.substring(7).strip();
            } else if (i.startsWith("HEALTHCHECK ")) {
                healthcheck = i;
            } else if (i.startsWith("FROM ")) {
                user = null;
            }
        }
        problems.addAll(mainClass(where, entrypoint));
        if (user == null || user.startsWith("0") || user.startsWith("root")) {
            problems.add(where + ": the image must end with a non-root USER, has " + user);
        }
        if (serves) {
            String port = String.valueOf(WorkerContract.httpPort(env));
            if (!port.equals(expose)) {
                problems.add(where + ": EXPOSE " + expose + " is not the health/metrics port " + port);
            }
            if (healthcheck == null || !healthcheck.contains(WorkerContract.healthz())) {
                problems.add(where + ": HEALTHCHECK must call " + WorkerContract.healthz());
            }
        }
        return problems;
    }

    /**
     * The build stage's Maven runs: the first one (after the poms, before any {@code COPY .../src}) resolves
     * with {@code dependency:go-offline} into a repository inside the layer ({@code -Dmaven.repo.local}, not a
     * {@code --mount=type=cache}, which can be empty while the layer is cached); every run after a source COPY is
     * offline ({@code -o}) from that same repository. So a source change rebuilds with no network.
     */
    static List<String> offlineBuildProblems(String where, String dockerfile) {
        List<String> problems = new ArrayList<>();
        boolean inBuild = false;
        boolean sourcesCopied = false;
        String repo = null;
        int mavenRuns = 0;
        for (String i : instructions(dockerfile)) {
            if (i.startsWith("FROM ")) {
                inBuild = i.matches("(?i)FROM\\s+\\S+\\s+AS\\s+build");
                continue;
            }
            if (!inBuild) {
                continue;
            }
            if (i.startsWith("COPY ") && i.matches(".*\\S+/src\\s.*")) {
                sourcesCopied = true;
            }
            if (!i.startsWith("RUN ") || !i.contains("mvn ")) {
                continue;
            }
            mavenRuns++;
            Matcher local = Pattern.compile("-Dmaven\\.repo\\.local=(\\S+)").matcher(i);
            String thisRepo = local.find() ? local.group(1) : null;
            if (i.contains("--mount=type=cache")) {
                problems.add(where + ": a Maven run on a cache mount: the mount may be empty while its layer is "
                        + "cached, so the offline build after it would fail: keep the repository in the layer");
            }
            if (!sourcesCopied) {
                if (!i.contains("dependency:go-offline")) {
                    problems.add(where + ": the Maven run before the sources does not resolve them (dependency:go-offline)");
                }
                if (thisRepo == null) {
                    problems.add(where + ": the dependency layer resolves into ~/.m2 instead of a folder of the layer "
                            + "(-Dmaven.repo.local=...)");
                }
                repo = repo == null ? thisRepo : repo;
            } else {
                if (repo == null) {
                    problems.add(where + ": Maven runs after the sources are copied with no dependency layer before "
                            + "them: a source change needs the network");
                } else if (!i.matches(".*\\smvn\\s(.*\\s)?(-o|--offline)(\\s.*)?") || !repo.equals(thisRepo)) {
                    problems.add(where + ": the build after the sources must run offline (-o) from the dependency "
                            + "layer's repository " + repo + ": " + i);
                }
            }
        }
        if (mavenRuns == 0) {
            problems.add(where + ": no Maven run in a build stage named 'build'");
        }
        return problems;
    }

    /**
     * Names in the DT_NEEDED entries of an ELF64 little-endian shared library: the libraries the dynamic loader
     * loads with it. Reads the section headers, the .dynamic section and the string table it links to.
     */
    static List<String> elfNeeded(byte[] elf) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException("not an ELF64 little-endian file");
        }
        long shoff = b.getLong(0x28);
        int shentsize = Short.toUnsignedInt(b.getShort(0x3a));
        int shnum = Short.toUnsignedInt(b.getShort(0x3c));
        List<String> needed = new ArrayList<>();
        for (int s = 0; s < shnum; s++) {
            int h = (int) (shoff + (long) s * shentsize);
            if (b.getInt(h + 4) != 6) { // SHT_DYNAMIC
                continue;
            }
            long offset = b.getLong(h + 0x18);
            long size = b.getLong(h + 0x20);
            int link = b.getInt(h + 0x28);
            long strtab = b.getLong((int) (shoff + (long) link * shentsize) + 0x18);
            for (long e = offset; e + 16 <= offset + size; e += 16) {
                long tag = b.getLong((int) e);
                if (tag == 0) {
                    break;
                }
                if (tag == 1) { // DT_NEEDED
                    int start = (int) (strtab + b.getLong((int) e + 8));
                    int end = start;
                    while (elf[end] != 0) {
                        end++;
                    }
                    needed.add(new String(elf, start, end - start, java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
        }
        return needed;
    }

    /**
     * The TensorRT libraries (libnv*) that libdjl_trt.so, DJL's TensorRT JNI from the jar on the class path,
     * NEEDs directly, each of which the Dockerfile's header comment must name, and no other libnv* library
     * may it claim as linked.
     */
    static List<String> tensorRtLinkProblems(String where, String dockerfile, byte[] jni) {
        List<String> needed = elfNeeded(jni).stream().filter(n -> n.startsWith("libnv")).toList();
        StringBuilder header = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            if (!line.startsWith("#")) {
                break;
            }
            header.append(line.substring(1)).append(' ');
        }
        String comment = header.toString().replaceAll("\\s+", " ");
        List<String> problems = new ArrayList<>();
        Matcher claim = Pattern.compile("(?:NEEDs|links)[^.]*?((?:libnv\\w+\\.so\\.\\d+[, and]*)+)").matcher(comment);
        if (!claim.find()) {
            return List.of(where + ": the header must say which TensorRT libraries libdjl_trt.so NEEDs (" + needed + ")");
        }
        List<String> claimed = new ArrayList<>();
        Matcher lib = Pattern.compile("libnv\\w+\\.so\\.\\d+").matcher(claim.group(1));
        while (lib.find()) {
            claimed.add(lib.group());
        }
        if (!new java.util.TreeSet<>(claimed).equals(new java.util.TreeSet<>(needed))) {
            problems.add(where + ": the header says libdjl_trt.so NEEDs " + claimed + ", its ELF dynamic section NEEDs "
                    + needed);
        }
        return problems;
    }

    private static List<String> mainClass(String where, String entrypoint) {
        if (entrypoint == null) {
            return List.of(where + ": no ENTRYPOINT");
        }
        List<String> args = new ArrayList<>();
        try {
            for (JsonNode a : DeployFiles.JSON.readTree(entrypoint)) {
                args.add(a.asText());
            }
        } catch (Exception e) {
            return List.of(where + ": ENTRYPOINT is not the exec (JSON) form: " + entrypoint);
        }
        int cp = Math.max(args.indexOf("-cp"), args.indexOf("-classpath"));
        if (cp < 0 || cp + 2 >= args.size()) {
            return List.of(where + ": ENTRYPOINT names no main class after -cp: " + args);
        }
        String main = args.get(cp + 2);
        try {
            Class<?> type = Class.forName(main, false, DockerfileChecks.class.getClassLoader());
            type.getMethod("main", String[].class);
            return List.of();
        } catch (ReflectiveOperationException e) {
            return List.of(where + ": main class " + main + " does not exist or has no main(String[])");
        }
    }
}
