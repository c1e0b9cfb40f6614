import { db } from '../../shared/db/service';
import type { ToolLevel } from '../../shared/domain/permissions';
import { defaultProjectSettings } from '../../shared/domain/project-settings';
import { localUserId, stableUuid } from './auth';

/**
 * Demo data for `npm start`: one general contractor with a project and one member per level,
 * and a vendor whose user will be the invoice contact. Every item is created only if missing,
 * so what a developer changes survives restarts.
 */
const northbeam = { companyId: stableUuid('company:northbeam-constructions'), name: 'Northbeam Constructions', kind: 'general_contractor' } as const;
const harbourElectrical = {
  companyId: stableUuid('company:harbour-electrical'),
  name: 'Harbour Electrical Pty Ltd',
  kind: 'vendor',
  ownerCompanyId: northbeam.companyId,
} as const;

export const demoProject = {
  projectId: stableUuid('project:HT-2027'),
  companyId: northbeam.companyId,
  name: 'Harbour Tower',
  number: 'HT-2027',
  timeZone: 'Australia/Sydney',
  region: 'en-AU',
} as const;

export interface DemoUser {
  email: string;
  name: string;
  /** For the banner: what this user can do on the demo project. */
  role: string;
  companyId: string;
  commitments: ToolLevel;
  headContracts: ToolLevel;
  companyRole?: 'admin';
}

export const demoUsers: readonly DemoUser[] = [
  { email: 'priya@northbeam.example', name: 'Priya Patel', role: 'admin (commitments, head contracts)', companyId: northbeam.companyId, commitments: 'admin', headContracts: 'admin', companyRole: 'admin' },
  { email: 'sam@northbeam.example', name: 'Sam Nguyen', role: 'standard (commitments, head contracts)', companyId: northbeam.companyId, commitments: 'standard', headContracts: 'standard' },
  { email: 'riley@northbeam.example', name: 'Riley Chen', role: 'read only (commitments, head contracts)', companyId: northbeam.companyId, commitments: 'read_only', headContracts: 'read_only' },
  { email: 'noah@northbeam.example', name: 'Noah Brown', role: 'member without access (none, none)', companyId: northbeam.companyId, commitments: 'none', headContracts: 'none' },
  { email: 'ella@harbour-electrical.example', name: 'Ella Ward', role: 'vendor, read only on commitments (the invoice contact)', companyId: harbourElectrical.companyId, commitments: 'read_only', headContracts: 'none' },
];

/** Seeds what is missing; returns how many items it created. */
export async function seedDemoData(now = new Date()): Promise<number> {
  const { Company, Project, User, Member } = db();
  const createdAt = now.toISOString();
  const created = await Promise.all([
    ...[northbeam, harbourElectrical].map((company) => createIfMissing(Company.create({ ...company, createdAt }))),
    createIfMissing(
      Project.create({
        ...defaultProjectSettings(demoProject.region),
        ...demoProject,
        createdBy: localUserId(demoUsers[0]!.email),
        createdAt,
      }),
    ),
    ...demoUsers.flatMap((user) => {
      const userId = localUserId(user.email);
      return [
        createIfMissing(
          User.create({ userId, email: user.email, name: user.name, companyId: user.companyId, companyRole: user.companyRole ?? 'member', createdAt }),
        ),
        createIfMissing(
          Member.create({ projectId: demoProject.projectId, userId, commitments: user.commitments, headContracts: user.headContracts, createdAt }),
        ),
      ];
    }),
  ]);
  return created.filter(Boolean).length;
}

/** `create` is a conditional put: it refuses an item that exists, which was seeded before. */
async function createIfMissing(operation: { go(): Promise<unknown> }): Promise<boolean> {
  try {
    await operation.go();
    return true;
  } catch (error) {
    if ((error as { cause?: { name?: string } }).cause?.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
