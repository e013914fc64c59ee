import type { TenantClient } from '@causeloop/platform/db';
import { isRoleName, type RoleName } from '@causeloop/platform/identity';

export interface InvitationRow {
  readonly id: string;
  readonly workspace_id: string;
  readonly email: string;
  readonly role: RoleName;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly accepted_at: Date | null;
  readonly revoked_at: Date | null;
}

export interface NewInvitation {
  readonly id: string;
  readonly email: string;
  readonly role: RoleName;
  readonly tokenHash: Buffer;
  readonly invitedBy: string | undefined;
  readonly expiresAt: Date;
}

/** Invitations of the current tenant; tokens only as SHA-256. */
export interface InvitationStore {
  /** Revokes any pending invitation for the email (the newest wins), then inserts this one. */
  replacePending(client: TenantClient, invitation: NewInvitation): Promise<InvitationRow>;
  /** The invitation with this token hash, locked for the rest of the transaction. */
  findByHashForUpdate(client: TenantClient, options: { tokenHash: Buffer }): Promise<InvitationRow | undefined>;
  markAccepted(client: TenantClient, options: { id: string; userId: string }): Promise<void>;
  /** The first invitation an operator made (provisioning's owner invitation). */
  firstProvisioned(client: TenantClient): Promise<InvitationRow | undefined>;
}

const columns = 'id, workspace_id, email, role, created_at, expires_at, accepted_at, revoked_at';

export class PgInvitationStore implements InvitationStore {
  async replacePending(client: TenantClient, invitation: NewInvitation): Promise<InvitationRow> {
    await client.query(
      `update invitations set revoked_at = now()
        where lower(email) = lower($1) and accepted_at is null and revoked_at is null`,
      [invitation.email],
    );
    const result = await client.query<InvitationRow>(
      `insert into invitations (workspace_id, id, email, role, token_hash, invited_by, expires_at)
       values (app_current_tenant(), $1, $2, $3, $4, $5, $6) returning ${columns}`,
      [invitation.id, invitation.email, invitation.role, invitation.tokenHash, invitation.invitedBy ?? null, invitation.expiresAt],
    );
    return checked(result.rows[0]!);
  }

  async findByHashForUpdate(client: TenantClient, options: { tokenHash: Buffer }): Promise<InvitationRow | undefined> {
    const result = await client.query<InvitationRow>(`select ${columns} from invitations where token_hash = $1 for update`, [
      options.tokenHash,
    ]);
    const row = result.rows[0];
    return row === undefined ? undefined : checked(row);
  }

  async markAccepted(client: TenantClient, options: { id: string; userId: string }): Promise<void> {
    await client.query(`update invitations set accepted_at = now(), accepted_user_id = $2 where id = $1`, [
      options.id,
      options.userId,
    ]);
  }

  async firstProvisioned(client: TenantClient): Promise<InvitationRow | undefined> {
    const row = (
      await client.query<InvitationRow>(
        `select ${columns} from invitations where invited_by is null order by created_at, id limit 1`,
      )
    ).rows[0];
    return row === undefined ? undefined : checked(row);
  }
}

function checked(row: InvitationRow): InvitationRow {
  if (!isRoleName(row.role)) throw new Error(`invitation ${row.id} has an unknown role`);
  return row;
}
