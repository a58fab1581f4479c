package fr.crt.hub.alerts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of {@code mappings/alert-rules.yaml}, re-read when the file changes. A file that does not parse (or
 * holds a bad rule, or a duplicate id) is reported and the previous rules stay in force.
 */
public class AlertRules {

    private static final Logger log = LoggerFactory.getLogger(AlertRules.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** Shape of the file. */
    record RulesFile(List<AlertRule> rules) {}

    private final Path file;
    private volatile List<AlertRule> rules = List.of();
    private volatile FileTime seen;

    public AlertRules(Path file) {
        this.file = file;
        current();
    }

    /** The rules in force (the file is re-read first if it changed). */
    public synchronized List<AlertRule> current() {
        try {
            if (!Files.exists(file)) {
                if (seen != null || rules.isEmpty()) log.warn("No alert rules file at {}: no alert is evaluated", file.toAbsolutePath());
                seen = null;
                rules = List.of();
                return rules;
            }
            FileTime t = Files.getLastModifiedTime(file);
            if (t.equals(seen)) return rules;
            seen = t;
            rules = parse(file);
            log.info("Alert rules loaded: {}", rules.stream().map(AlertRule::id).toList());
        } catch (IOException | IllegalArgumentException e) {
            log.error("Alert rules file {} not loaded, previous rules kept: {}", file.getFileName(), e.getMessage());
        }
        return rules;
    }

    static List<AlertRule> parse(Path file) throws IOException {
        RulesFile f = YAML.readValue(file.toFile(), RulesFile.class);
        List<AlertRule> list = f == null || f.rules() == null ? List.of() : List.copyOf(f.rules());
        Set<String> ids = new HashSet<>();
        for (AlertRule r : list) {
            if (r == null) throw new IllegalArgumentException("empty rule");
            if (!ids.add(r.id())) throw new IllegalArgumentException("duplicate rule id " + r.id());
        }
        return list;
    }
}
