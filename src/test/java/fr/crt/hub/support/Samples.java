package fr.crt.hub.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The public ANS samples in {@code ../shared/samples}, read as bytes, untouched. */
public final class Samples {
    public static final Path ROOT = Path.of("..", "shared", "samples");

    private Samples() {}

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String utf8(String relative) {
        return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
    }
}
