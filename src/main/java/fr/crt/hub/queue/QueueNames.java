package fr.crt.hub.queue;

import jakarta.jms.Destination;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.stereotype.Component;

/**
 * Resolves the hub's queue names without asking the broker. Spring's default resolver calls
 * {@code Session.createQueue}, which Artemis answers with a blocking round trip to the broker on every
 * send; the hub's queues are declared at start ({@code spring.artemis.embedded.queues}), so the name is enough.
 */
@Component("hubDestinationResolver")
public class QueueNames implements DestinationResolver {

    @Override
    public Destination resolveDestinationName(Session session, String name, boolean pubSub) {
        return pubSub ? ActiveMQDestination.createTopic(name) : ActiveMQDestination.createQueue(name);
    }
}
