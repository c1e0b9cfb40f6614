import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { ensureBucket, memoryTempDir, startLocalAws } from '../infra/local/aws-services';
import { invokeLocal } from '../infra/local/lambda';
import { s3Client } from '../shared/aws/s3';
import type { MergedPartCounts } from '../functions/backup/merge-part';
import type { PlannedVolume } from '../functions/backup/plan-volumes';
import { backupRoute, invoicePdfEstimateBytes } from '../shared/backup/route';
import { putJson } from '../shared/backup/task-io';
import { config } from '../shared/config';
import { volumeName } from '../shared/backup/volumes';
import { mapLimited } from '../shared/map-limited';
import { combineParts, type CombinedPart } from '../shared/pdf/combine';
import { mergeDocuments } from '../shared/pdf/merge';
import { recordRatio, table } from './stats';

/**
 * The backup merge at scale: 200 invoices × 5 attachments (about 2,100 pages) generated here —
 * each invoice a 2-page PDF; attachments: three text PDFs of 1–3 pages, a "scanned" PDF of
 * 1–2 JPEG pages, and a photo (JPEG) or a scan (PNG) — put into s3rver.
 *
 * Measured, in the same run:
 * - the project's path, the route the workflow takes for a backup this size (Prepare's decision,
 *   shared/backup/route.ts; `BENCH_ROUTE=volume|parts` forces one, `BENCH_ROUTES=both` measures the
 *   other one too, after it — the ratio recorded is the product's route's):
 *   - the volume route (backups one task can hold, this one): Prepare's manifest of every part
 *     (one PUT), then the real `MergeVolume` handler in a fresh child process, which merges every
 *     source straight into the backup's PDF (cover, parts, outline) uploaded to s3rver;
 *   - the parts route (larger backups, the 10,000-page case): the real `MergePart` handler for each
 *     invoice, 4 at a time (the Map's MaxConcurrency) in one child process; then `PlanVolumes` and
 *     the real `Combine` handler (cover, parts, outline) each in a fresh child process.
 *   Each child reports its work time, its CPU time and its peak RSS; a phase's CPU time is the sum
 *   of its processes'. s3rver runs in this process: its CPU time per phase (this process does
 *   nothing else meanwhile) and the requests it served, by operation, are a table of their own,
 *   counted in neither ours nor qpdf's figures. s3rver keeps its objects in memory, as the tests'
 *   does, and the generated files, qpdf's input and output are in memory too (memoryTempDir).
 *   `BENCH_MAP_PROCESSES=n` runs the Map's parts in n processes instead, the 4 slots spread across
 *   them, each process taking the next part when it finishes one (`BENCH_MAP_SLOTS=1`: a process
 *   per slot). It is the more faithful model — in AWS each slot is a Lambda sandbox of its own —
 *   but not the default: each process loads and warms its own JIT, and on 2 cores shared with
 *   s3rver that cost more than it gave (2026-12-05, 4 runs of each taking turns, load 4–8:
 *   MergePart wall 9.5–12.4 s in one process, 9.6–15.2 s in 2; CPU 5.4–6.6 s against 6.4–8.7 s).
 * - the same merge without S3 (files read from disk, MergePart's and Combine's PDF code in one
 *   process): what s3rver and the SDK add.
 * - the reference: `qpdf --empty --pages <the 1,200 sources in order> -- out.pdf` on the same
 *   files, the images converted beforehand (not timed) into one-page PDFs by pdf-lib, one file
 *   per use, since qpdf cannot read images; it writes no cover and no outline. Peak RSS by
 *   /usr/bin/time.
 *
 * `BENCH_INVOICES`, `BENCH_ATTACHMENTS` (≤ 5), `BENCH_CONCURRENCY` change the sizes;
 * `BENCH_KEEP=1` keeps the generated files in the temp directory.
 *
 * The large case, `BENCH_BACKUP_PAGES=10000`: 500 invoices (the most one backup takes) whose
 * text attachments and scans have as many times more pages as it takes to reach that many pages
 * (≥ 600 MB), merged one part at a time (`BENCH_CONCURRENCY=1` unless set) so that each process's
 * peak RSS is one task's; the parts are split into volumes (PlanVolumes, with the configured
 * limits) and each volume is combined in a fresh process. The merge without S3 is left out there.
 */
