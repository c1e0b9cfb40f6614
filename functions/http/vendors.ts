import { randomUUID } from 'node:crypto';
import { httpRouter } from '../../shared/http/handler';
import { idempotencyKey } from '../../shared/http/idempotency';
import { problems } from '../../shared/http/problem';
import { enforce, loadProjectAccess } from '../../shared/http/access';
import { isConditionalFailure } from '../../shared/db/conditions';
import { decodeCursor, encodeCursor } from '../../shared/http/cursor';
import { entitiesOf } from '../../shared/db/service';
import { createWriteTransaction } from '../../shared/db/electrodb';
import { Company } from '../../shared/db/entities/company';
import { Member } from '../../shared/db/entities/member';
import { ProjectVendor } from '../../shared/db/entities/project-vendor';
import { User } from '../../shared/db/entities/user';
import { inviteUser } from '../../shared/identity';
import { toMemberResponse } from '../../shared/api/member-response';
import type { VendorResponse } from '../../shared/api/vendors.docs';
import { vendorRoutes } from '../../shared/api/vendors';
import { vendorsManage, vendorsView } from '../../shared/domain/permission-rules';

const vendorEntities = /* @__PURE__ */ entitiesOf({ Company, ProjectVendor, User, Member });

const vendorUrl = (projectId: string, vendorId: string) =>
  `/v1/projects/${encodeURIComponent(projectId)}/vendors/${encodeURIComponent(vendorId)}`;

const toVendorResponse = (vendor: { vendorId: string; name: string; createdAt: string }): VendorResponse => ({
  vendorId: vendor.vendorId,
  name: vendor.name,
  addedAt: vendor.createdAt,
});

/** A vendor that is not on the project, or belongs to another contractor, does not exist for the caller. */
const noSuchVendor = (vendorId: string) => problems.notFound(`No vendor ${vendorId} on this project.`);

/**
 * Invites a new user of the vendor and records their account; undefined when the account turns out
 * to exist already under another company (another email on record, or a concurrent invitation).
 */
async function newVendorUser(email: string, name: string, vendorId: string) {
  const { User } = vendorEntities();
  const userId = await inviteUser(email, name);
  const fresh = { userId, email, name, companyId: vendorId, companyRole: 'member' as const, version: 1, createdAt: new Date().toISOString() };
  try {
    await User.create(fresh).go();
    return { user: fresh, created: true };
  } catch (error) {
    if (!isConditionalFailure(error)) throw error;
    // The account exists already (another email on record, or a concurrent invitation).
    const { data: existing } = await User.get({ userId }).go();
    if (!existing || existing.companyId !== vendorId) return undefined;
    return { user: existing, created: false };
  }
}

export const handler = httpRouter(vendorRoutes, {
  listVendors: async ({ caller, path, query }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce(vendorsView, member);
    const scope = `vendors:${project.projectId}`;
    const page = await vendorEntities()
      .ProjectVendor.query.byProject({ projectId: project.projectId })
      .go({ cursor: decodeCursor(scope, query.cursor), limit: query.limit });
    return { body: { items: page.data.map(toVendorResponse), nextCursor: encodeCursor(scope, page.cursor) } };
  },

  createVendor: async ({ caller, path, body }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce(vendorsManage, member);
    const { projectId } = project;
    const createdAt = new Date().toISOString();

    if (body.vendorId === undefined) {
      // A new vendor company, owned by (visible to) this project's contractor only.
      const vendor = { vendorId: randomUUID(), name: body.name!, createdAt };
      const result = await createWriteTransaction(vendorEntities(), ({ Company, ProjectVendor }) => [
        Company.create({ companyId: vendor.vendorId, name: vendor.name, kind: 'vendor', ownerCompanyId: project.companyId, createdAt }).commit(),
        ProjectVendor.create({ projectId, ...vendor }).commit(),
      ]).go();
      if (result.canceled) throw new Error(`creating vendor ${vendor.vendorId} was canceled: ${JSON.stringify(result.data)}`);
      return { status: 201, body: toVendorResponse(vendor), headers: { location: vendorUrl(projectId, vendor.vendorId) } };
    }

    const { data: company } = await vendorEntities().Company.get({ companyId: body.vendorId }).go();
    if (!company || company.kind !== 'vendor' || company.ownerCompanyId !== project.companyId) {
      throw problems.notFound(`No vendor ${body.vendorId} among your company’s vendors.`);
    }
    const vendor = { vendorId: company.companyId, name: company.name, createdAt };
    try {
      await vendorEntities().ProjectVendor.create({ projectId, ...vendor }).go();
    } catch (error) {
      if (isConditionalFailure(error)) throw problems.conflict(`${company.name} is already a vendor of this project.`);
      throw error;
    }
    return { status: 201, body: toVendorResponse(vendor), headers: { location: vendorUrl(projectId, vendor.vendorId) } };
  },

  getVendor: async ({ caller, path }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce(vendorsView, member);
    const { ProjectVendor, User } = vendorEntities();
    const [{ data: vendor }, { data: users }] = await Promise.all([
      ProjectVendor.get({ projectId: project.projectId, vendorId: path.vendorId }).go(),
      // A vendor's people are few: every page of one Query on the company index.
      User.query.byCompany({ companyId: path.vendorId }).go({ pages: 'all', attributes: ['userId', 'name', 'email'] }),
    ]);
    if (!vendor) throw noSuchVendor(path.vendorId);
    return {
      body: {
        ...toVendorResponse(vendor),
        users: users
          .map(({ userId, name, email }) => ({ userId, name, email }))
          .sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId)),
      },
    };
  },

  addVendorUser: async ({ caller, path, body }) => {
    const { project, member } = await loadProjectAccess(path.projectId, caller.userId);
    enforce(vendorsManage, member);
    const { projectId } = project;
    const { vendorId } = path;
    const { ProjectVendor, User, Member } = vendorEntities();
    const email = body.email.trim().toLowerCase();

    const [{ data: vendor }, { data: sameEmail }] = await Promise.all([
      ProjectVendor.get({ projectId, vendorId }).go(),
      User.query.byEmail({ email }).go({ limit: 1 }),
    ]);
    if (!vendor) throw noSuchVendor(vendorId);
    // An account of another company: a neutral answer, so the endpoint does not tell anyone which emails have accounts.
    const neutral = { status: 202, body: { email, status: 'received' } };
    if (sameEmail[0] && sameEmail[0].companyId !== vendorId) return neutral;

    const account = sameEmail[0] ? { user: sameEmail[0], created: false } : await newVendorUser(email, body.name, vendorId);
    if (!account) return neutral;
    const { user } = account;
    let created = account.created;

    const levels = { commitments: body.commitments, headContracts: body.headContracts };
    let { data: membership } = await Member.get({ projectId, userId: user.userId }).go();
    if (!membership) {
      const fresh = { projectId, userId: user.userId, ...levels, createdAt: new Date().toISOString() };
      try {
        await Member.create(fresh).go();
        membership = fresh;
        created = true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        ({ data: membership } = await Member.get({ projectId, userId: user.userId }).go());
        if (!membership) throw error;
      }
    }
    // Inviting someone who already is a member changes nothing: their levels are PUT …/members' to change.
    return {
      status: created ? 201 : 200,
      body: toMemberResponse(membership, user, { companyId: vendorId, name: vendor.name, kind: 'vendor' }),
      ...(created ? { headers: { location: `/v1/projects/${encodeURIComponent(projectId)}/members/${encodeURIComponent(user.userId)}` } } : {}),
    };
  },
}, { idempotency: idempotencyKey });
