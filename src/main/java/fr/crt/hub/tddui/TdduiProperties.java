package fr.crt.hub.tddui;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * TDDUI intake settings ({@code hub.tddui.*}).
 *
 * @param maxBody largest accepted body; a larger one is refused (413) without being read
 */
@ConfigurationProperties("hub.tddui")
public record TdduiProperties(@DefaultValue("10MB") DataSize maxBody) {}