export async function backup(): Promise<void> {
  const targetPages = Number(process.env.BENCH_BACKUP_PAGES ?? 0);
  const large = targetPages > 0;
  const invoiceCount = Number(process.env.BENCH_INVOICES ?? (large ? 500 : 200));
  const attachmentCount = Math.min(5, Number(process.env.BENCH_ATTACHMENTS ?? 5));
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? (large ? 1 : 4));
  // An invoice has 2 + 1 pages besides its text attachments and scan (7.5 pages on average): those are multiplied.
  const pageScale = large ? Math.max(1, Math.ceil((targetPages / invoiceCount - 3) / 7.5)) : 1;
  const bucket = 'bench-backup';
  // In memory, as s3rver's objects are (memoryTempDir): qpdf reads and writes the same kind of storage as the project's path.
  const dir = await fs.mkdtemp(path.join(memoryTempDir(), 'bench-backup-'));
  const aws = await startLocalAws();
  try {
    const env = { ...aws.env, BUCKET_NAME: bucket, TABLE_NAME: bucket, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    Object.assign(process.env, env);
    await ensureBucket(bucket, aws.env.AWS_ENDPOINT_URL_S3!);

    /**
     * A phase's S3 side: s3rver runs in this process, which does nothing else while a phase's
     * children work, so this process's CPU time across the phase is s3rver's; the requests are
     * counted by s3rver as it receives them (`s3Operation`).
     */
    const s3Phases: Array<Record<string, string | number>> = [];
    let s3rverCpuMs = 0;
    const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const [cpuBefore, requestsBefore] = [process.cpuUsage(), aws.s3Requests()];
      const result = await run();
      const cpu = process.cpuUsage(cpuBefore);
      const requests = Object.entries(aws.s3Requests())
        .map(([operation, count]) => [operation, count - (requestsBefore[operation] ?? 0)] as const)
        .filter(([, count]) => count > 0);
      const total = sum(requests.map(([, count]) => count));
      const cpuMs = (cpu.user + cpu.system) / 1000;
      s3rverCpuMs += cpuMs;
      s3Phases.push({ phase: name, 's3rver CPU': seconds(cpuMs), requests: total, 'CPU/request': total ? `${(cpuMs / total).toFixed(2)} ms` : '', ...Object.fromEntries(requests) });
      return result;
    };

    let started = performance.now();
    const inputs = await generateInputs(dir, invoiceCount, attachmentCount, pageScale);
    const totalBytes = inputs.flatMap((invoice) => invoice.sources).reduce((sum, source) => sum + source.bytes, 0);
    console.log(
      `generated ${invoiceCount} invoices × ${attachmentCount} attachments: ${inputs.length * (attachmentCount + 1)} files, ` +
        `${inputs.reduce((sum, invoice) => sum + invoice.pages, 0)} pages, ${mb(totalBytes)} in ${seconds(performance.now() - started)}`,
    );

    started = performance.now();
    await uploadAll(inputs, 16);
    console.log(`uploaded to s3rver in ${seconds(performance.now() - started)}`);

    // The parts as PreparePart describes them (the volume route's manifest holds them all, written in a phase of its own).
    const parts = inputs.map((invoice, i) => ({
      partKey: `backups/bench/parts/${String(i + 1).padStart(4, '0')}.pdf`,
      title: invoice.title,
      // Named as generateInputs names them: placeholder pages cite the commitment and invoice.
      invoice: { invoiceId: `bench-invoice-${i + 1}`, number: `PC-${(i % 4) + 1}`, commitmentNumber: `SC-${String(Math.floor(i / 4) + 1).padStart(3, '0')}`, commitmentTitle: 'Bench trade package' },
      sources: invoice.sources.map(({ key, title }) => ({ key, title })),
    }));
    const cover = { title: 'Subcontractor invoice backup', lines: ['Bench Tower (P-100)', new Date().toISOString()] };
    const { route: product, reason } = productRoute(inputs);
    // `BENCH_ROUTES=both` measures the other route too, after the product's (informative; the ratio is the product's route's).
    const routes: Route[] = process.env.BENCH_ROUTES === 'both' ? [product, product === 'volume' ? 'parts' : 'volume'] : [product];
    console.log(`route: ${product}, as Prepare decides it: ${reason} (${describeRoute(product)})`);

    const measured: RouteRun[] = [];
    for (const route of routes) {
      const outputKey = `backups/bench-${route}/Subcontractor invoice backup - Bench Tower - P-100.pdf`;
      const routeParts = parts.map((part) => ({ ...part, partKey: part.partKey.replace('backups/bench/', `backups/bench-${route}/`) }));
      measured.push(route === 'volume' ? await volumeRoute(routeParts, cover, outputKey) : await partsRoute(routeParts, cover, outputKey));
    }
    // The same merge without S3 (files on disk, one process): what s3rver and the SDK add. It holds every part: not at 10,000 pages.
    const directFile = path.join(dir, 'direct.json');
    await fs.writeFile(directFile, JSON.stringify({ cover, parts: inputs.map((invoice) => ({ title: invoice.title, files: invoice.sources.map(({ file, title }) => ({ file, title })) })) }));
    const direct = large ? undefined : await runChild('direct', directFile, env);

    // The same files through qpdf, images as PDFs.
    const qpdfOut = path.join(dir, 'qpdf-out.pdf');
    const qpdfInputs = inputs.flatMap((invoice) => invoice.sources.map((source) => source.qpdfFile));
    const qpdf = timed('/usr/bin/time', ['-f', 'maxrss=%M user=%U sys=%S', 'qpdf', '--empty', '--pages', ...qpdfInputs, '--', qpdfOut]);
    const qpdfPages = pdfPages(qpdfOut);

    // Checked outside the timing: a fast merge of a broken file would be no figure.
    for (const run of measured) {
      const checks: string[] = [];
      let ourPages = 0;
      for (const volume of run.volumes) {
        const ourFile = path.join(dir, `ours-${run.route}-${volume.volume}.pdf`);
        await download(volumeName(run.outputKey, volume.volume, volume.of), ourFile);
        const check = spawnSync('qpdf', ['--check', ourFile], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        checks.push(check.status === 0 ? 'clean' : `exit ${check.status}: ${check.stdout.slice(-500)}`);
        ourPages += pdfPages(ourFile);
        await fs.rm(ourFile);
      }
      run.checked = `${run.volumes.length} volume(s), ${ourPages} pages (${run.output.pages - qpdfPages} of them cover), ${mb(run.output.bytes)}, ${run.output.warningCount} warnings, qpdf --check: ${[...new Set(checks)].join(', ')}`;
    }

    table([
      ...measured.flatMap((run) => [
        ...run.rows,
        { path: `${run.route} route: total${run.route === product ? ' (the product\'s route for this backup)' : ''}`, 'wall time': seconds(run.total.ms), 'CPU time': seconds(run.total.cpuMs), 'peak RSS': mbKb(run.total.maxRssKb), pages: run.output.pages, 'pages/s': rate(run.output.pages, run.total.ms) },
      ]),
      ...(direct
        ? [{ path: 'merge alone: no S3, one process', 'wall time': seconds(direct.ms), 'CPU time': seconds(direct.cpuMs), 'peak RSS': mbKb(direct.maxRssKb), pages: measured[0]!.output.pages, 'pages/s': rate(measured[0]!.output.pages, direct.ms) }]
        : []),
      { path: 'qpdf --empty --pages', 'wall time': seconds(qpdf.ms), 'CPU time': seconds(qpdf.cpuMs), 'peak RSS': mbKb(qpdf.maxRssKb), pages: qpdfPages, 'pages/s': rate(qpdfPages, qpdf.ms) },
    ]);
    console.log("S3 requests by phase (counted by s3rver) and s3rver's CPU time (this process's, in neither figure above):");
    table(s3Phases);
    for (const run of measured) console.log(`${run.route} route output: ${run.checked}; qpdf's output: ${mb((await fs.stat(qpdfOut)).size)}`);
    const ours = measured[0]!;
    recordRatio('backup', `wall time / qpdf --empty --pages (${ours.route} route)`, ours.total.ms / qpdf.ms, '≤ 2.0×');
    recordRatio('backup', 'peak RSS / qpdf', ours.total.maxRssKb / qpdf.maxRssKb);
    for (const run of measured) {
      console.log(
        `ratio ${run.route} route / qpdf: time ${(run.total.ms / qpdf.ms).toFixed(2)}×${run.route === product ? ' (target ≤ 2×)' : ''}, CPU time ${(run.total.cpuMs / qpdf.cpuMs).toFixed(2)}× ` +
          `(the fairer figure on a busy machine; s3rver's ${seconds(run.s3rverCpuMs)} of CPU besides), peak RSS per process ${(run.total.maxRssKb / qpdf.maxRssKb).toFixed(1)}× (${run.peaks})`,
      );
    }

    /** The parts route: MergePart × N (the Map), PlanVolumes, then Combine for each volume, each phase in its own fresh process. */
    async function partsRoute(routeParts: typeof parts, cover: { title: string; lines: string[] }, outputKey: string): Promise<RouteRun> {
      const s3rverBefore = s3rverCpuMs;
      const partsFile = path.join(dir, 'parts.json');
      await fs.writeFile(partsFile, JSON.stringify({ parts: routeParts, concurrency }));
      // `BENCH_MAP_SLOTS=1`: a process for each slot (the former name of BENCH_MAP_PROCESSES=<concurrency>).
      const mapProcesses = Math.max(1, Math.min(concurrency, Number(process.env.BENCH_MAP_PROCESSES ?? (process.env.BENCH_MAP_SLOTS ? concurrency : 1))));
      const map = await phase('parts: MergePart', () => (mapProcesses > 1 ? runMapProcesses(routeParts, mapProcesses, concurrency, partsFile, env) : runChild('map', partsFile, env)));
      const merged = JSON.parse(await fs.readFile(`${partsFile}.merged.json`, 'utf8')) as MergedPartCounts[];
      // PlanVolumes, then Combine for each volume, each task in a fresh process.
      const planFile = path.join(dir, 'plan.json');
      // As the workflow passes them: the Map's answers (key, pages, bytes) replace the prepared parts.
      await fs.writeFile(planFile, JSON.stringify({ parts: merged }));
      const plan = await phase('parts: PlanVolumes', () => runChild('plan', planFile, env));
      const { volumes } = plan.output as { volumes: PlannedVolume[] };
      const combines: ChildReport[] = [];
      for (const volume of volumes) {
        const combineFile = path.join(dir, `combine-${volume.volume}.json`);
        await fs.writeFile(combineFile, JSON.stringify({ outputKey, cover, parts: merged, ...volume }));
        combines.push(await phase(`parts: Combine volume ${volume.volume}`, () => runChild('combine', combineFile, env)));
      }
      const combineOutputs = combines.map((report) => report.output as { pages: number; bytes: number; warningCount: number });
      const combine = { ms: sum(combines.map((c) => c.ms)), cpuMs: sum(combines.map((c) => c.cpuMs)), maxRssKb: Math.max(...combines.map((c) => c.maxRssKb)) };
      const partPages = merged.reduce((total, part) => total + part.pages, 0);
      const output = { pages: sum(combineOutputs.map((o) => o.pages)), bytes: sum(combineOutputs.map((o) => o.bytes)), warningCount: sum(combineOutputs.map((o) => o.warningCount)) };
      return {
        route: 'parts',
        outputKey,
        volumes,
        output,
        total: { ms: map.ms + plan.ms + combine.ms, cpuMs: map.cpuMs + plan.cpuMs + combine.cpuMs, maxRssKb: Math.max(map.maxRssKb, plan.maxRssKb, combine.maxRssKb) },
        s3rverCpuMs: s3rverCpuMs - s3rverBefore,
        peaks: `MergePart process, ${Math.ceil(concurrency / mapProcesses)} task(s) at once: ${mbKb(map.maxRssKb)}; PlanVolumes: ${mbKb(plan.maxRssKb)}; Combine, the largest of ${volumes.length}: ${mbKb(combine.maxRssKb)}`,
        rows: [
          {
            path: `parts route: MergePart ×${routeParts.length} (${concurrency} at a time, ${mapProcesses === 1 ? 'one process' : mapProcesses === concurrency ? 'a process each' : `${mapProcesses} processes`})`,
            'wall time': seconds(map.ms),
            'CPU time': seconds(map.cpuMs),
            'peak RSS': mbKb(map.maxRssKb),
            pages: partPages,
            'pages/s': rate(partPages, map.ms),
          },
          { path: `parts route: PlanVolumes (${volumes.length} volume${volumes.length === 1 ? '' : 's'})`, 'wall time': seconds(plan.ms), 'CPU time': seconds(plan.cpuMs), 'peak RSS': mbKb(plan.maxRssKb), pages: partPages, 'pages/s': rate(partPages, plan.ms) },
          ...combines.map((report, index) => ({
            path: `parts route: Combine volume ${index + 1} of ${volumes.length} (cover + outline)`,
            'wall time': seconds(report.ms),
            'CPU time': seconds(report.cpuMs),
            'peak RSS': mbKb(report.maxRssKb),
            pages: combineOutputs[index]!.pages,
            'pages/s': rate(combineOutputs[index]!.pages, report.ms),
          })),
        ],
      };
    }

    /**
     * The volume route: Prepare's manifest of every part (one S3 PUT; its database reads are no
     * part of either route's figures, as PreparePart's are not), then MergeVolume, each phase in
     * its own fresh process.
     */
    async function volumeRoute(routeParts: typeof parts, cover: { title: string; lines: string[] }, outputKey: string): Promise<RouteRun> {
      const s3rverBefore = s3rverCpuMs;
      const manifestKey = outputKey.replace(/[^/]*$/, 'parts/manifest.json');
      const manifestFile = path.join(dir, 'manifest.json');
      await fs.writeFile(manifestFile, JSON.stringify({ manifestKey, parts: routeParts }));
      const manifest = await phase("volume: Prepare's manifest", () => runChild('manifest', manifestFile, env));
      const volumeFile = path.join(dir, 'volume.json');
      await fs.writeFile(volumeFile, JSON.stringify({ outputKey, cover, manifestKey }));
      const merge = await phase('volume: MergeVolume', () => runChild('volume', volumeFile, env));
      const [output] = merge.output as Array<{ pages: number; bytes: number; warningCount: number }>;
      return {
        route: 'volume',
        outputKey,
        volumes: [{ volume: 1, of: 1 }],
        output: output!,
        total: { ms: manifest.ms + merge.ms, cpuMs: manifest.cpuMs + merge.cpuMs, maxRssKb: Math.max(manifest.maxRssKb, merge.maxRssKb) },
        s3rverCpuMs: s3rverCpuMs - s3rverBefore,
        peaks: `MergeVolume: ${mbKb(merge.maxRssKb)}`,
        rows: [
          {
            path: `volume route: Prepare's manifest of ${routeParts.length} parts (one PUT)`,
            'wall time': seconds(manifest.ms),
            'CPU time': seconds(manifest.cpuMs),
            'peak RSS': mbKb(manifest.maxRssKb),
            pages: '',
            'pages/s': '',
          },
          { path: 'volume route: MergeVolume (every part, cover + outline)', 'wall time': seconds(merge.ms), 'CPU time': seconds(merge.cpuMs), 'peak RSS': mbKb(merge.maxRssKb), pages: output!.pages, 'pages/s': rate(output!.pages, merge.ms) },
        ],
      };
    }
  } finally {
    await aws.stop();
    if (!process.env.BENCH_KEEP) await fs.rm(dir, { recursive: true, force: true });
  }
}

