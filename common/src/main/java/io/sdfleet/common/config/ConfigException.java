package io.sdfleet.common.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is invalid. Fatal: the process must not start; the operator fixes the environment.
 * Lists every bad setting at once (never only the first), each with its key, value and what is allowed.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(describe(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every bad setting, in the order they were read. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigProblem> problems) {
        return "invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + "):" + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
