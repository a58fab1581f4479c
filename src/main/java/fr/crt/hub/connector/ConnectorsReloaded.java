package fr.crt.hub.connector;

import java.util.Set;

/**
 * Published by {@link ConnectorRegistry} once a changed connector folder has been read and applied (not when a
 * broken file made it keep the previous set): capabilities that build something long-lived from connector files, such
 * as the MSSanté mailbox routes, rebuild it from the registry then, instead of polling the files themselves.
 */
public record ConnectorsReloaded(Set<String> partners, Set<String> services) {}