type Route = 'volume' | 'parts';

/** One route's run: its phases' rows, its total and its output (checked after the timing). */
interface RouteRun {
  route: Route;
  outputKey: string;
  volumes: Array<{ volume: number; of: number }>;
  output: { pages: number; bytes: number; warningCount: number };
  total: { ms: number; cpuMs: number; maxRssKb: number };
  s3rverCpuMs: number;
  peaks: string;
  rows: Array<Record<string, string | number>>;
  checked?: string;
}

/**
 * The route the workflow takes for this backup, decided as Prepare decides it (its estimate: the
 * attachments' sizes, each invoice's own PDF counted as a rendered one), unless `BENCH_ROUTE` names one.
 */
function productRoute(invoices: InvoiceInput[]): { route: Route; reason: string } {
  const forced = process.env.BENCH_ROUTE;
  if (forced === 'volume' || forced === 'parts') return { route: forced, reason: 'BENCH_ROUTE' };
  const attachmentBytes = invoices.flatMap((invoice) => invoice.sources.slice(1)).reduce((total, source) => total + source.bytes, 0);
  return backupRoute(
    { sourceBytes: attachmentBytes + invoices.length * invoicePdfEstimateBytes.rendered, parts: invoices.length },
    { singleTaskMaxBytes: config.backupSingleTaskMaxBytes, volumeMaxBytes: config.backupVolumeLimits.maxBytes },
  );
}

