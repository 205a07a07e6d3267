/** The core/v1 Event kind: a record of something that happened to an object. */
import { z } from 'zod';
import { Int32, ObjectReference, typeMeta } from './meta.js';

export const Event = z.strictObject({
  ...typeMeta('Event'),
  involvedObject: ObjectReference,
  reason: z.string().optional(),
  message: z.string().optional(),
  source: z.strictObject({ component: z.string().optional(), host: z.string().optional() }).optional(),
  firstTimestamp: z.string().nullable().optional(),
  lastTimestamp: z.string().nullable().optional(),
  eventTime: z.string().nullable().optional(),
  count: Int32.optional(),
  type: z.enum(['Normal', 'Warning']).optional(),
  action: z.string().optional(),
  reportingComponent: z.string().optional(),
  reportingInstance: z.string().optional(),
  related: ObjectReference.optional(),
});
export type Event = z.infer<typeof Event>;
