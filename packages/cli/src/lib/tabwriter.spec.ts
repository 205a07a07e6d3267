import { describe, expect, it } from 'vitest';
import { buildTable, type KObject, type Table } from '@wharf/model';
import { cellText, columnWidths, formatTable, layoutTable } from './tabwriter.js';

const now = new Date('2025-01-01T12:00:00Z');
const pod = (name: string, ns = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, creationTimestamp: '2025-01-01T11:59:55Z' },
  spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'node-1' },
  status: { phase: 'Running', podIP: '127.0.0.1', containerStatuses: [{ name: 'c', image: 'i', ready: true, restartCount: 0, state: { running: {} } }] },
});

describe('formatTable', () => {
  it('prints kubectl get pods: upper-case headers, 3-space gaps, last column unpadded', () => {
    const t = buildTable('Pod', [pod('microservice1'), pod('ms1-abcde')], now);
    expect(formatTable(layoutTable(t)).text).toBe(
      'NAME            READY   STATUS    RESTARTS   AGE\n' +
      'microservice1   1/1     Running   0          5s\n' +
      'ms1-abcde       1/1     Running   0          5s\n',
    );
  });
  it('shows wide columns with -o wide and a NAMESPACE column with -A', () => {
    const t = buildTable('Pod', [pod('a', 'prod')], now);
    const laid = layoutTable(t, { wide: true, withNamespace: true });
    expect(laid.headers).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(laid.rows[0]).toEqual(['prod', 'a', '1/1', 'Running', '0', '5s', '127.0.0.1', 'node-1', '<none>', '<none>']);
  });
  it('omits headers with --no-headers and prefixes names with the kind', () => {
    const t = buildTable('Pod', [pod('a')], now);
    expect(formatTable(layoutTable(t, { kindPrefix: 'pod' }), { noHeaders: true }).text).toBe('pod/a   1/1   Running   0     5s\n');
  });
  it('pads narrow columns to the tabwriter minimum of 6', () => {
    expect(columnWidths([['A', 'B', 'C']])).toEqual([6, 6]);
  });
  it('keeps widths from earlier output, growing only (watch rows)', () => {
    const first = formatTable({ headers: ['NAME', 'AGE'], rows: [['a-long-name', '1s']] });
    const next = formatTable({ headers: [], rows: [['b', '2s']] }, { noHeaders: true, widths: first.widths });
    expect(next.text).toBe('b' + ' '.repeat(13) + '2s\n');
  });
});

describe('cellText', () => {
  it('prints cells as kubectl does', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(3)).toBe('3');
    expect(cellText('line one\nline two')).toBe('line one...');
  });
  it('reads the namespace from row objects, empty when missing', () => {
    const t: Table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: {}, columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', description: '', priority: 0 }], rows: [{ cells: ['x'] } as Table['rows'][number]] };
    expect(layoutTable(t, { withNamespace: true }).rows).toEqual([['', 'x']]);
  });
});
