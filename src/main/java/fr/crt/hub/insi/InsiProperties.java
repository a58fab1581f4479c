package fr.crt.hub.insi;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Overrides of the INSi connector file ({@code connectors/insi.yaml}).
 *
 * @param url when set, replaces the file's {@code url} (tests point it at WireMock; an environment can point it at
 *            the qualification or production endpoint without editing the file)
 */
@ConfigurationProperties("hub.insi")
public record InsiProperties(String url) {}
