import type { SubjectFacts } from './llm-provider.js';
import type { AnalysisValue, RecommendationItem, RecommendationsValue } from './output-schemas.js';

// What the offline provider answers (no API key configured): an analysis and recommendations
// derived from the subject's template, severity and frequency alone, by rules a person can
// read. The same facts give byte-identical output: no clock, no randomness, no state.

/** A family of failures the template's words point at, with what is usually behind it. */
interface Cause {
  readonly name: string;
  readonly matches: RegExp;
  readonly rootCause: string;
  readonly factors: readonly string[];
  readonly recurs: string;
  readonly fix: Omit<RecommendationItem, 'impact' | 'expected_loops_prevented'>;
  readonly guard: Omit<RecommendationItem, 'impact' | 'expected_loops_prevented'>;
}

const causes: readonly Cause[] = [
  {
    name: 'rate limit',
    matches: /\b429\b|rate.?limit|too many requests|throttl/i,
    rootCause: 'a dependency is rate-limiting the calls: more requests are sent than its quota allows',
    factors: ['bursts of requests without client-side rate limiting', 'retries that add load instead of backing off', 'a quota sized for average rather than peak traffic'],
    recurs: 'Traffic peaks come back on their own schedule, and nothing on the calling side keeps requests under the quota.',
    fix: { title: 'Back off and limit calls to the dependency', type: 'code_fix', effort: 'med', steps: ['Honour Retry-After and retry with exponential backoff and jitter', 'Add a client-side token bucket sized to the quota', 'Batch or cache repeated calls'] },
    guard: { title: 'Alert on quota use before it runs out', type: 'monitoring', effort: 'low', steps: ['Export the share of quota used per minute', 'Alert at 80 % of the quota'] },
  },
  {
    name: 'timeout',
    matches: /time.?out|timed out|deadline|took longer/i,
    rootCause: 'calls to a dependency take longer than the caller waits for them',
    factors: ['a slow or saturated dependency', 'a timeout shorter than the dependency’s slow path', 'no circuit breaker, so slow calls pile up'],
    recurs: 'The slow path is a property of the dependency under load, so every busy period brings it back until the timeout, capacity or call pattern changes.',
    fix: { title: 'Bound and isolate the slow dependency', type: 'code_fix', effort: 'med', steps: ['Measure the dependency’s p99 latency', 'Set the timeout above p99 and add a circuit breaker', 'Retry only idempotent calls, with backoff'] },
    guard: { title: 'Track the dependency’s latency', type: 'monitoring', effort: 'low', steps: ['Chart p50 and p99 latency of the calls', 'Alert when p99 approaches the timeout'] },
  },
  {
    name: 'unavailable dependency',
    matches: /\b50[234]\b|unavailable|connection refused|econnrefused|econnreset|bad gateway|upstream|unreachable/i,
    rootCause: 'a dependency is unavailable or refusing connections when it is called',
    factors: ['deploys or restarts of the dependency without draining', 'no retry on transient errors', 'health checks that admit instances before they are ready'],
    recurs: 'Every deploy, restart or overload of the dependency opens the same window, and callers fail instead of riding it out.',
    fix: { title: 'Ride out transient unavailability', type: 'code_fix', effort: 'med', steps: ['Retry idempotent calls on 502, 503 and 504 with backoff', 'Drain connections on shutdown of the dependency', 'Fail over or degrade gracefully while it is down'] },
    guard: { title: 'Correlate failures with the dependency’s deploys', type: 'process', effort: 'low', steps: ['Annotate dashboards with deploys', 'Review the failures after each deploy'] },
  },
  {
    name: 'lock contention',
    matches: /deadlock|lock wait|lock timeout|could not obtain lock|serializ/i,
    rootCause: 'concurrent transactions take the same locks in different orders or hold them too long',
    factors: ['transactions that lock rows in inconsistent order', 'long transactions holding locks', 'hot rows updated by many writers'],
    recurs: 'The conflicting transactions run every time their workloads overlap, so contention returns with the load.',
    fix: { title: 'Take locks in one order and keep transactions short', type: 'code_fix', effort: 'high', steps: ['Find the conflicting statements in the database’s deadlock log', 'Lock rows in a consistent order', 'Move slow work out of the transaction', 'Retry serialization failures'] },
    guard: { title: 'Watch lock waits', type: 'monitoring', effort: 'low', steps: ['Export deadlocks and lock wait time', 'Alert on a rise after deploys'] },
  },
  {
    name: 'resource exhaustion',
    matches: /pool|exhaust|out of memory|\boom\b|no space|disk full|too many open files|capacity|heap/i,
    rootCause: 'a bounded resource (connections, memory, disk or file handles) runs out under load',
    factors: ['a pool or limit sized below peak demand', 'leaks that hold resources longer than needed', 'no back-pressure when the resource is scarce'],
    recurs: 'Demand grows back to the limit every peak, and leaked resources make each peak reach it sooner.',
    fix: { title: 'Size the resource and release it reliably', type: 'config_change', effort: 'med', steps: ['Measure peak use of the resource', 'Raise the limit with headroom or add back-pressure', 'Check that every acquire has a release on all paths'] },
    guard: { title: 'Alert on saturation before exhaustion', type: 'monitoring', effort: 'low', steps: ['Export use against the limit', 'Alert at 80 % saturation'] },
  },
  {
    name: 'authentication',
    matches: /\b40[13]\b|unauthori[sz]ed|forbidden|signature|expired|certificate|credential|permission denied/i,
    rootCause: 'a credential, signature or certificate is rejected: expired, rotated or not matching',
    factors: ['secrets rotated without updating every consumer', 'clock skew or expiry not renewed in time', 'configuration differing between environments'],
    recurs: 'Credentials expire and rotate on a schedule; without automated renewal each rotation repeats the failure.',
    fix: { title: 'Automate credential rotation and renewal', type: 'config_change', effort: 'med', steps: ['List every consumer of the credential', 'Renew before expiry automatically', 'Accept old and new secrets during a rotation window'] },
    guard: { title: 'Alert ahead of expiry', type: 'monitoring', effort: 'low', steps: ['Track expiry dates of certificates and keys', 'Alert two weeks ahead'] },
  },
  {
    name: 'lagging consumer',
    matches: /\blag\b|backlog|queue|consumer|offset|rebalanc/i,
    rootCause: 'a consumer falls behind its queue: messages arrive faster than they are processed',
    factors: ['too few consumers for peak throughput', 'slow processing of individual messages', 'rebalances that pause consumption'],
    recurs: 'Producer peaks recur, and consumer capacity is fixed, so the backlog rebuilds every peak.',
    fix: { title: 'Scale consumption with the backlog', type: 'config_change', effort: 'med', steps: ['Autoscale consumers on lag', 'Profile the slowest message handlers', 'Reduce rebalance frequency'] },
    guard: { title: 'Alert on consumer lag', type: 'monitoring', effort: 'low', steps: ['Export lag per partition', 'Alert when lag grows for 10 minutes'] },
  },
  {
    name: 'failing check',
    matches: /test|flaky|assert|build|pipeline|\bci\b/i,
    rootCause: 'a check fails intermittently: the test or build depends on timing, order or shared state',
    factors: ['tests that share state or depend on order', 'timing assumptions in tests', 'external services reached from tests'],
    recurs: 'Intermittent checks pass on retry, so they are retried instead of fixed and keep failing.',
    fix: { title: 'Make the check deterministic', type: 'code_fix', effort: 'med', steps: ['Reproduce with the failing seed or order', 'Remove shared state and timing assumptions', 'Stub external services'] },
    guard: { title: 'Quarantine and track flaky checks', type: 'process', effort: 'low', steps: ['Record every retried check', 'Give each flaky check an owner and a deadline'] },
  },
  {
    name: 'unhandled value',
    matches: /null|undefined|nil pointer|typeerror|keyerror|nullpointer|cannot read|is not a function|index out of range/i,
    rootCause: 'code meets a value it does not handle: a missing field, an empty result or an unexpected type',
    factors: ['input not validated at the boundary', 'assumptions about optional data', 'missing tests for the empty and error cases'],
    recurs: 'The same kind of input keeps arriving, and the code path that cannot handle it is unchanged.',
    fix: { title: 'Handle the missing value where it enters', type: 'code_fix', effort: 'low', steps: ['Find the input that carries the unexpected value', 'Validate it at the boundary', 'Add a test for the case'] },
    guard: { title: 'Count rejected inputs', type: 'monitoring', effort: 'low', steps: ['Log and count inputs refused by the new validation'] },
  },
];

