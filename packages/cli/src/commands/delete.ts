import { Args, Flags } from '@oclif/core';
import { kindOf } from '@wharf/client';
import { WharfCommand } from '../lib/base.js';
import { prepare } from '../lib/apply.js';
import { gracePeriod, runDelete, type DeleteTarget } from '../lib/delete.js';
import { CliError, formatError } from '../lib/errors.js';
import { readManifests } from '../lib/manifests.js';
import { parseDuration } from '../lib/argv.js';
import { parseTargets } from '../lib/targets.js';

/** `wharf delete`: deletes by name, by file, by label selector or all of a kind, then waits until they are gone. */
export default class Delete extends WharfCommand {
  static override summary = 'Delete resources by file names, stdin, resources and names, or by label selector.';
  static override description = `Delete the named resources, the resources of the -f manifests, those matching -l, or all of a kind with --all. Prints one line per deleted resource and, unless --wait=false, waits until each is really gone (pods first terminate their containers), up to --timeout.

--cascade decides what happens to dependents (pods of a replication controller): background (the default) deletes them after the owner, foreground before it, orphan leaves them running.`;

  static override usage = 'delete (KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all | -f FILE) [flags]';

  static override examples = [
    '<%= config.bin %> delete pod microservice1',
    '<%= config.bin %> delete -f microservice1-rc.yaml',
    '<%= config.bin %> delete pods -l app=microservice1',
    '<%= config.bin %> delete rc microservice1 --cascade=orphan',
    '<%= config.bin %> delete pods --all --now --wait=false',
  ];

  static override strict = false;
  static override args = {
    type: Args.string({ description: 'Resource kind (pods, po, svc, rc...), or KIND/NAME.' }),
    name: Args.string({ description: 'Names of the resources to delete (any number).' }),
  };

  static override flags = {
    filename: Flags.string({ char: 'f', multiple: true, multipleNonGreedy: true, description: 'File, directory or "-" (stdin) naming the resources to delete. Repeatable.' }),
    selector: Flags.string({ char: 'l', description: 'Delete the resources of the kind matching this label selector.' }),
    all: Flags.boolean({ description: 'Delete all resources of the kind in the namespace.' }),
    cascade: Flags.string({ description: 'What happens to dependents.', options: ['background', 'orphan', 'foreground'], default: 'background' }),
    'grace-period': Flags.integer({ description: 'Seconds given to the resource to terminate gracefully; negative means the resource\'s default.', default: -1 }),
    now: Flags.boolean({ description: 'Signal the resource to stop immediately (same as --grace-period=1).' }),
    wait: Flags.boolean({ description: 'Wait until the resources are gone before returning (--no-wait or --wait=false to skip).', default: true, allowNo: true }),
    timeout: Flags.string({ description: 'How long to wait for the deletion, e.g. 60s, 2m.', default: '60s' }),
    'ignore-not-found': Flags.boolean({ description: 'Treat "resource not found" as a successful delete.' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Delete);
    const timeoutMs = parseDuration(flags.timeout);
    if (Number.isNaN(timeoutMs)) throw new CliError(`invalid --timeout "${flags.timeout}": use a duration such as 60s or 2m`);
    const { client, namespace, explicitNamespace } = await this.connect(flags);
    const args = argv as string[];
    const targets: DeleteTarget[] = [];
    const failures: unknown[] = [];
    if (flags.filename?.length) {
      if (args.length > 0) throw new CliError('resources and names cannot be given together with -f');
      const batch = await readManifests(flags.filename);
      failures.push(...batch.errors);
      for (const m of batch.manifests) {
        try {
          const { object, namespace: ns } = prepare(m, namespace, explicitNamespace);
          targets.push({ info: kindOf(object.kind), namespace: ns, name: object.metadata.name });
        } catch (e) {
          failures.push(e);
        }
      }
      for (const e of failures) this.io.err(formatError(e) + '\n');
    } else {
      if (args.length === 0) throw new CliError('You must provide one or more resources by argument or filename.');
      for (const t of parseTargets(args)) {
        if (t.names.length > 0 && (flags.selector || flags.all)) throw new CliError('name cannot be provided when a selector or --all is specified');
        if (t.names.length === 0 && !flags.selector && !flags.all) throw new CliError(`resource(s) were provided, but no name was specified; use --all or -l to delete every ${t.info.resource} matching`);
        const names = t.names.length > 0 ? t.names : (await client.list(t.info.kind, { namespace, ...(flags.selector ? { labelSelector: flags.selector } : {}) })).items.map((o) => o.metadata.name);
        targets.push(...names.map((name) => ({ info: t.info, namespace: t.info.namespaced ? namespace : undefined, name })));
      }
      if (targets.length === 0) {
        this.io.out('No resources found\n');
        return;
      }
    }
    const code = await runDelete(client, targets, {
      cascade: flags.cascade as 'background' | 'orphan' | 'foreground',
      ...(gracePeriod(flags) !== undefined ? { gracePeriodSeconds: gracePeriod(flags)! } : {}),
      wait: flags.wait,
      timeoutMs,
      ignoreNotFound: flags['ignore-not-found'],
    }, this.io);
    if (code !== 0 || failures.length > 0) process.exitCode = 1;
  }
}
