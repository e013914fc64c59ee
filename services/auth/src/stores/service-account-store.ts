import type { TenantClient } from '@causeloop/platform/db';
import { isRoleName, type RoleName } from '@causeloop/platform/identity';

export interface ServiceAccountRow {
  readonly id: string;
  readonly name: string;
  readonly role: RoleName;
  readonly created_by: string | null;
  readonly created_at: Date;
  readonly deleted_at: Date | null;
}

/** Service accounts of the current tenant (every method runs inside withTenant). */
export interface ServiceAccountStore {
  insert(client: TenantClient, account: { id: string; name: string; role: RoleName; createdBy: string | undefined }): Promise<ServiceAccountRow>;
  /** Live (not deleted) accounts only. */
  get(client: TenantClient, options: { id: string }): Promise<ServiceAccountRow | undefined>;
  list(client: TenantClient, options: { afterId: string | undefined; limit: number }): Promise<ServiceAccountRow[]>;
}

const columns = 'id, name, role, created_by, created_at, deleted_at';

function checked(row: ServiceAccountRow): ServiceAccountRow {
  if (!isRoleName(row.role)) throw new Error(`service account ${row.id} has an unknown role`);
  return row;
}

export class PgServiceAccountStore implements ServiceAccountStore {
  async insert(client: TenantClient, account: { id: string; name: string; role: RoleName; createdBy: string | undefined }) {
    const result = await client.query<ServiceAccountRow>(
      `insert into service_accounts (workspace_id, id, name, role, created_by)
       values (app_current_tenant(), $1, $2, $3, $4) returning ${columns}`,
      [account.id, account.name, account.role, account.createdBy ?? null],
    );
    return checked(result.rows[0]!);
  }

  async get(client: TenantClient, options: { id: string }) {
    const result = await client.query<ServiceAccountRow>(
      `select ${columns} from service_accounts where id = $1 and deleted_at is null`,
      [options.id],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : checked(row);
  }

  async list(client: TenantClient, options: { afterId: string | undefined; limit: number }) {
    const result = await client.query<ServiceAccountRow>(
      `select ${columns} from service_accounts
       where deleted_at is null and ($1::uuid is null or id > $1::uuid)
       order by id limit $2`,
      [options.afterId ?? null, options.limit],
    );
    return result.rows.map(checked);
  }
}