const fallback: Cause = {
  name: 'recurring failure',
  matches: /$^/,
  rootCause: 'the same failure repeats from one unaddressed cause',
  factors: ['no owner for the failure', 'the cause is not visible in the failure message', 'fixes treated the symptom'],
  recurs: 'Nothing about the conditions that produce it has changed since it first appeared.',
  fix: { title: 'Find and fix the shared cause', type: 'process', effort: 'med', steps: ['Assign an owner', 'Compare the failures for what they share', 'Fix the shared cause and watch the pattern'] },
  guard: { title: 'Alert on the pattern’s return', type: 'monitoring', effort: 'low', steps: ['Alert when the pattern gets a new issue after a fix'] },
};

const severityFactor: Readonly<Record<SubjectFacts['severity'], string>> = {
  p1: 'its severity (p1) makes every recurrence an outage',
  p2: 'its severity (p2) makes every recurrence customer-visible',
  p3: 'at severity p3 it is easy to leave unowned',
  p4: 'at severity p4 it is easy to ignore until it grows',
};

function causeOf(facts: SubjectFacts): Cause {
  const text = `${facts.template} ${facts.title}`;
  return causes.find((cause) => cause.matches.test(text)) ?? fallback;
}

/** Rounded to two places: the same number prints the same everywhere. */
const round2 = (value: number) => Math.round(value * 100) / 100;

