import { describe, expect, it } from 'vitest';
import { clientServiceGroups, clientServices } from '../src/client-services.js';

const typeNames = (services: object) => Object.fromEntries(Object.entries(services).map(([name, service]) => [name, (service as { typeName: string }).typeName]));

describe('the services a client exposes', () => {
  it('are tenancy’s and insights’ workload-facing services, and never the operator-only provisioning', () => {
    expect(typeNames(clientServices)).toEqual({
      workspaces: 'causeloop.tenancy.v1.WorkspaceService',
      members: 'causeloop.tenancy.v1.MemberService',
      auditLog: 'causeloop.tenancy.v1.AuditLogService',
      governance: 'causeloop.tenancy.v1.GovernanceService',
      ingest: 'causeloop.insights.v1.IngestService',
      issues: 'causeloop.insights.v1.IssueService',
      patterns: 'causeloop.insights.v1.PatternService',
      predictions: 'causeloop.insights.v1.PredictionService',
      jobs: 'causeloop.insights.v1.JobService',
      analysis: 'causeloop.insights.v1.AnalysisService',
      recommendations: 'causeloop.insights.v1.RecommendationService',
    });
  });

  it('are grouped by the service that serves them, each called at its own address', () => {
    expect(Object.keys(clientServiceGroups.tenancy)).toEqual(['workspaces', 'members', 'auditLog', 'governance']);
    expect(Object.keys(clientServiceGroups.insights)).toEqual(['ingest', 'issues', 'patterns', 'predictions', 'jobs', 'analysis', 'recommendations']);
  });
});
