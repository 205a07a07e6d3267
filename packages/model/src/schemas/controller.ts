/** The ReplicationController kind. */
import { z } from 'zod';
import { Condition, Int64, Labels, NonNegativeInt32, typeMeta } from './meta.js';
import { PodTemplateSpec } from './pod.js';

export const ReplicationControllerSpec = z.strictObject({
  replicas: NonNegativeInt32.optional(),
  minReadySeconds: NonNegativeInt32.optional(),
  selector: Labels.optional(),
  template: PodTemplateSpec.optional(),
});

export const ReplicationControllerStatus = z.strictObject({
  replicas: NonNegativeInt32,
  fullyLabeledReplicas: NonNegativeInt32.optional(),
  readyReplicas: NonNegativeInt32.optional(),
  availableReplicas: NonNegativeInt32.optional(),
  observedGeneration: Int64.optional(),
  conditions: z.array(Condition).optional(),
  /**
   * Wharf extension (not in Kubernetes): uids of pods a replication controller instance has
   * chosen to delete on scale-down and not yet seen terminating. Recorded with a compare-and-set
   * on the controller before the deletions, so two instances never pick different victims.
   */
  deletingPods: z.array(z.string()).optional(),
});

export const ReplicationController = z.strictObject({
  ...typeMeta('ReplicationController'),
  spec: ReplicationControllerSpec,
  status: ReplicationControllerStatus.optional(),
});
export type ReplicationController = z.infer<typeof ReplicationController>;
