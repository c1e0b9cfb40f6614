// exceljs's streaming writer alone: its package entry also loads the reader (unzipper, jszip, …),
// ~550 KB more in the export function's bundle. Typed as the package types the same class.
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  import type { stream } from 'exceljs';

  const WorkbookWriter: typeof stream.xlsx.WorkbookWriter;
  export default WorkbookWriter;
}
