package fr.crt.hub.tddui;

import fr.crt.hub.connector.Connector;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.stereotype.Component;

/**
 * The way from {@code POST /tddui} into {@code routes/tddui-inbound.yaml}: puts the partner and the body (or, for a body
 * over the cap, its size) on an exchange, sends it to {@link #ENDPOINT} and returns the route's reply, the intake's
 * {@link TdduiIntake.Answer}. An exception of the route comes back as thrown (the route has no error handler), not
 * wrapped by Camel, so the controller sees what the intake threw. A route stopped from the console is answered 503
 * (the partner sends again later), with nothing stored.
 */
@Component
public class TdduiInboundRoute {

    public static final String ENDPOINT = "direct:tddui-inbound";
    static final String PARTNER = "tdduiPartner";
    static final String CONTENT_TYPE = "tdduiContentType";
    static final String TOO_LARGE_BYTES = "tdduiTooLargeBytes";
    static final String MAX_BYTES = "tdduiMaxBytes";

    private final ProducerTemplate producer;

    public TdduiInboundRoute(ProducerTemplate producer) {
        this.producer = producer;
    }

    /** A body read whole: stored, validated, checked, applied (see the route). */
    public TdduiIntake.Answer receive(Connector partner, byte[] raw, String contentType) {
        return send(e -> {
            e.setProperty(PARTNER, partner);
            e.setProperty(CONTENT_TYPE, contentType);
            e.getIn().setBody(raw);
        });
    }

    /** A body over {@code maxBytes} ({@code bytes} declared or read): recorded without its bytes. */
    public TdduiIntake.Answer tooLarge(Connector partner, long bytes, long maxBytes) {
        return send(e -> {
            e.setProperty(PARTNER, partner);
            e.setProperty(TOO_LARGE_BYTES, bytes);
            e.setProperty(MAX_BYTES, maxBytes);
        });
    }

    private TdduiIntake.Answer send(Processor request) {
        // block=false: a route stopped from the console fails at once instead of holding the partner's call
        Exchange done = producer.send(ENDPOINT + "?block=false", ExchangePattern.InOut, request);
        Exception failure = done.getException();
        if (failure instanceof DirectConsumerNotAvailableException) {
            return new TdduiIntake.Answer(503, new TdduiRejected(503, IssueType.TRANSIENT, null, "the hub's TDDUI intake "
                    + "(route tddui-inbound) is stopped: nothing was received or stored, send the bundle again later").outcome(), null);
        }
        if (failure instanceof RuntimeException re) throw re;
        // only Camel's own checked exceptions: the intake throws none
        if (failure != null) throw new RuntimeCamelException(failure);
        return done.getMessage().getBody(TdduiIntake.Answer.class);
    }
}
