import { localUserId, type LocalIdp } from '../../infra/local/auth';
import { db } from '../../shared/db/service';

/** A company as the tests seed it. */
export interface CompanySpec {
  companyId: string;
  name: string;
  kind: 'general_contractor' | 'vendor';
  ownerCompanyId?: string;
}

/** A user of a company, with the id the local user pool gives their email. */
export interface Person {
  userId: string;
  email: string;
  name: string;
  companyId: string;
  companyRole: 'admin' | 'member';
}

export const person = (email: string, name: string, companyId: string, companyRole: Person['companyRole'] = 'member'): Person => ({
  email,
  name,
  companyId,
  companyRole,
  userId: localUserId(email),
});

/** Creates the companies and a user per person, and signs each person a token (by the key they have in `people`). */
export async function seedPeople<Who extends string>(
  idp: LocalIdp,
  spec: { companies: readonly CompanySpec[]; people: Record<Who, Person> },
): Promise<Record<Who, string>> {
  const { Company, User } = db();
  const createdAt = new Date().toISOString();
  const people = Object.entries<Person>(spec.people) as Array<[Who, Person]>;
  await Promise.all(spec.companies.map((company) => Company.create({ ...company, createdAt }).go()));
  await Promise.all(people.map(([, { userId, email, name, companyId, companyRole }]) => User.create({ userId, email, name, companyId, companyRole, createdAt }).go()));
  const tokens = {} as Record<Who, string>;
  for (const [who, p] of people) tokens[who] = await idp.signToken({ sub: p.userId, email: p.email, name: p.name });
  return tokens;
}
