package fr.crt.hub.dui;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Marks a message RETRYING before each redelivery (referenced by {@code onRedeliveryRef} in error-handling.yaml). */
@Component("processingRetryListener")
public class ProcessingRetryListener implements Processor {
    private final ProcessingFailureHandler handler;

    public ProcessingRetryListener(ProcessingFailureHandler handler) {
        this.handler = handler;
    }

    @Override
    public void process(Exchange exchange) {
        handler.retrying(exchange);
    }
}
