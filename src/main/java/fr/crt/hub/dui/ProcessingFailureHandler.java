package fr.crt.hub.dui;

import fr.crt.hub.indicators.HubMetrics;
import fr.crt.hub.store.MessageStatus;
import fr.crt.hub.store.MessageStore;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Declared once in {@code routes/error-handling.yaml}: what happens to a stored message whose processing
 * failed. Reasons written to the store name the failure kind and the field, never the data.
 */
@Component("processingFailure")
public class ProcessingFailureHandler {

    private static final Logger log = LoggerFactory.getLogger(ProcessingFailureHandler.class);
    private final MessageStore store;
    private final HubMetrics metrics;

    public ProcessingFailureHandler(MessageStore store, HubMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** A content error found at processing time (e.g. the partner's file changed): no retry can fix it. */
    public void rejected(Exchange exchange) {
        MessageRejectedException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, MessageRejectedException.class);
        Long id = exchange.getIn().getBody(Long.class);
        String reason = e.location() + " " + e.errorCode() + ": " + e.getMessage();
        store.markFailedAttempt(id, MessageStatus.DEAD_LETTER, reason);
        store.event(id, "ERROR", reason);
        metrics.failed(null, null, "dead-letter");
        log.warn("message {} dead-lettered: {} {}", id, e.location(), e.errorCode());
    }

    /** Called before each redelivery: the message is visible as retrying. */
    public void retrying(Exchange exchange) {
        Long id = exchange.getIn().getBody(Long.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String kind = e == null ? "unknown error" : e.getClass().getSimpleName();
        store.markFailedAttempt(id, MessageStatus.RETRYING, kind);
        store.event(id, "RETRY", kind);
        metrics.failed(null, null, "retrying");
    }

    /** Retries exhausted: the message waits for an operator (fix, then replay). */
    public void exhausted(Exchange exchange) {
        Long id = exchange.getIn().getBody(Long.class);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = "retries exhausted: " + (e == null ? "unknown error" : e.getClass().getSimpleName());
        store.markFailedAttempt(id, MessageStatus.DEAD_LETTER, reason);
        store.event(id, "ERROR", reason);
        metrics.failed(null, null, "dead-letter");
        log.error("message {} dead-lettered after retries: {}", id, e == null ? "?" : e.getClass().getName());
    }
}
