import { randomBytes } from 'node:crypto';
import { mkdir, open, opendir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { assertValidKey, openTempFile, StorageNotFoundError, type FileStorage, type StagedWrite, type StoredObject } from './storage.js';

const TEMP_PREFIX = '.tmp-';

/** Makes a rename (or a new file) survive a power cut: the directory entry itself is flushed. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms cannot fsync a directory; the rename is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** Files under one directory (HCE_DATA_DIR/files), written to a temporary file beside the target and renamed. */
export class LocalFileStorage implements FileStorage {
  readonly driver = 'local' as const;

  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async stage(key: string): Promise<StagedWrite> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // Same directory as the target, so the final rename never crosses a filesystem.
    const temp = join(dir, `${TEMP_PREFIX}${key.split('/').pop()!}-${randomBytes(6).toString('hex')}`);
    const { stream, closed } = openTempFile(temp);
    return {
      stream,
      async commit() {
        await closed();
        if (stream.errored) throw stream.errored;
        await rename(temp, target);
        await syncDirectory(dir);
      },
      async discard() {
        if (!stream.destroyed) stream.destroy();
        await closed().catch(() => undefined);
        await rm(temp, { force: true });
      },
    };
  }

  async read(key: string): Promise<Readable> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageNotFoundError(key);
      throw error;
    }
    return handle.createReadStream();
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async *list(): AsyncIterable<StoredObject> {
    yield* this.walk(this.root);
  }

  private async *walk(dir: string): AsyncIterable<StoredObject> {
    let entries;
    try {
      entries = await opendir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for await (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path);
      } else if (entry.isFile()) {
        const info = await stat(path);
        yield { key: relative(this.root, path).split(sep).join('/'), size: info.size, modifiedAt: info.mtime, temporary: entry.name.startsWith(TEMP_PREFIX) };
      }
    }
  }

  async close(): Promise<void> {}
}
