package io.sdfleet.local.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads the deployment files of the repository: YAML documents (several per file), compose's
 * {@code ${VAR:-default}} interpolation with the values of {@code compose/.env.example}, Dockerfile
 * instructions. Stateless helpers; the repository root is found from the module folder surefire runs in.
 */
final class DeployFiles {
    static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private DeployFiles() {
    }

    /** The repository root: the first folder upwards holding both pom.xml and k8s/. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("k8s"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root (pom.xml + k8s/) not found above " + Path.of("").toAbsolutePath());
    }

    /** Every non-empty YAML document of a file, as a tree. */
    static List<ObjectNode> yamlDocuments(Path file) {
        try {
            return yamlDocuments(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ObjectNode> yamlDocuments(String text) {
        List<ObjectNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(text)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!node.isObject()) {
                    throw new IllegalArgumentException("a YAML document is not a mapping: " + node);
                }
                docs.add((ObjectNode) node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    /**
     * A compose file as compose reads it: one document, YAML anchors and aliases resolved and {@code <<} merge
     * keys applied (Jackson's YAML tree reader resolves neither), compose's own tags {@code !reset} and
     * {@code !override} kept as the plain value they carry (the merge in ComposeChecks gives them their meaning).
     */
    static ObjectNode composeDocument(String text) {
        LoaderOptions options = new LoaderOptions();
        Object tree = new Yaml(new ComposeTags(options), new Representer(new DumperOptions()), new DumperOptions(),
                options).load(text);
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("a compose file is not a mapping: " + tree);
        }
        return JSON.valueToTree(tree);
    }

    /** SnakeYAML's safe constructor, with any unknown tag (compose's !reset, !override) read as untagged. */
    private static final class ComposeTags extends SafeConstructor {
        ComposeTags(LoaderOptions options) {
            super(options);
            yamlConstructors.put(null, new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    Tag plain = switch (node.getNodeId()) {
                        case mapping -> Tag.MAP;
                        case sequence -> Tag.SEQ;
                        default -> Tag.STR;
                    };
                    if (node.getNodeId() == NodeId.scalar && ((ScalarNode) node).getValue().isEmpty()) {
                        return null;
                    }
                    node.setTag(plain);
                    return getConstructor(node).construct(node);
                }
            });
        }
    }

    /** Every *.yaml / *.yml file under a folder, sorted. */
    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** KEY=VALUE lines of an env file (comments and blank lines skipped). */
    static Map<String, String> envFile(Path file) {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(file + ": not KEY=VALUE: " + line);
                }
                env.put(l.substring(0, eq), l.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    /** Compose interpolation: {@code ${VAR}}, {@code ${VAR:-default}}, {@code $$} → {@code $}. */
    static String interpolate(String text, Map<String, String> env) {
        Matcher m = INTERPOLATION.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("$$", "$");
    }

    /** A scalar as text (numbers and booleans too), null when absent. */
    static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    /** A mapping of scalars (an environment block or ConfigMap data) as strings; nulls kept out. */
    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
