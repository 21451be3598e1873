import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './file-name.js';
import { checkClaim, nameForType, sniffType } from './file-type.js';

describe('content sniffing', () => {
  it('recognises the allowed types by their magic bytes', () => {
    expect(sniffType(Buffer.from('%PDF-1.4\n...'), true)).toBe('application/pdf');
    expect(sniffType(Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0]), true)).toBe('image/jpeg');
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), true)).toBe('image/png');
    expect(sniffType(Buffer.from('II*\0\x08\0', 'latin1'), true)).toBe('image/tiff');
    expect(sniffType(Buffer.from('MM\0*\0\0', 'latin1'), true)).toBe('image/tiff');
    expect(sniffType(Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(10)]), true)).toBe('application/dicom');
    expect(sniffType(Buffer.from('Hemoglobina: 13,5 g/dL — ñandú\n'), true)).toBe('text/plain');
  });

  it('refuses binaries, NULs and invalid UTF-8, but not a character cut at the end of a prefix', () => {
    expect(sniffType(Buffer.from('MZ\x90\0', 'latin1'), true)).toBeUndefined();
    expect(sniffType(Buffer.from('texto\0con nulo'), true)).toBeUndefined();
    expect(sniffType(Buffer.from([0x61, 0xc3, 0x28]), true)).toBeUndefined();
    const cut = Buffer.from('acción').subarray(0, 5); // "acci" + the first byte of "ó"
    expect(sniffType(cut, false)).toBe('text/plain');
    expect(sniffType(cut, true)).toBeUndefined();
    expect(sniffType(Buffer.alloc(0), true)).toBeUndefined();
  });

  it('checks claims and extensions against the content', () => {
    expect(checkClaim(undefined, 'image/png')).toEqual({ ok: true });
    expect(checkClaim('application/octet-stream', 'image/png')).toEqual({ ok: true });
    expect(checkClaim('image/jpg', 'image/jpeg')).toEqual({ ok: true });
    expect(checkClaim('Text/Plain; charset=utf-8', 'text/plain')).toEqual({ ok: true });
    expect(checkClaim('application/pdf', 'image/png')).toEqual({ ok: false, claimed: 'application/pdf' });
    expect(nameForType('foto.JPG', 'image/jpeg')).toBe('foto.JPG');
    expect(nameForType('foto.pdf', 'image/jpeg')).toBeUndefined();
    expect(nameForType('virus.exe', 'application/pdf')).toBe('virus.exe.pdf');
    expect(nameForType('IM0001', 'application/dicom')).toBe('IM0001.dcm');
  });
});

describe('file names', () => {
  it('strips directories, controls and reserved characters, keeping accents', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\x\\y.pdf')).toBe('y.pdf');
    expect(sanitizeFileName('  Ecografía\tabdominal<1>.pdf ')).toBe('Ecografía abdominal1.pdf');
    expect(sanitizeFileName('a\u0000b\u001fc\u007f.txt')).toBe('abc.txt');
    expect(sanitizeFileName('.htaccess')).toBe('htaccess');
    expect(sanitizeFileName('..')).toBe('');
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFileName('Informe\u202Efdp.exe')).toBe('Informefdp.exe');
    expect(sanitizeFileName('Nin\u0303o.pdf')).toBe('Niño.pdf');
  });

  it('cuts long names to 200 characters keeping the extension and whole characters', () => {
    const long = sanitizeFileName(`${'ñ'.repeat(150)}${'😀'.repeat(100)}.pdf`);
    expect([...long].length).toBe(200);
    expect(long.endsWith('😀.pdf')).toBe(true);
  });
});
