/** Errors of patch application. */
import { WharfError } from '@wharf/core';
export { BadRequestError } from '@wharf/core';

/** 422: the patch is well-formed but cannot be applied to this object. */
export class UnprocessablePatch extends WharfError {
  constructor(message: string) {
    super('Invalid', 422, `the patch could not be applied: ${message}`);
  }
}
