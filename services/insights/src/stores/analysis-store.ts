import type { TenantClient } from '@causeloop/platform/db';

/** What an analysis is about. */
export interface AnalysisSubject {
  readonly kind: 'issue' | 'pattern';
  readonly id: string;
}

/** An analysis as stored; the analysis fields are set for `ok` only. */
export interface AnalysisRow {
  readonly id: string;
  readonly subject_kind: 'issue' | 'pattern';
  readonly subject_id: string;
  readonly tier: string;
  readonly status: 'ok' | 'failed' | 'refused' | 'truncated';
  readonly failure_reason: string | null;
  readonly root_cause: string | null;
  readonly contributing_factors: string[] | null;
  readonly why_it_recurs: string | null;
  readonly confidence: number | null;
  readonly similar_issue_ids: string[];
  readonly provider: string;
  readonly model: string;
  readonly model_version: string;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly latency_ms: number;
  readonly created_at: Date;
}

export type NewAnalysis = Omit<AnalysisRow, 'subject_id' | 'subject_kind' | 'created_at'> & { readonly subject: AnalysisSubject };

/** One attempt sent to a provider, prompt already redacted. */
export interface NewPromptLog {
  readonly id: string;
  readonly analysis_id: string | null;
  readonly purpose: 'analysis' | 'recommendations';
  readonly attempt: number;
  readonly provider: string;
  readonly model: string;
  readonly prompt: string;
  readonly response: string;
  readonly outcome: string;
  readonly failure_reason: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly latency_ms: number;
}

/** analyses and llm_prompt_logs of the current tenant. */
export interface AnalysisStore {
  insert(client: TenantClient, analysis: NewAnalysis): Promise<AnalysisRow>;
  insertPromptLogs(client: TenantClient, logs: readonly NewPromptLog[]): Promise<void>;
  /** Points prompt logs written before their analysis existed at it. */
  linkPromptLogs(client: TenantClient, link: { analysisId: string; logIds: readonly string[] }): Promise<void>;
  /** The subject's most recent analysis, whatever its status. */
  latest(client: TenantClient, subject: AnalysisSubject): Promise<AnalysisRow | undefined>;
}

const analysisColumns = `a.id, a.subject_kind, coalesce(a.issue_id, a.pattern_id) as subject_id, a.tier, a.status, a.failure_reason,
  a.root_cause, a.contributing_factors, a.why_it_recurs, a.confidence, a.similar_issue_ids::text[] as similar_issue_ids,
  a.provider, a.model, a.model_version, a.input_tokens, a.output_tokens, a.latency_ms, a.created_at`;

export class PgAnalysisStore implements AnalysisStore {
  async insert(client: TenantClient, analysis: NewAnalysis): Promise<AnalysisRow> {
    const { subject } = analysis;
    const result = await client.query<AnalysisRow>(
      `insert into analyses as a (workspace_id, id, subject_kind, issue_id, pattern_id, tier, status, failure_reason, root_cause,
                               contributing_factors, why_it_recurs, confidence, similar_issue_ids, provider, model,
                               model_version, input_tokens, output_tokens, latency_ms)
       values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid[], $13, $14, $15, $16, $17, $18)
       returning ${analysisColumns}`,
      [
        analysis.id,
        subject.kind,
        subject.kind === 'issue' ? subject.id : null,
        subject.kind === 'pattern' ? subject.id : null,
        analysis.tier,
        analysis.status,
        analysis.failure_reason,
        analysis.root_cause,
        analysis.contributing_factors === null ? null : JSON.stringify(analysis.contributing_factors),
        analysis.why_it_recurs,
        analysis.confidence,
        analysis.similar_issue_ids,
        analysis.provider,
        analysis.model,
        analysis.model_version,
        analysis.input_tokens,
        analysis.output_tokens,
        analysis.latency_ms,
      ],
    );
    return result.rows[0]!;
  }

  async linkPromptLogs(client: TenantClient, link: { analysisId: string; logIds: readonly string[] }): Promise<void> {
    if (link.logIds.length === 0) return;
    await client.query('update llm_prompt_logs set analysis_id = $1 where id = any($2::uuid[]) and analysis_id is null', [link.analysisId, link.logIds]);
  }

  async insertPromptLogs(client: TenantClient, logs: readonly NewPromptLog[]): Promise<void> {
    if (logs.length === 0) return;
    await client.query(
      `insert into llm_prompt_logs (workspace_id, id, analysis_id, purpose, attempt, provider, model, prompt, response, outcome,
                                    failure_reason, input_tokens, output_tokens, latency_ms)
       select app_current_tenant(), r.id, r.analysis_id, r.purpose, r.attempt, r.provider, r.model, r.prompt, r.response,
              r.outcome, r.failure_reason, r.input_tokens, r.output_tokens, r.latency_ms
         from jsonb_to_recordset($1::jsonb) as r(id uuid, analysis_id uuid, purpose text, attempt smallint, provider text,
              model text, prompt text, response text, outcome text, failure_reason text, input_tokens int,
              output_tokens int, latency_ms int)`,
      [JSON.stringify(logs)],
    );
  }

  async latest(client: TenantClient, subject: AnalysisSubject): Promise<AnalysisRow | undefined> {
    const column = subject.kind === 'issue' ? 'issue_id' : 'pattern_id';
    const result = await client.query<AnalysisRow>(
      `select ${analysisColumns} from analyses a where a.${column} = $1 order by a.id desc limit 1`,
      [subject.id],
    );
    return result.rows[0];
  }
}
