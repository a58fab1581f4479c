package fr.crt.hub.outbound;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.springframework.stereotype.Component;

/**
 * File drop: one file per message, written atomically — a hidden temporary file in the same folder, synced, then
 * renamed — so the partner's poller never reads half a message. The name is the message's control id, so a message
 * written again after a crash replaces itself instead of making a second file.
 */
@Component
public class FileDropSender implements PartnerSender {

    @Override
    public DeliveryOutcome send(PartnerOutbound partner, long messageId, String controlId, byte[] raw) {
        String name = controlId + (partner.format() == PartnerOutbound.Format.HL7V2 ? ".hl7" : ".json");
        Path dir = partner.directory();
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(raw));
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            return DeliveryOutcome.delivered(null);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next attempt truncates it
            }
            return DeliveryOutcome.retry("file drop failed: " + e.getClass().getSimpleName());
        }
    }
}
