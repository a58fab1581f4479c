package fr.crt.hub.dui;

import fr.crt.hub.connector.Connector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Access to the shared PAM-FR samples (read raw: LF / CRLF separators, UTF-8 or 8859/1) and a test partner. */
final class PamFrSamples {

    /** The project directory's parent holds {@code shared}. */
    static final Path ROOT = Path.of("../shared/samples");
    static final Path PAM_FR = ROOT.resolve("hl7v2/pam-fr");
    static final Path ADMISSION = PAM_FR.resolve("sgl/admission_ADT_A01.er7");
    static final Path DISCHARGE = PAM_FR.resolve("sgl/sortie_ADT_A03.er7");
    static final Path HISTORICAL = PAM_FR.resolve("consentement-dmp/historical_pam2.10_Consentement_Positif_DMP.er7");

    static final Connector PARTNER = new Connector("chu-x", "CHU X", "hospital",
            new Connector.Organisation("000897406", "CHU X"),
            new Connector.Inbound("mllp", List.of("GAM"), List.of("CHU-X")),
            List.of(), "UTF-8", "1.2.250.1.999.1.1", new Connector.InsPolicy(true, false));

    private PamFrSamples() {}

    static List<Path> allAdt() {
        try (Stream<Path> files = Files.walk(PAM_FR)) {
            return files.filter(p -> p.toString().endsWith(".er7")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes with MSH-18 as the transport would (8859/1 → ISO-8859-1, else UTF-8). */
    static String read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String header = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
            Charset charset = header.contains("|8859/1|") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
            return new String(bytes, charset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SGL admission with its segments changed by {@code edit} (for hand-written variants). */
    static String admissionWith(java.util.function.UnaryOperator<String> edit) {
        return edit.apply(read(ADMISSION));
    }
}
