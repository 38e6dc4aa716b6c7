// Our reading of a ListObjectsV2 page (src/sources/remote/s3-list.ts) and the endpoints we address
// without the SDK (src/sources/remote/s3.ts plainEndpoint), each against the SDK's own: its XML
// parser's values for the same page, its endpoint rules for the same bucket, region and endpoint.
// The listing against a real server, over several pages, is in ./s3.test.ts.
import type * as S3Sdk from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseListPage } from '../../../src/sources/remote/s3-list.js';
import { plainEndpoint } from '../../../src/sources/remote/s3.js';

// The SDK's notice that its later releases need Node 22 (as src/sources/remote/s3.ts silences it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The SDK, an optional dependency: the comparisons with it are skipped (and say so) when it is not installed. */
const SDK: typeof S3Sdk | null = await import('@aws-sdk/client-s3').catch(() => null);

/** A page as S3 writes one (AWS S3 API Reference, ListObjectsV2, Response Syntax). */
const PAGE = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>logs</Name><Prefix>spark-events/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated><Contents><Key>spark-events/a&amp;b &lt;1&gt; &quot;q&quot; &apos;s&apos;</Key><LastModified>2026-11-29T10:00:01.000Z</LastModified><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>spark-events/&#26085;&#x672C; &#xe9;</Key><LastModified>2026-11-29T10:00:02.500Z</LastModified><Size>0</Size></Contents><CommonPrefixes><Prefix>spark-events/eventlog_v2_app-1/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>spark-events/x&amp;y/</Prefix></CommonPrefixes><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken><StartAfter></StartAfter></ListBucketResult>`;

describe('a ListObjectsV2 page', () => {
  it('keys with entities and character references decoded, sizes, times, prefixes, the token', () => {
    expect(parseListPage(PAGE)).toEqual({
      prefixes: ['spark-events/eventlog_v2_app-1/', 'spark-events/x&y/'],
      objects: [
        { key: `spark-events/a&b <1> "q" 's'`, size: 1234, mtime: Date.parse('2026-11-29T10:00:01.000Z') },
        { key: 'spark-events/日本 é', size: 0, mtime: Date.parse('2026-11-29T10:00:02.500Z') },
      ],
      truncated: true,
      token: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
    });
  });

  it('the last page: not truncated, no token; an empty one', () => {
    const last = PAGE.replace('<IsTruncated>true', '<IsTruncated>false').replace(
      /<NextContinuationToken>[^<]*<\/NextContinuationToken>/,
      '',
    );
    expect(parseListPage(last)).toMatchObject({ truncated: false, token: null });
    expect(parseListPage('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>')).toEqual({
      prefixes: [],
      objects: [],
      truncated: false,
      token: null,
    });
  });

  it.skipIf(SDK === null)('the same values as the SDK’s own parser gives', async () => {
    const sdk = SDK!;
    // The page as the answer to a real request, through the SDK's whole deserializer.
    const client = new sdk.S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: () =>
          Promise.resolve({
            response: { statusCode: 200, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(PAGE)]) },
          }),
      } as never,
    });
    const out = await client.send(new sdk.ListObjectsV2Command({ Bucket: 'logs', Prefix: 'spark-events/', Delimiter: '/' }));
    const ours = parseListPage(PAGE)!;
    expect(ours.prefixes).toEqual(out.CommonPrefixes!.map((p) => p.Prefix));
    expect(ours.objects).toEqual(out.Contents!.map((o) => ({ key: o.Key, size: o.Size, mtime: o.LastModified!.getTime() })));
    expect(ours.truncated).toBe(out.IsTruncated);
    expect(ours.token).toBe(out.NextContinuationToken);
  });

  it('not a listing: null; hostile text: read in one pass, no more than it holds', () => {
    expect(parseListPage('<Error><Code>AccessDenied</Code></Error>')).toBeNull();
    expect(parseListPage('')).toBeNull();
    // Blocks opened and never closed, by the hundred thousand: nothing read from them, quickly.
    const open = `<ListBucketResult>${'<Contents><Key>k'.repeat(100_000)}`;
    expect(parseListPage(open)).toEqual({ prefixes: [], objects: [], truncated: false, token: null });
    const unclosedKeys = `<ListBucketResult>${'<Contents><Key>k</Contents>'.repeat(100_000)}`;
    expect(parseListPage(unclosedKeys)!.objects).toEqual([]);
    // References out of Unicode's range, unknown entities: left as they are.
    const odd =
      '<ListBucketResult><Contents><Key>&#x110000;&bogus;&amp</Key><Size>-4</Size><LastModified>never</LastModified></Contents></ListBucketResult>';
    expect(parseListPage(odd)!.objects).toEqual([{ key: '&#x110000;&bogus;&amp', size: 0, mtime: 0 }]);
  });
});

describe('endpoints addressed without the SDK', () => {
  const cases: Array<[string, string, string | null]> = [
    ['apps', 'us-east-1', 'http://127.0.0.1:9000'],
    ['a.b', 'eu-west-1', 'http://127.0.0.1:9000/proxy/'],
    ['My_Bucket', 'us-east-1', 'https://minio.example.com:9443/x'],
    ['logs', 'us-east-1', null],
    ['logs-2', 'eu-central-1', null],
    ['logs', 'ap-southeast-2', null],
    // The SDK's own rules decide these (null from ours): dots, capitals, S3 Express, other partitions, ARNs.
    ['a.b', 'us-east-1', null],
    ['My_Bucket', 'us-east-1', null],
    ['logs--usw2-az1--x-s3', 'us-west-2', null],
    ['logs', 'cn-north-1', null],
    ['logs', 'us-gov-west-1', null],
    ['arn:aws:s3:us-east-1:123456789012:accesspoint/ap', 'us-east-1', null],
    ['arn:aws:s3:us-east-1:123456789012:accesspoint/ap', 'us-east-1', 'http://127.0.0.1:9000'],
  ];

  it.skipIf(SDK === null)('the URL the SDK’s endpoint rules give, wherever ours gives one', async () => {
    const sdk = SDK!;
    let ours = 0;
    for (const [bucket, region, endpoint] of cases) {
      const mine = plainEndpoint(bucket, region, endpoint);
      if (mine === null) continue;
      ours++;
      const client = new sdk.S3Client({ region, ...(endpoint !== null ? { endpoint, forcePathStyle: true } : {}) });
      const cfg = client.config;
      const ep = cfg.endpointProvider({
        Bucket: bucket,
        Region: region,
        UseFIPS: false,
        UseDualStack: false,
        ...(endpoint !== null ? { Endpoint: endpoint } : {}),
        ForcePathStyle: endpoint !== null,
        Accelerate: false,
        UseGlobalEndpoint: false,
        UseArnRegion: false,
        DisableMultiRegionAccessPoints: false,
      });
      expect(mine, `${bucket} ${region} ${endpoint ?? 'no endpoint'}`).toBe(ep.url.href);
      const auth = ep.properties?.authSchemes?.[0] as { name: string; signingName: string; signingRegion: string };
      expect([auth.name, auth.signingName, auth.signingRegion]).toEqual(['sigv4', 's3', region]);
    }
    expect(ours).toBe(6);
  });
});
