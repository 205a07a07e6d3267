/** Printing `wharf why`: the summary sentences, or the whole answer as JSON/YAML. */
import type { WhyAnswer } from '@wharf/model';
import { toJson, toYaml } from './output.js';

/** The answer of why as text (the summary) or a document. */
export function formatWhy(answer: WhyAnswer, format: 'text' | 'json' | 'yaml'): string {
  if (format === 'json') return toJson(answer);
  if (format === 'yaml') return toYaml(answer);
  return answer.summary.join('\n') + '\n';
}
