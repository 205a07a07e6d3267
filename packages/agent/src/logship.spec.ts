import { describe, expect, it } from 'vitest';
import { resumePoint } from './logship.js';

describe('log shipping resume point', () => {
  const o = { podUid: 'u', restartCount: 2 };
  it('ships everything when nothing of this instance was shipped', () => {
    expect(resumePoint(o, undefined)).toEqual({ skip: false, sinceSeconds: 0 });
    expect(resumePoint(o, { podUid: 'other', restartCount: 5, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: false, sinceSeconds: 0 });
    expect(resumePoint(o, { podUid: 'u', restartCount: 1, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: false, sinceSeconds: 0 });
  });
  it('resumes after the last shipped line of the same instance, and skips older instances', () => {
    expect(resumePoint(o, { podUid: 'u', restartCount: 2, time: '2025-01-01T00:00:07.123456789Z' })).toEqual({ skip: false, sinceSeconds: 1735689607, after: 1735689607123456789n });
    expect(resumePoint(o, { podUid: 'u', restartCount: 3, time: '2025-01-01T00:00:00Z' })).toEqual({ skip: true });
  });
});
