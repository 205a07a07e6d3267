import { Flags } from '@oclif/core';
import { applyManifests } from '../lib/apply.js';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';
import { readManifests } from '../lib/manifests.js';

/** `wharf create -f FILE|DIR|-`: creates every object of the manifests, like kubectl create. */
export default class Create extends WharfCommand {
  static override summary = 'Create resources from files, directories or stdin.';
  static override description = `Create one resource per document of each -f source (YAML or JSON, several documents per file allowed; a "kind: List" is expanded). A directory means every *.yaml, *.yml and *.json file directly in it; "-" reads stdin.

Objects go to their own metadata.namespace, else to --namespace (or the config file's, else "default"). A failed document is reported and the others are still created; the command then exits with status 1.`;

  static override usage = 'create -f FILE|DIR|- [-f ...] [flags]';

  static override examples = [
    '<%= config.bin %> create -f microservice1-pod.yaml',
    '<%= config.bin %> create -f microservice1-rc.yaml -f microservice1-svc.yaml',
    '<%= config.bin %> create -f ./manifests/',
    'cat pod.json | <%= config.bin %> create -f -',
  ];

  static override flags = {
    filename: Flags.string({ char: 'f', multiple: true, description: 'File, directory or "-" (stdin) holding the resources to create. Repeatable.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Create);
    if (!flags.filename?.length) throw new CliError('must specify one of -f and -k');
    const { client, namespace, explicitNamespace } = await this.connect(flags);
    const batch = await readManifests(flags.filename);
    const code = await applyManifests(client, batch, 'create', { current: namespace, explicit: explicitNamespace }, this.io);
    if (code !== 0) process.exitCode = code;
  }
}
