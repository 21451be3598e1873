import type { DbOrTx } from '../../db/client.js';
import type { FileStorage, StoredObject } from '../../shared/storage/storage.js';
import { ENVELOPE_OVERHEAD } from '../../shared/storage/envelope.js';
import { attachmentsRepository } from './attachments.repository.js';

export interface StorageCheckReport {
  driver: string;
  rowsChecked: number;
  objectsChecked: number;
  /** Objects no row points to (an interrupted clean-up, or a file copied in by hand). */
  filesWithoutRows: { key: string; size: number; modifiedAt: string }[];
  /** Rows whose object is gone: the attachment cannot be downloaded. */
  rowsWithoutFiles: { id: string; storageKey: string }[];
  /** Rows whose object does not have the expected encrypted size. */
  sizeMismatches: { id: string; storageKey: string; expected: number; actual: number }[];
  /** Temporary files of uploads in flight or interrupted by a crash. */
  temporaryFiles: { key: string; size: number; modifiedAt: string }[];
  /** Rows stored under another driver (not checked against this store). */
  rowsOnOtherDrivers: number;
}

/**
 * Compares the store with the attachments table, a page of rows at a time against the
 * store's listing (kept in memory as key → size: tens of bytes per object).
 */
export async function checkStorage(db: DbOrTx, storage: FileStorage): Promise<StorageCheckReport> {
  const objects = new Map<string, StoredObject>();
  const temporaryFiles: StorageCheckReport['temporaryFiles'] = [];
  for await (const object of storage.list()) {
    if (object.temporary) temporaryFiles.push({ key: object.key, size: object.size, modifiedAt: object.modifiedAt.toISOString() });
    else objects.set(object.key, object);
  }
  const objectsChecked = objects.size;
  const rowsWithoutFiles: StorageCheckReport['rowsWithoutFiles'] = [];
  const sizeMismatches: StorageCheckReport['sizeMismatches'] = [];
  let rowsChecked = 0;
  let after: string | undefined;
  for (;;) {
    const page = await attachmentsRepository.storageKeys(db, storage.driver, after, 1000);
    if (page.length === 0) break;
    for (const row of page) {
      rowsChecked += 1;
      const object = objects.get(row.storageKey);
      if (!object) rowsWithoutFiles.push({ id: row.id, storageKey: row.storageKey });
      else if (object.size !== row.size + ENVELOPE_OVERHEAD) sizeMismatches.push({ id: row.id, storageKey: row.storageKey, expected: row.size + ENVELOPE_OVERHEAD, actual: object.size });
      objects.delete(row.storageKey);
    }
    after = page[page.length - 1]!.id;
  }
  return {
    driver: storage.driver,
    rowsChecked,
    objectsChecked,
    filesWithoutRows: [...objects.values()].map((o) => ({ key: o.key, size: o.size, modifiedAt: o.modifiedAt.toISOString() })),
    rowsWithoutFiles,
    sizeMismatches,
    temporaryFiles,
    rowsOnOtherDrivers: await attachmentsRepository.countOtherDrivers(db, storage.driver),
  };
}
