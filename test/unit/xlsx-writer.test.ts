import { crc32, inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { columnLetters, XlsxWriter, type SheetRow } from '../../shared/accounting-export/xlsx-writer';

/** The file the writer hands its sink, and how many writes it took. */
async function written(produce: (xlsx: XlsxWriter) => Promise<void>): Promise<{ file: Buffer; writes: number }> {
  const chunks: Uint8Array[] = [];
  const xlsx = new XlsxWriter(async (chunk) => {
    chunks.push(chunk);
  });
  await produce(xlsx);
  return { file: Buffer.concat(chunks), writes: chunks.length };
}

/** Every entry of a zip, read through its central directory, its CRC-32 checked as `unzip -t` does. */
function unzipChecked(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const entries = new Map<string, Buffer>();
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [method, crc, size, nameLength, extraLength, commentLength, local] = [
      zip.readUInt16LE(at + 10),
      zip.readUInt32LE(at + 16),
      zip.readUInt32LE(at + 20),
      zip.readUInt16LE(at + 28),
      zip.readUInt16LE(at + 30),
      zip.readUInt16LE(at + 32),
      zip.readUInt32LE(at + 42),
    ];
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    const content = method === 8 ? inflateRawSync(data) : Buffer.from(data);
    expect(crc32(content), name).toBe(crc);
    entries.set(name, content);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function parseXml(name: string, xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (error) => {
    throw new Error(`${name}: ${error.message}`);
  });
  parser.write(xml).close();
}

const awkward = 'A & B <c> "d" \'e\'\n  two lines, spaced  ';

async function sampleWorkbook(xlsx: XlsxWriter): Promise<void> {
  const bold = xlsx.style({ bold: true });
  const money = xlsx.style({ numFmt: '#,##0.00 "AUD";-#,##0.00 "AUD"' });
  const percent = xlsx.style({ numFmt: '0.00%' });
  const boldMoney = xlsx.style({ bold: true, numFmt: '#,##0.00 "AUD";-#,##0.00 "AUD"' });
  expect(xlsx.style({ bold: true })).toBe(bold);
  const rows: SheetRow[] = [
    { values: ['Item', 'Amount', 'Share'], styles: [bold, bold, bold] },
    { values: ['=HYPERLINK("http://evil.example","click")', 1234.56, 0.5] },
    { values: [awkward, -0.01, 1] },
    { values: [] },
    { values: ['Total', 1234.55, null], styles: [bold, boldMoney] },
    { values: ['Bell\u0007 and NUL\u0000 dropped, 漢字 and 🏗 kept', null, null] },
  ];
  await xlsx.sheet('Lines', { frozenRows: 1, columns: [{ width: 30 }, { width: 14, style: money }, { width: 10, style: percent }] }, rows);
  await xlsx.sheet('lines', { columns: [] }, [{ values: [1, 2, 3] }]);
  await xlsx.sheet('G703 A/B: [x] * y? & a name well past thirty-one characters', { columns: [] }, []);
  await xlsx.sheet("'quoted'", { columns: [] }, []);
  await xlsx.end();
}

describe('the XLSX writer', () => {
  it('writes a zip whose entries pass their CRC checks and whose parts are well-formed XML', async () => {
    const { file } = await written(sampleWorkbook);
    const entries = unzipChecked(file);
    expect([...entries.keys()].sort()).toEqual(
      [
        '[Content_Types].xml',
        '_rels/.rels',
        'docProps/core.xml',
        'xl/_rels/workbook.xml.rels',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet2.xml',
        'xl/worksheets/sheet3.xml',
        'xl/worksheets/sheet4.xml',
      ].sort(),
    );
    for (const [name, content] of entries) parseXml(name, content.toString('utf8'));
    expect(entries.get('xl/worksheets/sheet1.xml')!.toString('utf8')).toContain('t="inlineStr"');
  });

  it('writes a workbook exceljs reads back: sheet names, values, number formats, bold, widths and the frozen header', async () => {
    const { file } = await written(sampleWorkbook);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as never);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Lines', 'lines~2', 'G703 A-B- -x- - y- & a name wel', "-quoted-"]);

    const sheet = workbook.getWorksheet('Lines')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect([1, 2, 3].map((n) => sheet.getColumn(n).width)).toEqual([30, 14, 10]);
    expect(sheet.getColumn(2).numFmt).toBe('#,##0.00 "AUD";-#,##0.00 "AUD"');
    expect(sheet.getRow(1).values).toEqual([undefined, 'Item', 'Amount', 'Share']);
    expect(sheet.getCell('A1').font?.bold).toBe(true);

    // A formula's text stays text; numbers are numbers in their column's format.
    expect(sheet.getCell('A2').value).toBe('=HYPERLINK("http://evil.example","click")');
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B2').value).toBe(1234.56);
    expect(sheet.getCell('B2').numFmt).toBe('#,##0.00 "AUD";-#,##0.00 "AUD"');
    expect(sheet.getCell('C2').value).toBe(0.5);
    expect(sheet.getCell('C2').numFmt).toBe('0.00%');
    expect(sheet.getCell('A3').value).toBe(awkward);
    expect(sheet.getCell('B3').value).toBe(-0.01);

    // The empty row stays empty; a row's own styles win over its columns'.
    expect(sheet.actualRowCount).toBe(5);
    expect(sheet.getCell('B5').font?.bold).toBe(true);
    expect(sheet.getCell('B5').numFmt).toBe('#,##0.00 "AUD";-#,##0.00 "AUD"');
    expect(sheet.getCell('A5').font?.bold).toBe(true);
    expect(sheet.getCell('A6').value).toBe('Bell and NUL dropped, 漢字 and 🏗 kept');

    const second = workbook.getWorksheet('lines~2')!;
    expect(second.getRow(1).values).toEqual([undefined, 1, 2, 3]);
    expect(second.views[0]?.state ?? 'normal').toBe('normal');
  });

  it('streams: the sink gets the file while the rows are still being read, and each write is awaited before more rows are read', async () => {
    let read = 0;
    let readWhenFirstWritten: number | undefined;
    let writing = false;
    function* rows(): Generator<SheetRow> {
      for (let n = 0; n < 20_000; n++) {
        expect(writing, 'a row read while a write was pending').toBe(false);
        read++;
        yield { values: [n, `row ${n} with some text to fill the sheet`, n / 7] };
      }
    }
    const xlsx = new XlsxWriter(async () => {
      readWhenFirstWritten ??= read;
      writing = true;
      await new Promise((resolve) => setImmediate(resolve));
      writing = false;
    });
    await xlsx.sheet('Rows', { columns: [] }, rows());
    await xlsx.end();
    expect(read).toBe(20_000);
    expect(readWhenFirstWritten).toBeLessThan(2_000);
  });

  it('refuses a number a sheet cannot hold', async () => {
    const xlsx = new XlsxWriter(async () => undefined);
    await expect(xlsx.sheet('S', { columns: [] }, [{ values: [1, Number.NaN] }])).rejects.toThrow('Cell B1 would hold NaN');
  });

  it('names columns as Excel does', () => {
    expect([0, 25, 26, 51, 52, 701, 702, 16_383].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });
});
