import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import { formatAmount, type Currency } from '../domain/project-settings';
import type { Region } from '../domain/terminology';
import { formatDate } from './invoice-pdf';
import { printable, wrap } from './text';
import { Typesetter } from './typeset';

/**
 * A served payment schedule as a PDF (DOMAIN.md "Payment schedules and prompt payment"): the
 * Act it answers under, the claim's dates and the deadline, then per line the claimed and the
 * scheduled amount with the reason for each difference, and the totals. Pure: every figure and
 * date comes in the view model, only formatted here.
 */
export interface PaymentScheduleDocument {
  region: Region;
  currency: Currency;
  /** "Building and Construction Industry Security of Payment Act 1999 (NSW)" and "s 14(4)". */
  act: string;
  section: string;
  project: { name: string; number: string };
  commitment: { number: string; title: string; vendorName: string };
  /** "Progress Claim 3", in the project's terminology. */
  claimName: string;
  referenceDate?: string;
  claimServedOn: string;
  dueOn: string;
  servedOn: string;
  servedByName: string;
  lines: Array<{ itemNumber: number; description: string; claimedCents: number; scheduledCents: number; differenceCents: number; reason: string | null }>;
  claimedCents: number;
  scheduledCents: number;
  differenceCents: number;
}

const A4: [number, number] = [595.28, 841.89];
const LETTER: [number, number] = [612, 792];
const MARGIN = 40;
const SIZE = 8.5;
const LEADING = 11.5;
const RULE = rgb(0.6, 0.6, 0.6);

export async function renderPaymentSchedulePdf(doc: PaymentScheduleDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const type = new Typesetter(pdf);
  const [width, height] = doc.region === 'en-US' || doc.region === 'en-CA' ? LETTER : A4;
  const usable = width - 2 * MARGIN;
  const money = (cents: number) => formatAmount(cents, doc.currency);
  const date = (iso: string) => formatDate(iso, doc.region);
  const measure = (size: number, bold = false) => (line: string) => type.width(line, size, bold);

  // Columns: item, description, claimed, scheduled, difference (right-aligned), reason.
  const amountWidth = 72;
  const columns = { item: MARGIN, description: MARGIN + 28, claimedRight: MARGIN + 28 + 150 + amountWidth, reason: 0 };
  const scheduledRight = columns.claimedRight + amountWidth;
  const differenceRight = scheduledRight + amountWidth;
  columns.reason = differenceRight + 10;
  const descriptionWidth = columns.claimedRight - amountWidth - columns.description - 6;
  const reasonWidth = width - MARGIN - columns.reason;

  let page!: PDFPage;
  let y = 0;
  const newPage = () => {
    page = pdf.addPage([width, height]);
    y = height - MARGIN;
  };
  const text = (line: string, x: number, size = SIZE, bold = false) => type.draw(page, line, { x, y, size, bold });
  const right = (line: string, rightX: number, bold = false) => type.draw(page, line, { x: rightX - type.width(line, SIZE, bold), y, size: SIZE, bold });
  const paragraph = (line: string, size = SIZE + 1, bold = false) => {
    for (const part of wrap(printable(line), measure(size, bold), usable)) {
      y -= size * 1.35;
      text(part, MARGIN, size, bold);
    }
  };
  const tableHeader = () => {
    y -= LEADING + 4;
    text('Item', columns.item, SIZE, true);
    text('Description', columns.description, SIZE, true);
    right('Claimed', columns.claimedRight, true);
    right('Scheduled', scheduledRight, true);
    right('Difference', differenceRight, true);
    text('Reason for the difference', columns.reason, SIZE, true);
    page.drawLine({ start: { x: MARGIN, y: y - 4 }, end: { x: width - MARGIN, y: y - 4 }, thickness: 0.5, color: RULE });
    y -= 4;
  };

  newPage();
  paragraph('Payment Schedule', 18, true);
  y -= 4;
  paragraph(`Under the ${doc.act}, ${doc.section}`, 10);
  y -= 6;
  const facts = [
    `Project: ${doc.project.name} (${doc.project.number})`,
    `Commitment: ${doc.commitment.number} – ${doc.commitment.title}`,
    `Claimant: ${doc.commitment.vendorName}`,
    `Payment claim: ${doc.claimName}`,
    ...(doc.referenceDate ? [`Reference date: ${date(doc.referenceDate)}`] : []),
    `Claim served: ${date(doc.claimServedOn)}`,
    `Schedule due by: ${date(doc.dueOn)}`,
    `Schedule served: ${date(doc.servedOn)} by ${doc.servedByName}`,
  ];
  for (const fact of facts) paragraph(fact);
  y -= 6;
  tableHeader();

  for (const line of doc.lines) {
    const descriptionLines = wrap(printable(line.description || '—'), measure(SIZE), descriptionWidth);
    const reasonLines = line.reason ? wrap(printable(line.reason), measure(SIZE), reasonWidth) : [];
    const rows = Math.max(descriptionLines.length, reasonLines.length, 1);
    if (y - rows * LEADING < MARGIN + 3 * LEADING) {
      newPage();
      paragraph(`Payment Schedule — ${doc.claimName} (continued)`, 10, true);
      tableHeader();
    }
    y -= LEADING;
    text(String(line.itemNumber), columns.item);
    right(money(line.claimedCents), columns.claimedRight);
    right(money(line.scheduledCents), scheduledRight);
    right(money(line.differenceCents), differenceRight);
    const top = y;
    for (let row = 0; row < rows; row++) {
      y = top - row * LEADING;
      if (descriptionLines[row]) text(descriptionLines[row]!, columns.description);
      if (reasonLines[row]) text(reasonLines[row]!, columns.reason);
    }
  }

  if (y < MARGIN + 4 * LEADING) newPage();
  page.drawLine({ start: { x: MARGIN, y: y - 5 }, end: { x: width - MARGIN, y: y - 5 }, thickness: 0.5, color: RULE });
  y -= LEADING + 5;
  text('Totals', columns.description, SIZE, true);
  right(money(doc.claimedCents), columns.claimedRight, true);
  right(money(doc.scheduledCents), scheduledRight, true);
  right(money(doc.differenceCents), differenceRight, true);
  y -= 6;
  paragraph(`Scheduled amount (the amount proposed to be paid): ${money(doc.scheduledCents)}`, 10, true);

  pdf.setTitle(`Payment Schedule — ${doc.claimName}, ${doc.commitment.number} ${doc.commitment.title}`);
  pdf.setSubject(`${doc.project.name} (${doc.project.number}): payment schedule under the ${doc.act}`);
  pdf.setAuthor(doc.servedByName);
  pdf.setCreator('Progress Claims');
  pdf.setProducer('Progress Claims payment schedule renderer (pdf-lib)');
  pdf.setLanguage(doc.region);
  return pdf.save();
}
