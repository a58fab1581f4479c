package fr.crt.hub.store;

/** Where a stored message stands. Every status but PROCESSED and DUPLICATE is visible as work to do in the console. */
public enum MessageStatus {
    /** Stored raw, accepted (AA), waiting on the durable queue. */
    QUEUED,
    /** Applied to the canonical repository. */
    PROCESSED,
    /** Processing failed and will be retried. */
    RETRYING,
    /** Retries exhausted; needs an operator (fix and replay). */
    DEAD_LETTER,
    /** Refused at the door (AR/AE): unknown sender, unparseable, invalid field; kept for repair and replay. */
    REJECTED,
    /** Same partner, control id and content as an earlier message: acknowledged, not processed again. */
    DUPLICATE,
    /** Mail kept with documents but nothing saying whose they are (no XDM): a person attaches them to a patient. */
    AWAITING_ATTACHMENT,
    /** Documents for an INS no Patient of the hub carries: kept, applied by a replay once the patient exists. */
    PATIENT_UNKNOWN,
    /** Outbound message not sent, waiting for a condition (e.g. a qualified INS); the reason says which. */
    HELD,
    /** Held outbound message whose condition was met: sent again as the new message its events name. */
    RELEASED,
    /** Outbound message handed to the mail server. */
    SENT,
    /** Outbound message reported delivered (DSN). */
    DELIVERED,
    /** Outbound message reported read or processed by the recipient (MDN). */
    READ,
    /** Outbound message reported undeliverable (DSN failed) or refused by the recipient (error MDN). */
    BOUNCED
}
