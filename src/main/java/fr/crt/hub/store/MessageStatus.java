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
    DUPLICATE
}
