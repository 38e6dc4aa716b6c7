import type { AppState } from '../state/app.js';
import { emitPod, emptyContainer, emptyPod, type ContainerFacts, type PodFacts } from './pods.js';

/**
 * `kubectl describe pod` (k8s.io/kubectl pkg/describe/describe.go): "Name:", "Labels:",
 * "Containers:" with per-container "State:"/"Last State:" blocks ("Reason:", "Exit Code:"),
 * "Limits:"/"memory:", "Environment:", and "Events:". Several pods may follow one another.
 */
export class KubectlDescribeReader {
  private pod: PodFacts | null = null;
  private container: ContainerFacts | null = null;
  private section: 'none' | 'labels' | 'containers' | 'events' = 'none';
  private block: 'state' | 'lastState' | 'limits' | 'requests' | 'env' | 'other' = 'other';
  private terminated: ContainerFacts['terminated'][number] | null = null;

  constructor(
    private readonly app: AppState,
    private readonly file: string,
  ) {}

  line(text: string, lineNo: number): void {
    const at = { file: this.file, line: lineNo };
    let m: RegExpExecArray | null;
    if ((m = /^Name:\s+(\S+)/.exec(text))) {
      this.finishPod();
      this.pod = emptyPod(at);
      this.pod.name = m[1]!;
      this.section = 'none';
      return;
    }
    const pod = (this.pod ??= emptyPod(at));
    if (/^\S/.test(text)) {
      // A top-level key ends the previous section.
      this.section = /^Labels:/.test(text)
        ? 'labels'
        : /^(?:Init )?Containers:/.test(text)
          ? 'containers'
          : /^Events:/.test(text)
            ? 'events'
            : 'none';
      if ((m = /^Labels:\s+(\S+)=(\S*)/.exec(text))) pod.labels[m[1]!] = m[2]!;
      if ((m = /^Reason:\s+(\S+)/.exec(text))) pod.reason = m[1]!;
      if ((m = /^Message:\s+(.*)/.exec(text))) pod.message = m[1]!;
      return;
    }
    if (this.section === 'labels' && (m = /^\s+(\S+)=(\S*)\s*$/.exec(text))) {
      pod.labels[m[1]!] = m[2]!;
      return;
    }
    if (this.section === 'events') {
      if (/\bEvicted\b|OOMKilling|low on resource: memory/.test(text)) {
        this.app.signals.add({
          source: 'executor-removed',
          text: `pod ${pod.name ?? '(unnamed)'} event: ${text.trim().replace(/\s{2,}/g, ' ')}`,
          executor: null,
          at,
        });
      }
      return;
    }
    // Containers (or a bare State block pasted on its own).
    if ((m = /^ {2}(\S[^:]*):\s*$/.exec(text)) && this.section === 'containers') {
      this.container = emptyContainer(m[1]!);
      pod.containers.push(this.container);
      this.block = 'other';
      return;
    }
    const c = this.container ?? (this.container = (pod.containers.push(emptyContainer(null)), pod.containers[pod.containers.length - 1]!));
    if ((m = /^\s+(State|Last State):\s+(\S+)/.exec(text))) {
      this.block = m[1] === 'State' ? 'state' : 'lastState';
      this.terminated = m[2] === 'Terminated' ? { which: this.block, reason: null, exitCode: null, at } : null;
      if (this.terminated) c.terminated.push(this.terminated);
      return;
    }
    if ((m = /^\s+(Limits|Requests|Environment):/.exec(text))) {
      this.block = m[1] === 'Limits' ? 'limits' : m[1] === 'Requests' ? 'requests' : 'env';
      this.terminated = null;
      return;
    }
    if (this.terminated && (m = /^\s+Reason:\s+(\S+)/.exec(text))) {
      this.terminated.reason = m[1]!;
      this.terminated.at = at;
      return;
    }
    if (this.terminated && (m = /^\s+Exit Code:\s+(-?\d+)/.exec(text))) {
      this.terminated.exitCode = Number(m[1]);
      return;
    }
    if (this.block === 'limits' && (m = /^\s+memory:\s+(\S+)/.exec(text))) c.limitMemory = m[1]!;
    else if (this.block === 'env' && (m = /^\s+(SPARK_[A-Z_]+):\s+(\S+)/.exec(text))) c.env[m[1]!] = m[2]!;
    else if (/^\s+(?:Ready|Restart Count|Image|Port|Host Port|Args|Command|Mounts|Started|Finished):/.test(text)) {
      this.block = 'other';
      if (!/^\s+(?:Started|Finished):/.test(text)) this.terminated = null;
    }
  }

  end(): void {
    this.finishPod();
  }

  private finishPod(): void {
    if (this.pod) emitPod(this.app, this.pod);
    this.pod = null;
    this.container = null;
    this.terminated = null;
  }
}
