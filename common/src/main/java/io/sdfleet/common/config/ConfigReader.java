package io.sdfleet.common.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads declared {@link Setting}s from an environment map and collects every problem before failing.
 *
 * <p>Use: create one per configuration object, {@link #get} each setting (a bad value is recorded and the
 * default returned, so reading goes on), add cross-setting rules with {@link #problem}, then call
 * {@link #throwIfInvalid()} before building anything that connects. The environment is a parameter, not
 * {@code System.getenv()}, so tests and embedded stacks pass their own. Not thread-safe; short-lived.
 */
public final class ConfigReader {

    private final Map<String, String> env;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private final Set<String> read = new HashSet<>();

    public ConfigReader(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    /** The setting's value, or its default when unset. A bad value is recorded and the default returned. */
    public <T> T get(Setting<T> setting) {
        read.add(setting.name());
        String raw = env.get(setting.name());
        if (raw == null) {
            return setting.defaultValue();
        }
        try {
            return setting.parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigProblem(setting.name(), shown(setting, raw), e.getMessage()));
            return setting.defaultValue();
        }
    }

    /** Whether the variable is set (even to an empty value). */
    public boolean isSet(Setting<?> setting) {
        return env.containsKey(setting.name());
    }

    /** Every variable whose name starts with {@code prefix}, sorted by name; marks them as read. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
                read.add(k);
            }
        });
        return out;
    }

    /** Records a problem found by a rule (e.g. one linking two settings); the value shown is the raw one. */
    public void problem(String key, String message) {
        problems.add(new ConfigProblem(key, env.get(key), message));
    }

    /** Records a problem with a declared setting; its value is hidden if it is secret. */
    public void problem(Setting<?> setting, String message) {
        String raw = env.get(setting.name());
        problems.add(new ConfigProblem(setting.name(), raw == null ? null : shown(setting, raw), message));
    }

    /** Records a problem whose value must not be shown. */
    public void secretProblem(String key, String message) {
        problems.add(new ConfigProblem(key, env.containsKey(key) ? ConfigProblem.HIDDEN : null, message));
    }

    /** Variables starting with {@code prefix} that nothing read: probably misspelt settings. */
    public List<String> unreadKeys(String prefix) {
        return env.keySet().stream().filter(k -> k.startsWith(prefix) && !read.contains(k)).sorted().toList();
    }

    /** Problems recorded so far. */
    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    /** @throws ConfigException listing every problem, if there is any */
    public void throwIfInvalid() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static String shown(Setting<?> setting, String raw) {
        return setting.isSecret() ? ConfigProblem.HIDDEN : raw;
    }
}
