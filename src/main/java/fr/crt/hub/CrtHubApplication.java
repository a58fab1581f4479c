package fr.crt.hub;

import fr.crt.hub.pki.PkiCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of the CRT interoperability hub. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class CrtHubApplication {
    public static void main(String[] args) {
        // `pki …` runs the development PKI command (fr.crt.hub.pki.PkiCommand) without starting the hub.
        if (PkiCommand.handle(args)) return;
        SpringApplication.run(CrtHubApplication.class, args);
    }
}
