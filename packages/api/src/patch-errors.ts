/** Errors of patch application. */
import { WharfError } from '@wharf/model';
export { BadRequestError } from '@wharf/model';

/** 422: the patch is well-formed but cannot be applied to this object. */
export class UnprocessablePatch extends WharfError {
  constructor(message: string) {
    super('Invalid', 422, `the patch could not be applied: ${message}`);
  }
}
