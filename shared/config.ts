/**
 * Runtime configuration, read from the environment that both runtimes set:
 * CDK sets these on every function; the local runtime sets them before importing a handler.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
}

/** `zeroAllowed`: 0 switches off what the setting bounds. */
function positiveNumber(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0 || (zeroAllowed && value === 0)) || !Number.isFinite(value)) throw new Error(`${name} must be a positive number${zeroAllowed ? ' or 0' : ''}, got ${raw}`);
  return value;
}

export const config = {
  get tableName() {
    return required('TABLE_NAME');
  },
  get bucketName() {
    return required('BUCKET_NAME');
  },
  get eventBusName() {
    return required('EVENT_BUS_NAME');
  },
  get backupStateMachineArn() {
    return required('BACKUP_STATE_MACHINE_ARN');
  },
  /** The invoice PDF renderer's function name (the pdf:render grant sets it). */
  get invoicePdfFunctionName() {
    return required('INVOICE_PDF_FUNCTION_NAME');
  },
  get emailFrom() {
    return required('EMAIL_FROM');
  },
  /** Optional: SES configuration set for delivery events (AWS only). */
  get sesConfigurationSet(): string | undefined {
    return process.env.SES_CONFIGURATION_SET || undefined;
  },
  get frontendBaseUrl() {
    return required('FRONTEND_BASE_URL');
  },
  /** The account's SES maximum send rate (emails per second); every sender paces to it. Default 14 (SES production's starting quota). */
  get sesSendRate(): number {
    return positiveNumber('SES_SEND_RATE', 14);
  },
  /** How many bulk senders run at once (the invite-emails function's reserved concurrency); each takes an equal share of the rate. */
  get sesSenders(): number {
    return positiveNumber('SES_SENDERS', 1);
  },
  /**
   * The most pages and bytes one backup volume holds (a bigger backup is split between invoices):
   * one Combine task writes each volume within its time limit, and viewers open it whole.
   */
  get backupVolumeLimits(): { maxPages: number; maxBytes: number } {
    return { maxPages: positiveNumber('BACKUP_VOLUME_MAX_PAGES', 5000), maxBytes: positiveNumber('BACKUP_VOLUME_MAX_BYTES', 1024 * 1024 * 1024) };
  },
  /**
   * The most source bytes (the database's estimate, see shared/backup/route.ts) of a backup that
   * one task merges whole (the "volume" route: no parts written to S3 and read back); a bigger one
   * takes the parts route. 0 switches the volume route off.
   */
  get backupSingleTaskMaxBytes(): number {
    return positiveNumber('BACKUP_SINGLE_TASK_MAX_BYTES', 256 * 1024 * 1024, true);
  },
  /**
   * Webhook targets: in AWS only public addresses over https; the local stack (WEBHOOK_ALLOW_LOOPBACK=true)
   * also allows http and loopback, for receivers running on the same machine.
   */
  get webhookAllowLoopback(): boolean {
    return process.env.WEBHOOK_ALLOW_LOOPBACK === 'true';
  },
};
