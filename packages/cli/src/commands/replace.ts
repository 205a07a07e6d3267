import { Flags } from '@oclif/core';
import { applyManifests } from '../lib/apply.js';
import { WharfCommand } from '../lib/base.js';
import { CliError } from '../lib/errors.js';
import { readManifests } from '../lib/manifests.js';

/** `wharf replace -f FILE`: replaces each object with the manifest's version (PUT), like kubectl replace. */
export default class Replace extends WharfCommand {
  static override summary = 'Replace resources by file name or stdin.';
  static override description = `Replace each resource named in the -f sources with the version given there (an HTTP PUT of the whole object). The object must already exist.

When a manifest carries metadata.resourceVersion, the replacement only succeeds if the stored object still has that version (otherwise: Conflict). Without one, the replacement is unconditional. A failed document is reported and the others are still replaced; the command then exits with status 1.`;

  static override usage = 'replace -f FILE|DIR|- [-f ...] [flags]';

  static override examples = ['<%= config.bin %> replace -f microservice1-rc.yaml', '<%= config.bin %> get pod web -o yaml > web.yaml && <%= config.bin %> replace -f web.yaml'];

  static override flags = {
    filename: Flags.string({ char: 'f', multiple: true, description: 'File, directory or "-" (stdin) holding the resources to replace. Repeatable.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Replace);
    if (!flags.filename?.length) throw new CliError('must specify --filename to replace');
    const { client, namespace, explicitNamespace } = await this.connect(flags);
    const batch = await readManifests(flags.filename);
    const code = await applyManifests(client, batch, 'replace', { current: namespace, explicit: explicitNamespace }, this.io);
    if (code !== 0) process.exitCode = code;
  }
}
