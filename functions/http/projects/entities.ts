import { entitiesOf } from '../../../shared/db/service';
import { Company } from '../../../shared/db/entities/company';
import { Member } from '../../../shared/db/entities/member';
import { Project } from '../../../shared/db/entities/project';
import { ProjectVendor } from '../../../shared/db/entities/project-vendor';
import { User } from '../../../shared/db/entities/user';

/** The entities projects are read and written with: their members, and those members' users, companies and vendor links. */
export const projectEntities = /* @__PURE__ */ entitiesOf({ Project, Member, User, Company, ProjectVendor });
