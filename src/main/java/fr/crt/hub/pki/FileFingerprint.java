package fr.crt.hub.pki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What files looked like (modification time, size, identity) the last time they were read: cheap to compute on
 * every TLS handshake, and it changes when {@link PkiFolder} replaces a file atomically (new file identity) even
 * within the file system's time resolution.
 */
record FileFingerprint(List<String> parts) {

    static FileFingerprint of(List<Path> files) {
        List<String> parts = new ArrayList<>();
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                parts.add(f + "|" + a.lastModifiedTime().toMillis() + "|" + a.size() + "|" + Objects.toString(a.fileKey()));
            } catch (IOException e) {
                parts.add(f + "|absent");
            }
        }
        return new FileFingerprint(List.copyOf(parts));
    }
}
