import { describe, expect, it } from 'vitest';
import { createTemplateMiner, explainGrouping, fingerprintOf, groupRecord } from '../../../src/grouping/index.js';

describe('fingerprintOf', () => {
  it('is a stable sha256 in base64url of template, service and component', () => {
    const fingerprint = fingerprintOf({ template: 'disk full on <path>', service: 'checkout', component: 'api' });
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fingerprintOf({ template: 'disk full on <path>', service: 'checkout', component: 'api' })).toBe(fingerprint);
  });

  it('trims and lower-cases service and component, and tells every part apart', () => {
    const base = fingerprintOf({ template: 't', service: 'checkout', component: 'api' });
    expect(fingerprintOf({ template: 't', service: ' Checkout ', component: 'API' })).toBe(base);
    expect(fingerprintOf({ template: 't ', service: 'checkout', component: 'api' })).not.toBe(base);
    expect(fingerprintOf({ template: 't', service: 'payments', component: 'api' })).not.toBe(base);
    expect(fingerprintOf({ template: 't', service: 'checkout', component: 'worker' })).not.toBe(base);
    // No separator can be forged: the parts are encoded, not concatenated.
    expect(fingerprintOf({ template: 't', service: 'a', component: 'b' })).not.toBe(fingerprintOf({ template: 't', service: 'a b', component: '' }));
    expect(fingerprintOf({ template: 't' })).toBe(fingerprintOf({ template: 't', service: '', component: '  ' }));
  });
});

describe('groupRecord', () => {
  it('explains a grouping by its template, its slots and the rule', () => {
    const miner = createTemplateMiner();
    const grouping = groupRecord(miner, { title: 'Upstream returned HTTP 503 after 2.5s', body: '', service: 'checkout', component: 'api' });
    expect(grouping.explanation).toEqual({ template: 'Upstream returned HTTP 503 after <duration>', slots: [{ kind: 'duration', value: '2.5s' }], rule: 'template' });
    expect(grouping.fingerprint).toBe(fingerprintOf({ template: 'Upstream returned HTTP 503 after <duration>', service: 'checkout', component: 'api' }));
    expect(groupRecord(miner, { title: 'Checkout is down' }).explanation.rule).toBe('exact');
  });

  it('names the words the miner found variable among the slots, and the templates it replaced', () => {
    const miner = createTemplateMiner();
    const earlier = ['alice', 'bob', 'carol'].map((user) => groupRecord(miner, { title: `User ${user} locked out after 5 attempts` }));
    const grouping = groupRecord(miner, { title: 'User dave locked out after 6 attempts' });
    expect(grouping.change).toBe('merged');
    expect([...grouping.replacedTemplates].sort()).toEqual(earlier.map((each) => each.explanation.template).sort());
    expect(grouping.explanation).toEqual({
      template: 'User <*> locked out after <num> attempts',
      slots: [{ kind: 'num', value: '6' }, { kind: 'variable', value: 'dave' }],
      rule: 'template',
    });
  });

  it('marks a text with nothing variable as exact', () => {
    expect(explainGrouping('Checkout is down', [], []).rule).toBe('exact');
    expect(explainGrouping('Checkout is <*>', [], []).rule).toBe('template');
  });
});
