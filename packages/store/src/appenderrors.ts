/** How an append to the event log can be refused: the write path (objects.ts) acts on each. */

/** An append was rejected because the subject moved past the expected sequence. */
export class StaleSequenceError extends Error {
  override name = 'StaleSequenceError';
  constructor(readonly subject: string, readonly expected: number) {
    super(`subject ${subject} is no longer at sequence ${expected}`);
  }
}

/**
 * The append named a de-duplication id (`Nats-Msg-Id`) that the stream holds already: the write
 * was sent before and nothing new was stored. `seq` is where the earlier one landed; 0 while that
 * one is still being stored (an R3 stream answers so for a duplicate in flight).
 */
export class DuplicateAppendError extends Error {
  override name = 'DuplicateAppendError';
  constructor(readonly subject: string, readonly expected: number, readonly seq: number) {
    super(`subject ${subject} already has this write${seq ? ` at sequence ${seq}` : ' (being stored)'}`);
  }
}
