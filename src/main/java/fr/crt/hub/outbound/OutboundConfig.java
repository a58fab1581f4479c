package fr.crt.hub.outbound;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code hub.outbound.*}. */
@Configuration
@EnableConfigurationProperties(OutboundProperties.class)
public class OutboundConfig {}
