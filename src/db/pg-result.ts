import pg from 'pg';

interface FieldDescription {
  dataTypeID: number;
  format?: 'text' | 'binary';
}

interface ResultInternals {
  rowAsArray: boolean;
  fields: FieldDescription[];
  _parsers: ((value: string) => unknown)[] | undefined;
  _types: { getTypeParser(oid: number, format: 'text' | 'binary'): (value: string) => unknown } | undefined;
}

let installed = false;

/**
 * node-postgres sets up a result's row parsers when its row description arrives, on every
 * execution (prepared statements included: it describes the portal each time), and also builds
 * an empty row keyed by column name for object-mode rows: ~24 µs for a 43-column description
 * on the benchmark machine, the largest function of GET patient's V8 profile after the socket
 * writes. Drizzle reads rows as arrays (`rowMode: 'array'`), which never use that object: for
 * those only the parsers are set up (~1.3 µs). Object-mode results keep the library's method.
 *
 * Installed once, and only over the method it was written against (node-postgres 8: the one
 * that builds `_prebuiltEmptyResultObject`); another version keeps its own. Returns whether the
 * fast path is in place.
 */
export function installArrayRowFastPath(): boolean {
  if (installed) return true;
  const proto = pg.Result.prototype as unknown as { addFields(fields: FieldDescription[]): void; _parseRowAsArray?: unknown };
  const original = proto.addFields;
  if (typeof proto._parseRowAsArray !== 'function' || !original.toString().includes('_prebuiltEmptyResultObject')) return false;
  proto.addFields = function addFields(this: ResultInternals, fields: FieldDescription[]): void {
    if (!this.rowAsArray) {
      original.call(this, fields);
      return;
    }
    this.fields = fields;
    const types = this._types ?? pg.types;
    const parsers = new Array<(value: string) => unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) parsers[i] = types.getTypeParser(fields[i]!.dataTypeID, fields[i]!.format || 'text');
    this._parsers = parsers;
  };
  installed = true;
  return true;
}