const describeRoute = (route: Route) => (route === 'volume' ? 'one task merges every part straight into the PDF' : 'a part per invoice, then Combine');

interface Source {
  key: string;
  title: string;
  contentType: string;
  file: string;
  bytes: number;
  /** The file qpdf merges: the source itself, or a one-page PDF of an image. */
  qpdfFile: string;
}

interface InvoiceInput {
  title: string;
  pages: number;
  sources: Source[];
}

const A4: [number, number] = [595.28, 841.89];

/** A small seeded generator, so that every run merges the same files. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

function textPage(doc: PDFDocument, font: PDFFont, bold: PDFFont, heading: string, next: () => number): PDFPage {
  const page = doc.addPage(A4);
  page.drawText(heading, { x: 48, y: 790, size: 16, font: bold });
  for (let line = 0; line < 42; line++) {
    const y = 750 - line * 16;
    const words = Array.from({ length: 6 + Math.floor(next() * 6) }, () => 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do'.split(' ')[Math.floor(next() * 10)]);
    page.drawText(`${String(line + 1).padStart(2, '0')}  ${words.join(' ')}`, { x: 48, y, size: 10, font });
    page.drawText(`$${(next() * 100000).toFixed(2)}`, { x: 460, y, size: 10, font });
  }
  page.drawRectangle({ x: 44, y: 76, width: 507, height: 690, borderColor: rgb(0.6, 0.6, 0.6), borderWidth: 0.5 });
  return page;
}

async function textPdf(heading: string, pages: number, seed: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const next = random(seed);
  for (let n = 1; n <= pages; n++) textPage(doc, font, bold, `${heading} — page ${n} of ${pages}`, next);
  return doc.save();
}

/** Renders a one-page PDF to an image with poppler: photos (coloured shapes) and scans (text pages). */
async function rasterize(dir: string, name: string, pdf: Uint8Array, args: string[]): Promise<Uint8Array> {
  const input = path.join(dir, `${name}.pdf`);
  await fs.writeFile(input, pdf);
  const format = args.includes('-png') ? 'png' : 'jpg';
  execFileSync('pdftoppm', [...args, '-singlefile', input, path.join(dir, name)]);
  return fs.readFile(path.join(dir, `${name}.${format}`));
}

