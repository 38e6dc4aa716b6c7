// Google Cloud Storage's JSON API as Google's own emulator serves it: the Cloud Storage emulator of
// firebase-tools (pinned by ./package.json), its `gcloud` API — the one @google-cloud/storage speaks —
// on loopback. Started here rather than by `firebase emulators:start --only storage` because that
// command first downloads a rules runtime (a jar from storage.googleapis.com, for the Firebase
// client API's security rules), which an offline machine cannot; the JSON API is served by the
// emulator's admin layer, which never consults rules. Blobs go under the TMPDIR this process is
// given (`os.tmpdir()/firebase/storage/blobs`), so the harness removes them with its run folder.
// Usage: node emulator.mjs <port>
import storage from 'firebase-tools/lib/emulator/storage/index.js';
import registry from 'firebase-tools/lib/emulator/registry.js';
import server from 'firebase-tools/lib/emulator/storage/server.js';

const { StorageEmulator } = storage;
const { EmulatorRegistry } = registry;
const { createApp } = server;

const port = Number(process.argv[2]);
const host = '127.0.0.1';
const emulator = new StorageEmulator({ projectId: 'demo-spark-triage', host, port, rules: [], auto_download: false });
// The emulator names itself in object metadata (selfLink, mediaLink) from the registry.
EmulatorRegistry.set('storage', emulator);
createApp('demo-spark-triage', emulator).then(
  (app) => {
    const server = app.listen(port, host, () => process.stdout.write(`listening on ${host}:${port}\n`));
    server.keepAliveTimeout = 1000;
    process.on('SIGTERM', () => server.close(() => process.exit(0)));
  },
  (e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
