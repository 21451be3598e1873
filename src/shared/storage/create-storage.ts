import { join } from 'node:path';
import type { AppConfig } from '../../config/env.js';
import { LocalFileStorage } from './local-storage.js';
import { S3FileStorage } from './s3-storage.js';
import type { FileStorage } from './storage.js';

/** The attachment store the configuration selects (STORAGE_DRIVER). */
export function createFileStorage(config: Pick<AppConfig, 'STORAGE_DRIVER' | 'HCE_DATA_DIR' | 'S3_BUCKET' | 'S3_REGION' | 'S3_ENDPOINT'
  | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE'>): FileStorage {
  if (config.STORAGE_DRIVER === 's3') {
    return new S3FileStorage({
      bucket: config.S3_BUCKET!, region: config.S3_REGION!, endpoint: config.S3_ENDPOINT,
      accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE, stagingDir: join(config.HCE_DATA_DIR, 'tmp', 'uploads'),
    });
  }
  return new LocalFileStorage(join(config.HCE_DATA_DIR, 'files'));
}
