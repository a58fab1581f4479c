package fr.crt.hub.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert rules file: the shipped one parses; a bad file is refused whole and the previous rules stay in force. */
class AlertRulesTest {

    @TempDir
    Path dir;

    @Test
    void theShippedRulesParse() throws Exception {
        List<AlertRule> rules = AlertRules.parse(Path.of("mappings/alert-rules.yaml"));
        assertThat(rules).extracting(AlertRule::kind).containsExactlyInAnyOrder(AlertRule.SILENT, AlertRule.ERROR_RATE,
                AlertRule.QUEUE_DEPTH, AlertRule.CERTIFICATE);
        AlertRule silent = rules.stream().filter(r -> r.kind().equals(AlertRule.SILENT)).findFirst().orElseThrow();
        assertThat(silent.silentDuration()).isEqualTo(Duration.ofMinutes(60));
        assertThat(silent.watches("any-partner")).isTrue();
    }

    @Test
    void badFilesAreRefusedAndThePreviousRulesKept() throws Exception {
        Path file = dir.resolve("rules.yaml");
        Files.writeString(file, "rules:\n  - { id: q, kind: queue-depth, above: 10 }\n");
        AlertRules rules = new AlertRules(file);
        assertThat(rules.current()).extracting(AlertRule::id).containsExactly("q");
        String[] bad = {
                "rules:\n  - { id: q, kind: queue-length, above: 10 }\n",
                "rules:\n  - { id: s, kind: connector-silent }\n",
                "rules:\n  - { id: s, kind: connector-silent, silentFor: soon }\n",
                "rules:\n  - { id: s, kind: connector-silent, silentFor: -5m }\n",
                "rules:\n  - { id: e, kind: error-rate, window: 1h, abovePercent: 150 }\n",
                "rules:\n  - { id: e, kind: error-rate, window: 1h, abovePercent: 5, minMessages: 0 }\n",
                "rules:\n  - { id: c, kind: certificate-expiry, underDays: 0 }\n",
                "rules:\n  - { id: q, kind: queue-depth, above: 1 }\n  - { id: q, kind: queue-depth, above: 2 }\n",
                "rules:\n  - { id: q, kind: queue-depth, above: 1, colour: red }\n",
                "rules:\n  - { id: 'Q Q', kind: queue-depth, above: 1 }\n",
                "rules: [ { id: q, kind: queue-depth, above: 1 \n",
                "\u0000\u0001binary",
        };
        long t = Files.getLastModifiedTime(file).toMillis();
        for (String content : bad) {
            Files.writeString(file, content);
            Files.setLastModifiedTime(file, FileTime.fromMillis(t += 2000)); // a change the reload sees
            assertThat(rules.current()).as(content).extracting(AlertRule::id).containsExactly("q");
            assertThat(rules.current().get(0).above()).isEqualTo(10);
            assertThatThrownBy(() -> AlertRules.parse(file)).as(content).isInstanceOfAny(IllegalArgumentException.class,
                    java.io.IOException.class);
        }
        Files.writeString(file, "rules:\n  - { id: q, kind: queue-depth, above: 20 }\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochMilli(t + 2000)));
        assertThat(rules.current().get(0).above()).isEqualTo(20);
    }
}
