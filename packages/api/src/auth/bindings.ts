/**
 * Role bindings, stored as JSON in the cluster's auth bucket under `binding.<name>` and mirrored
 * in memory by a watch, as the tokens are. A value that is not a valid Binding is skipped (and
 * so grants nothing). The built-in bindings (system:masters to cluster-admin...) are not stored:
 * the model's `authorize` always adds them.
 */
import type { KV } from '@nats-io/kv';
import { Binding, type RoleBinding } from '@wharf/model';
import { mirrorKeys } from './kvwatch.js';

/** The stored bindings of a cluster. */
export class Bindings {
  #byName = new Map<string, Binding>();
  #stop: (() => void) | undefined;

  private constructor(private readonly kv: KV) {}

  /** Loads every binding of `kv` and follows changes. */
  static async open(kv: KV): Promise<Bindings> {
    const b = new Bindings(kv);
    b.#stop = await mirrorKeys(kv, 'binding', {
      put: (name, e) => {
        const parsed = Binding.safeParse(safeJson(e.string()));
        if (parsed.success && parsed.data.name === name) b.#byName.set(name, parsed.data);
        else b.#byName.delete(name);
      },
      remove: (name) => b.#byName.delete(name),
    });
    return b;
  }

  /** Every stored binding (a live view: iterate, don't keep). */
  all(): Iterable<RoleBinding> {
    return this.#byName.values();
  }

  /** Stores a binding (replacing one of the same name). */
  async put(b: Binding): Promise<void> {
    const valid = Binding.parse(b);
    await this.kv.put(`binding.${valid.name}`, JSON.stringify(valid));
    this.#byName.set(valid.name, valid);
  }

  /** Deletes the bindings a token's creation made. */
  async deleteOfToken(id: string): Promise<void> {
    for (const b of [...this.#byName.values()].filter((x) => x.token === id)) {
      await this.kv.delete(`binding.${b.name}`);
      this.#byName.delete(b.name);
    }
  }

  /** Stops watching. */
  close(): void {
    this.#stop?.();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
