import type { Diagnostic } from '../../input/stats.js';
import { inputErrorText } from './input-errors.js';

/** What a counted diagnostic says about its line, unescaped. */
export function diagnosticText(d: Diagnostic): string {
  switch (d.code) {
    case 'truncated-line':
      return 'the log ends in the middle of an event (truncated final line)';
    case 'invalid-json':
      return 'not valid JSON';
    case 'no-event-field':
      return 'JSON without an "Event" field';
    case 'schema-mismatch':
      return `${d.data.event} does not match its schema (${d.data.detail === '' ? 'does not match' : `${d.data.path || '(event)'}: ${d.data.detail}`})`;
    case 'stream-truncated':
      return inputErrorText(d.data.cause);
    case 'event-names-capped':
      return `more than ${d.data.limit} distinct event names: the events of the others are counted together, not by name`;
    case 'missing-parts':
      return `the rolling log lacks part${d.data.indices.length === 1 ? '' : 's'} ${d.data.indices.join(', ')} of ${d.data.total}: what ${d.data.indices.length === 1 ? 'it' : 'they'} held is missing`;
    case 'line-too-long':
      return `line of ${d.data.bytes} bytes skipped: longer than the ${d.data.limit} bytes read per line`;
    case 'pod-too-large':
      return `pod of ${d.data.chars} characters of JSON skipped: larger than the ${d.data.limit} read per pod (Kubernetes keeps no pod this large)`;
    case 'line-too-complex':
      return d.data.limit === 'depth'
        ? `line of ${d.data.bytes} bytes skipped: nested deeper than the ${d.data.max} levels read (Jackson's limit, which Spark 3.5+ reads with)`
        : `line of ${d.data.bytes} bytes skipped: holds more than the ${d.data.max} JSON values read per line`;
  }
}