async function photoPdf(seed: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([800, 600]);
  const next = random(seed);
  for (let i = 0; i < 400; i++) {
    page.drawEllipse({ x: next() * 800, y: next() * 600, xScale: 5 + next() * 60, yScale: 5 + next() * 60, color: rgb(next(), next(), next()), opacity: 0.7 });
  }
  return doc.save();
}

/** An image as qpdf's input: one A4 page, as the merge would lay it out. */
async function imageAsPdf(bytes: Uint8Array, type: 'png' | 'jpeg'): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const image = type === 'png' ? await doc.embedPng(bytes) : await doc.embedJpg(bytes);
  const landscape = image.width > image.height;
  const [width, height] = landscape ? [A4[1], A4[0]] : A4;
  const fitted = image.scaleToFit(width - 72, height - 72);
  doc.addPage([width, height]).drawImage(image, { x: (width - fitted.width) / 2, y: (height - fitted.height) / 2, ...fitted });
  return doc.save();
}

async function generateInputs(dir: string, invoiceCount: number, attachmentCount: number, pageScale: number): Promise<InvoiceInput[]> {
  const files = path.join(dir, 'files');
  await fs.mkdir(files);
  // A few images, reused: each source is merged (and embedded) on its own all the same.
  const photos: Uint8Array[] = [];
  const pngScans: Uint8Array[] = [];
  const jpegScans: Uint8Array[] = [];
  for (let v = 0; v < 4; v++) {
    photos.push(await rasterize(files, `photo-${v}`, await photoPdf(v + 1), ['-jpeg', '-jpegopt', 'quality=80', '-r', '120']));
    pngScans.push(await rasterize(files, `png-scan-${v}`, await textPdf(`Delivery docket ${v}`, 1, v + 11), ['-png', '-gray', '-r', '100']));
    jpegScans.push(await rasterize(files, `jpeg-scan-${v}`, await textPdf(`Signed statement ${v}`, 1, v + 21), ['-jpeg', '-gray', '-jpegopt', 'quality=75', '-r', '150']));
  }
  const imageQpdf = new Map<Uint8Array, Uint8Array>();

  const invoices: InvoiceInput[] = [];
  for (let i = 0; i < invoiceCount; i++) {
    const commitment = `SC-${String(Math.floor(i / 4) + 1).padStart(3, '0')}`;
    const number = (i % 4) + 1;
    const sources: Array<{ title: string; contentType: string; bytes: Uint8Array; pages: number; image?: 'png' | 'jpeg' }> = [
      { title: `Invoice PC-${number}.pdf`, contentType: 'application/pdf', bytes: await textPdf(`${commitment} Invoice PC-${number}`, 2, i * 10 + 1), pages: 2 },
    ];
    for (let j = 0; j < attachmentCount; j++) {
      if (j === 3) {
        // A scanned document: JPEG pages inside a PDF.
        const doc = await PDFDocument.create();
        const pages = (1 + ((i + j) % 2)) * pageScale;
        for (let n = 0; n < pages; n++) {
          const image = await doc.embedJpg(jpegScans[(i + n) % 4]!);
          doc.addPage(A4).drawImage(image, { x: 0, y: 0, width: A4[0], height: A4[1] });
        }
        sources.push({ title: `Signed statement ${i + 1}.pdf`, contentType: 'application/pdf', bytes: await doc.save(), pages });
      } else if (j === 4) {
        const png = i % 2 === 1;
        sources.push({
          title: png ? `Delivery docket ${i + 1}.png` : `Site photo ${i + 1}.jpg`,
          contentType: png ? 'image/png' : 'image/jpeg',
          bytes: png ? pngScans[i % 4]! : photos[i % 4]!,
          pages: 1,
          image: png ? 'png' : 'jpeg',
        });
      } else {
        const pages = (1 + ((i + j) % 3)) * pageScale;
        sources.push({ title: `Attachment ${j + 1} of invoice ${i + 1}.pdf`, contentType: 'application/pdf', bytes: await textPdf(`Attachment ${j + 1}`, pages, i * 10 + j + 2), pages });
      }
    }
    const written: Source[] = [];
    for (const [j, source] of sources.entries()) {
      const extension = source.image === 'png' ? 'png' : source.image === 'jpeg' ? 'jpg' : 'pdf';
      const file = path.join(files, `${String(i + 1).padStart(4, '0')}-${j}.${extension}`);
      await fs.writeFile(file, source.bytes);
      let qpdfFile = file;
      if (source.image) {
        // A file of its own for each use: qpdf copies a file named twice only once.
        let converted = imageQpdf.get(source.bytes);
        if (!converted) imageQpdf.set(source.bytes, (converted = await imageAsPdf(source.bytes, source.image)));
        qpdfFile = `${file}.pdf`;
        await fs.writeFile(qpdfFile, converted);
      }
      written.push({ key: `uploads/bench/${path.basename(file)}`, title: source.title, contentType: source.contentType, file, bytes: source.bytes.byteLength, qpdfFile });
    }
    invoices.push({ title: `${commitment} Bench works — Invoice ${number} (PC-${number})`, pages: sources.reduce((sum, s) => sum + s.pages, 0), sources: written });
  }
  return invoices;
}

