/**
 * The bucket, through the AWS SDK (@aws-sdk/client-s3): list what is under the prefix, put one
 * object, remove one that jobcast put there. Works with AWS S3, Cloudflare R2 and MinIO: a custom
 * endpoint, path-style or virtual-host addressing, any region.
 */
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DeployConfig } from '../model/config';
import type { RemoteObject } from './plan';

// The machines run Node 20, which this pinned SDK supports; its notice about later releases is noise on every deploy.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Set on every object jobcast puts: only such objects are ever removed. */
const MARK = 'jobcast';

export class Bucket {
  private readonly s3: S3Client;

  constructor(
    private readonly config: DeployConfig,
    env: NodeJS.ProcessEnv,
  ) {
    const accessKeyId = env[config.accessKeyIdEnv];
    const secretAccessKey = env[config.secretAccessKeyEnv];
    this.s3 = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      // MD5 ETags are what the plan compares; the newer default checksums are not understood by every S3-compatible service.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 4,
    });
  }

  async list(): Promise<RemoteObject[]> {
    const found: RemoteObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: this.config.prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const o of page.Contents ?? []) if (o.Key) found.push({ key: o.Key, etag: o.ETag ?? '', size: o.Size ?? -1 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  async put(key: string, body: Buffer, o: { contentType: string; cacheControl: string; md5: string }): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentType: o.contentType,
        CacheControl: o.cacheControl,
        // The service checks the bytes it received against it (a torn upload is refused, not stored).
        ContentMD5: Buffer.from(o.md5, 'hex').toString('base64'),
        Metadata: { [MARK]: '1' },
      }),
    );
  }

  /** Remove `key` if jobcast put it there; false when it belongs to someone else (left as it is). */
  async removeOwn(key: string): Promise<boolean> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
    if (head.Metadata?.[MARK] !== '1') return false;
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
    return true;
  }

  close(): void {
    this.s3.destroy();
  }
}
