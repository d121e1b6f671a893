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
 * image runs as a non-root USER. The image's name is declared in a {@code # image: NAME} header line, which
 * compose and k8s are held against.
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