async function uploadAll(invoices: InvoiceInput[], concurrency: number): Promise<void> {
  const sources = invoices.flatMap((invoice) => invoice.sources);
  await mapLimited(sources, concurrency, async (source) => {
    await s3Client().send(new PutObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: source.key, Body: await fs.readFile(source.file), ContentType: source.contentType }));
  });
}

async function download(key: string, file: string): Promise<void> {
  const object = await s3Client().send(new GetObjectCommand({ Bucket: process.env.BUCKET_NAME, Key: key }));
  await fs.writeFile(file, await object.Body!.transformToByteArray());
}

interface ChildReport {
  ms: number;
  maxRssKb: number;
  /** User + system CPU time of the work (the Node child's, measured like its wall time). */
  cpuMs: number;
  output?: unknown;
}

/** `BENCH_TIMEOUT_SECONDS` raises it for the large cases. */
const childTimeoutMs = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 240) * 1000;

/** Runs one phase in a fresh Node process (as a Lambda would), returning its work time and peak RSS. */
async function runChild(mode: 'map' | 'plan' | 'combine' | 'direct' | 'manifest' | 'volume', inputFile: string, env: Record<string, string>): Promise<ChildReport> {
  // `BENCH_CPU_PROF=<dir>` writes each child's CPU profile there (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${mode}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...env, BENCH_BACKUP_CHILD: mode, BENCH_BACKUP_INPUT: inputFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const startedAt = process.hrtime.bigint() / 1000n;
  const timer = setTimeout(() => child.kill('SIGKILL'), childTimeoutMs);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (process.env.BENCH_CPU_PROF) console.error(`phase ${mode}: parent hrtime ${startedAt} → ${process.hrtime.bigint() / 1000n} µs`);
  const report = stdout.trim().split('\n').pop();
  if (code !== 0 || !report) throw new Error(`The ${mode} phase failed (exit ${code}): ${stdout.slice(-2000)}`);
  return JSON.parse(report) as ChildReport;
}

