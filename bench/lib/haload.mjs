// A steady create load sent as a careful client with every control-plane address sends it (the
// JavaScript twin of test/harness/haload.ts): each create is retried with the same body through
// network errors, attempt timeouts, 503 (after its Retry-After) and 504, on the next API server
// each time, until a budget runs out. Every attempt is recorded.
import { request } from 'undici';

const RETRIED = [503, 504];

/** Sends one create until it gets an answer other than a retryable one, or the budget runs out; resolves its record. */
export async function createAsClient(apis, first, name, o) {
  const rec = { name, startedAt: Date.now(), attempts: [], status: undefined, uid: undefined };
  const deadline = rec.startedAt + o.budgetMs;
  for (let attempt = 0; ; attempt++) {
    const n = (first + attempt) % apis.length;
    const api = apis[n];
    let wait = Math.min(2000, 100 * 2 ** Math.min(attempt, 5));
    const sentAt = Date.now();
    try {
      const res = await request(api.url + o.path, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(o.body(name)),
        dispatcher: api.dispatcher,
        signal: AbortSignal.timeout(o.attemptTimeoutMs),
      });
      const text = await res.body.text();
      rec.attempts.push({ api: n, sentAt, endedAt: Date.now(), result: res.statusCode });
      if (!RETRIED.includes(res.statusCode)) {
        rec.status = res.statusCode;
        if (res.statusCode === 201) rec.uid = JSON.parse(text).metadata?.uid;
        return rec;
      }
      const after = Number(res.headers['retry-after']);
      if (after > 0) wait = after * 1000;
    } catch (e) {
      rec.attempts.push({ api: n, sentAt, endedAt: Date.now(), result: e.name === 'TimeoutError' || e.code === 'UND_ERR_ABORTED' ? 'timeout' : (e.code ?? e.cause?.code ?? e.name) });
    }
    if (Date.now() >= deadline) return rec;
    await new Promise((r) => setTimeout(r, wait / 2 + Math.random() * (wait / 2)));
  }
}

/** Starts `o.clients` clients creating `prefix-<n>` objects, spread over `apis`; `stop()` resolves every record. */
export function startLoad(apis, prefix, o) {
  let stopping = false;
  let next = 0;
  const records = [];
  const client = async (c) => {
    while (!stopping) records.push(await createAsClient(apis, c, `${prefix}-${next++}`, o));
  };
  const running = Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)));
  return {
    /** Records so far (creates still under way are not in it). */
    records,
    async stop() {
      stopping = true;
      await running;
      return records;
    },
  };
}

/** The time a create was acknowledged (its last attempt's end), for a 201. */
const ackedAt = (r) => r.attempts.at(-1).endedAt;

/** The longest time within [from, to] in which no create was answered 201 (a write stall), and when it began. */
export function longestGap(records, from, to) {
  const times = records.filter((r) => r.status === 201).map(ackedAt).filter((t) => t >= from && t <= to).sort((a, b) => a - b);
  let best = { ms: 0, since: from };
  let prev = from;
  for (const t of [...times, to]) {
    if (t - prev > best.ms) best = { ms: t - prev, since: prev };
    prev = t;
  }
  return best;
}

/** Counts of the attempts that were retried, by cause (an HTTP status, 'timeout' or an error code). */
export function retryCauses(records) {
  const causes = new Map();
  for (const r of records) for (const a of r.attempts.slice(0, -1)) causes.set(String(a.result), (causes.get(String(a.result)) ?? 0) + 1);
  return causes;
}
