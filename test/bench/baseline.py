# The obvious Python way: json.loads per line, the same summary as baseline-node.mjs.
import json, sys
counts, failed, removed, last_job = {}, 0, 0, None
with open(sys.argv[1], 'rb') as f:
    for line in f:
        if not line.strip():
            continue
        e = json.loads(line)
        ev = e['Event']
        counts[ev] = counts.get(ev, 0) + 1
        if ev == 'SparkListenerTaskEnd' and e['Task End Reason']['Reason'] != 'Success':
            failed += 1
        elif ev == 'SparkListenerExecutorRemoved':
            removed += 1
        elif ev == 'SparkListenerJobEnd':
            last_job = e['Job Result']['Result']
print(json.dumps({'events': counts, 'failed': failed, 'removed': removed, 'lastJob': last_job}))