/**
 * The Map's tasks in `processes` fresh Node processes, `concurrency` parts in flight across them
 * (spread evenly): each process takes the next part as it finishes one. Timed from when every
 * process has loaded its code until the last part is merged; the CPU time is the sum of the
 * processes', the peak RSS the largest. The answers, in the parts' order, are written beside
 * `partsFile` as the one-process phase writes them.
 */
async function runMapProcesses(parts: unknown[], processes: number, concurrency: number, partsFile: string, env: Record<string, string>): Promise<ChildReport> {
  const children = Array.from({ length: processes }, (_, slot) => {
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=map-${slot + 1}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, ...env, BENCH_BACKUP_CHILD: 'map-slot', BENCH_BACKUP_INPUT: partsFile },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Each answer names its part: a process has several in flight.
    const pending = new Map<number, (answer: { result?: unknown; error?: string }) => void>();
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: { index?: number; result?: unknown; error?: string }) => {
        if (message.index === undefined) return resolve();
        pending.get(message.index)?.(message);
        pending.delete(message.index);
      });
      void exited.then((code) => reject(new Error(`A MergePart process exited (${code}) before it was ready: ${stdout.slice(-2000)}`)));
    });
    const merge = (index: number) =>
      new Promise<{ result?: unknown; error?: string }>((resolve, reject) => {
        pending.set(index, resolve);
        void exited.then((code) => reject(new Error(`A MergePart process exited (${code}) during part ${index + 1}`)));
        child.send({ index, part: parts[index] });
      });
    // The first processes take the odd slots left when `concurrency` does not divide evenly.
    const slots = Math.floor(concurrency / processes) + (slot < concurrency % processes ? 1 : 0);
    return { child, exited, ready, merge, slots, report: () => stdout.trim().split('\n').pop() };
  });
  const timer = setTimeout(() => children.forEach(({ child }) => child.kill('SIGKILL')), childTimeoutMs);
  try {
    await Promise.all(children.map((child) => child.ready));
    const started = performance.now();
    const merged: unknown[] = new Array(parts.length);
    let next = 0;
    await Promise.all(
      children.map(async ({ child, merge, slots }) => {
        await mapLimited(
          Array.from({ length: slots }, () => undefined),
          slots,
          async () => {
            while (next < parts.length) {
              const index = next++;
              const { result, error } = await merge(index);
              if (error) throw new Error(`MergePart failed on part ${index + 1}: ${error}`);
              merged[index] = result;
            }
          },
        );
        child.send({ end: true });
      }),
    );
    const ms = performance.now() - started;
    const reports: ChildReport[] = [];
    for (const child of children) {
      const code = await child.exited;
      const report = child.report();
      if (code !== 0 || !report) throw new Error(`A MergePart process failed (exit ${code})`);
      reports.push(JSON.parse(report) as ChildReport);
    }
    await fs.writeFile(`${partsFile}.merged.json`, JSON.stringify(merged));
    return { ms, cpuMs: sum(reports.map((report) => report.cpuMs)), maxRssKb: Math.max(...reports.map((report) => report.maxRssKb)) };
  } finally {
    clearTimeout(timer);
  }
}

