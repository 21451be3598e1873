import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export interface ClinicHeader {
  nombre: string;
  ruc?: string | undefined;
  direccion?: string | undefined;
  telefono?: string | undefined;
}

// Characters PDF's standard fonts can show beyond Latin-1 (WinAnsiEncoding).
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Helvetica (a standard PDF font, nothing embedded) covers WinAnsi: every Spanish letter
 * and sign (á, ñ, ü, ¿, ¡, °). Anything else is folded to its base letter or "?" rather
 * than printed as garbage.
 */
export function winAnsi(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n') out += ch;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code <= 0xff || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else {
      const base = ch.normalize('NFD')[0]!;
      out += base.codePointAt(0)! <= 0xff ? base : '?';
    }
  }
  return out;
}

export async function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 180 });
}

const GREY = '#555555';

/** A small layout vocabulary over pdfkit shared by the printed formats. */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly done: Promise<Buffer>;

  constructor(options: { size: 'A4' | 'A5'; title: string; author: string; createdAt: Date }) {
    this.doc = new PDFDocument({
      size: options.size, bufferPages: true, lang: 'es-PE', pdfVersion: '1.7',
      margins: { top: 36, bottom: 54, left: 40, right: 40 },
      info: { Title: winAnsi(options.title), Author: winAnsi(options.author), Creator: 'HCE', Producer: 'HCE', CreationDate: options.createdAt },
    });
    const chunks: Buffer[] = [];
    this.doc.on('data', (c: Buffer) => chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
  }

  private get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private ensureRoom(height: number): void {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
  }

  header(clinic: ClinicHeader, title: string, qr: Buffer): void {
    const { doc } = this;
    const left = doc.page.margins.left;
    const top = doc.page.margins.top;
    const qrSize = 64;
    const textWidth = this.width - qrSize - 10;
    doc.image(qr, left + this.width - qrSize, top, { width: qrSize });
    doc.font('Helvetica-Bold').fontSize(12).fillColor('black').text(winAnsi(clinic.nombre), left, top, { width: textWidth });
    doc.font('Helvetica').fontSize(8).fillColor(GREY);
    const lines = [clinic.ruc ? `RUC ${clinic.ruc}` : null, clinic.direccion ?? null, clinic.telefono ? `Teléfono ${clinic.telefono}` : null].filter(Boolean) as string[];
    for (const line of lines) doc.text(winAnsi(line), { width: textWidth });
    doc.y = Math.max(doc.y, top + qrSize) + 6;
    doc.moveTo(left, doc.y).lineTo(left + this.width, doc.y).strokeColor('#999999').lineWidth(0.5).stroke();
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(13).fillColor('black').text(winAnsi(title), left, doc.y, { width: this.width, align: 'center' });
    doc.moveDown(0.5);
  }

  section(title: string): void {
    this.ensureRoom(40);
    const { doc } = this;
    doc.moveDown(0.4);
    doc.font('Helvetica-Bold').fontSize(10).fillColor('black').text(winAnsi(title), doc.page.margins.left, doc.y, { width: this.width });
    doc.moveDown(0.15);
  }

  /** "Label: value" lines; empty values are left out. */
  fields(pairs: [string, string | number | null | undefined][]): void {
    const { doc } = this;
    for (const [label, value] of pairs) {
      if (value === null || value === undefined || value === '') continue;
      doc.font('Helvetica-Bold').fontSize(9).fillColor('black').text(`${winAnsi(label)}: `, doc.page.margins.left, doc.y, { continued: true, width: this.width });
      doc.font('Helvetica').text(winAnsi(String(value)));
    }
  }

  paragraph(text: string | null | undefined, options: { muted?: boolean; size?: number } = {}): void {
    if (!text) return;
    this.doc.font('Helvetica').fontSize(options.size ?? 9).fillColor(options.muted ? GREY : 'black')
      .text(winAnsi(text), this.doc.page.margins.left, this.doc.y, { width: this.width });
  }

  /** A numbered item: a bold first line and its detail lines. */
  item(index: number, title: string, details: string[]): void {
    this.ensureRoom(30);
    const { doc } = this;
    doc.moveDown(0.2);
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor('black').text(`${index}. ${winAnsi(title)}`, doc.page.margins.left, doc.y, { width: this.width });
    doc.font('Helvetica').fontSize(9);
    for (const d of details) doc.text(winAnsi(d), doc.page.margins.left + 12, doc.y, { width: this.width - 12 });
  }

  notice(text: string): void {
    this.ensureRoom(40);
    const { doc } = this;
    doc.moveDown(0.4);
    doc.font('Helvetica-Oblique').fontSize(8.5).fillColor('#8a1c1c').text(winAnsi(text), doc.page.margins.left, doc.y, { width: this.width });
    doc.fillColor('black');
  }

  signatureBlock(nombre: string, cmp: string | null, lines: string[]): void {
    this.ensureRoom(90);
    const { doc } = this;
    doc.moveDown(2.5);
    const lineWidth = 200;
    const x = doc.page.margins.left + (this.width - lineWidth) / 2;
    doc.moveTo(x, doc.y).lineTo(x + lineWidth, doc.y).strokeColor('black').lineWidth(0.7).stroke();
    doc.moveDown(0.2);
    doc.font('Helvetica-Bold').fontSize(9).text(winAnsi(nombre), doc.page.margins.left, doc.y, { width: this.width, align: 'center' });
    doc.font('Helvetica').fontSize(8.5).text(winAnsi(cmp ? `CMP ${cmp}` : 'CMP no registrado'), { width: this.width, align: 'center' });
    for (const line of lines) doc.fillColor(GREY).text(winAnsi(line), { width: this.width, align: 'center' });
    doc.fillColor('black');
  }

  /** Writes the footer on every page and returns the finished file. */
  async finish(footer: string): Promise<Buffer> {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      // Writing inside the bottom margin would make pdfkit open a new page.
      doc.page.margins.bottom = 0;
      doc.font('Helvetica').fontSize(7).fillColor(GREY)
        .text(winAnsi(`${footer} · Página ${i + 1} de ${range.count}`), doc.page.margins.left, doc.page.height - bottom + 16, { width: this.width, align: 'center' });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return this.done;
  }
}