function where(facts: SubjectFacts): string {
  const place = [facts.service, facts.component].filter((part) => part !== '').join('/');
  return place === '' ? '' : ` in ${place}`;
}

export function offlineAnalysis(facts: SubjectFacts): AnalysisValue {
  const cause = causeOf(facts);
  const count = Math.max(1, facts.issueCount);
  const frequency =
    facts.recurrence === 'frequent'
      ? `it recurs frequently (${count} issues)`
      : facts.recurrence === 'rare'
        ? `it recurs rarely (${count} issues)`
        : `it is new (${count} issues so far)`;
  // A matched family and more evidence make the reading more likely; the offline provider never claims certainty.
  const confidence = round2(Math.min(0.8, (cause === fallback ? 0.25 : 0.45) + Math.min(0.2, count / 100) + (facts.similar.length > 0 ? 0.05 : 0)));
  return {
    root_cause: `"${facts.template}"${where(facts)} points at ${cause.name}: ${cause.rootCause}.`,
    contributing_factors: [...cause.factors, severityFactor[facts.severity], frequency],
    why_it_recurs: cause.recurs,
    confidence,
  };
}

export function offlineRecommendations(facts: SubjectFacts): RecommendationsValue {
  const cause = causeOf(facts);
  const count = Math.max(1, facts.issueCount);
  const severe = facts.severity === 'p1' || facts.severity === 'p2';
  // A fix is expected to prevent about as many recurrences as the pattern has had when it is
  // frequent, half that when rare; monitoring catches a quarter of them early.
  const share = facts.recurrence === 'frequent' ? 1 : facts.recurrence === 'rare' ? 0.5 : 0.75;
  const items: RecommendationItem[] = [
    { ...cause.fix, impact: severe ? 'high' : 'medium', expected_loops_prevented: round2(count * share) },
    { ...cause.guard, impact: 'quick_win', expected_loops_prevented: round2(count * share * 0.25) },
  ];
  return { items };
}