/** In a Map process: MergePart on each part the parent sends (several at once if it sends them), until it says the end. */
async function mapSlot(): Promise<void> {
  await import('../functions/backup/merge-part');
  let cpuBefore: NodeJS.CpuUsage | undefined;
  let started = 0;
  await new Promise<void>((resolve) => {
    process.on('message', (message: { index?: number; part?: unknown; end?: true }) => {
      if (message.end) return resolve();
      if (!cpuBefore) [cpuBefore, started] = [process.cpuUsage(), performance.now()];
      invokeLocal('backupMergePart', message.part).then(
        (result) => process.send!({ index: message.index, result }),
        (error: unknown) => process.send!({ index: message.index, error: String(error) }),
      );
    });
    process.send!({ ready: true });
  });
  const cpu = process.cpuUsage(cpuBefore);
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKb: process.resourceUsage().maxRSS })}\n`);
  process.disconnect();
}

/** In the child: the phase itself, through the handlers as Lambda calls them. */
async function childPhase(mode: string, inputFile: string): Promise<void> {
  const input = JSON.parse(await fs.readFile(inputFile, 'utf8'));
  // The handlers' code is loaded before the clock starts, as in a warm Lambda: transpiling
  // TypeScript with tsx (seconds on a busy machine) is no part of the merge.
  await Promise.all([import('../functions/backup/merge-part'), import('../functions/backup/plan-volumes'), import('../functions/backup/combine'), import('../functions/backup/merge-volume')]);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let output: unknown;
  if (mode === 'map') {
    const merged = await mapLimited(input.parts as unknown[], input.concurrency as number, (part) => invokeLocal('backupMergePart', part));
    await fs.writeFile(`${inputFile}.merged.json`, JSON.stringify(merged));
  } else if (mode === 'plan') {
    output = await invokeLocal('backupPlanVolumes', input);
  } else if (mode === 'combine') {
    output = await invokeLocal('backupCombine', input);
  } else if (mode === 'manifest') {
    await putJson(input.manifestKey as string, { parts: input.parts });
  } else if (mode === 'volume') {
    output = await invokeLocal('backupMergeVolume', input);
  } else {
    type Part = { title: string; files: Array<{ file: string; title: string }> };
    const parts: Array<CombinedPart & { pdf?: Uint8Array }> = [];
    for (const part of input.parts as Part[]) {
      const merged = await mergeDocuments(
        (async function* () {
          for (const { file, title } of part.files) yield { title, bytes: await fs.readFile(file) };
        })(),
      );
      parts.push({ title: part.title, pages: merged.pages, sources: merged.sources, pdf: merged.pdf });
    }
    const combined = await combineParts(input.cover, parts, async (index) => {
      const { pdf } = parts[index]!;
      delete parts[index]!.pdf;
      return pdf!;
    });
    output = { pages: combined.pages };
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, maxRssKb: process.resourceUsage().maxRSS, output })}\n`);
}

function timed(command: string, args: string[]): { ms: number; cpuMs: number; maxRssKb: number } {
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.slice(0, 3).join(' ')} failed (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  const [user, system] = [/user=([\d.]+)/, /sys=([\d.]+)/].map((pattern) => Number(pattern.exec(result.stderr)?.[1]) * 1000);
  return { ms, cpuMs: user! + system!, maxRssKb: Number(/maxrss=(\d+)/.exec(result.stderr)?.[1]) };
}

function pdfPages(file: string): number {
  return Number(/^Pages:\s*(\d+)/m.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const mbKb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const rate = (pages: number, ms: number) => Math.round(pages / (ms / 1000));
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

if (process.env.BENCH_BACKUP_CHILD === 'map-slot') {
  await mapSlot();
  process.exit(0);
} else if (process.env.BENCH_BACKUP_CHILD) {
  await childPhase(process.env.BENCH_BACKUP_CHILD, process.env.BENCH_BACKUP_INPUT!);
  process.exit(0);
}
