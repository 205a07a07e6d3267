import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, InvalidError, NotFoundError, UnauthorizedError, WharfError } from '@wharf/model';
import { UnknownKindError } from '@wharf/client';
import { CliError, formatError, withSource } from './errors.js';

describe('formatError', () => {
  it('prints server errors with their reason', () => {
    expect(formatError(new NotFoundError('pods', 'x'))).toBe('Error from server (NotFound): pods "x" not found');
    expect(formatError(new AlreadyExistsError('pods', 'x'))).toBe('Error from server (AlreadyExists): pods "x" already exists');
    expect(formatError(new WharfError('', 500, 'boom'))).toBe('Error from server: boom');
  });
  it('prints Invalid errors as kubectl does', () => {
    const one = new InvalidError('Pod', 'x', [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' }]);
    expect(formatError(one)).toBe('The Pod "x" is invalid: spec.containers[0].image: Required value');
    const two = new InvalidError('Pod', 'x', [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
      { reason: 'FieldValueInvalid', message: 'must be no more than 63 characters', field: 'metadata.name' },
    ]);
    expect(formatError(two)).toBe('The Pod "x" is invalid: \n* spec.containers[0].image: Required value\n* metadata.name: must be no more than 63 characters');
  });
  it('prints Unauthorized as kubectl does', () => {
    expect(formatError(new UnauthorizedError())).toBe('error: You must be logged in to the server (Unauthorized)');
  });
  it('prints client errors as "error: ..." on one line', () => {
    expect(formatError(new UnknownKindError('foo'))).toBe(`error: the server doesn't have a resource type "foo"`);
    expect(formatError(new CliError('one\ntwo'))).toBe('error: one');
  });
  it('adds the source file to server errors, but not to Invalid', () => {
    expect(formatError(withSource(new AlreadyExistsError('pods', 'x'), 'creating', 'pod.yaml'))).toBe('Error from server (AlreadyExists): error when creating "pod.yaml": pods "x" already exists');
    const inv = new InvalidError('Pod', 'x', [{ reason: 'r', message: 'Required value', field: 'f' }]);
    expect(withSource(inv, 'creating', 'pod.yaml')).toBe(inv);
  });
});

describe('usageMessage', () => {
  it('reduces oclif parse errors to one line', async () => {
    const { usageMessage } = await import('./base.js');
    expect(usageMessage('The following error occurred:\n  Missing required flag replicas\nSee more help with --help')).toBe('Missing required flag replicas');
    expect(usageMessage('Nonexistent flag: --bogus\nSee more help with --help')).toBe('Nonexistent flag: --bogus');
  });
});
