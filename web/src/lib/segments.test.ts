import { describe, expect, it } from 'vitest';
import type { Rule } from '../api/types';
import {
  MAX_NODES,
  addChild,
  autoTagProblem,
  buildRule,
  conditionValue,
  countNodes,
  describeCondition,
  describeRule,
  draftFromRule,
  emptyRuleDraft,
  fieldDef,
  newCondition,
  newGroup,
  removeNode,
  ruleErrorsFromServer,
  splitList,
  suggestTag,
  updateNode,
  withField,
  withOp,
  type ConditionDraft,
  type GroupDraft,
} from './segments';

function cond(field: string, op: string, value = '', values: string[] = [], negate = false): ConditionDraft {
  return { ...newCondition(field), op, value, values, negate };
}

function group(children: GroupDraft['children'], mode: 'all' | 'any' = 'all', negate = false): GroupDraft {
  return { ...newGroup(mode, children), negate };
}

describe('building rule JSON', () => {
  it('builds "city is Chennai and not DND"', () => {
    const root = group([cond('city', 'eq', ' Chennai '), cond('dnd', 'eq', 'true', [], true)]);
    const built = buildRule(root);
    expect(built.errors).toEqual({});
    expect(built.rule).toEqual({
      all: [{ field: 'city', op: 'eq', value: 'Chennai' }, { not: { field: 'dnd', op: 'eq', value: true } }],
    });
  });

  it('builds nested and negated groups with every kind of value', () => {
    const root = group([
      cond('city', 'in', 'Chennai, Madurai,, chennai'),
      group([cond('birthday', 'within_next_days', '7'), cond('lifetime_value', 'gte', '5,00,000')], 'any'),
      group([cond('tags', 'has_any', 'no-calls, Moved')], 'all', true),
      cond('tier', 'in', '', ['vip', 'vvip']),
      cond('purchase_share_diamond', 'gte', '50'),
      cond('home_store_id', 'eq', 's1'),
      cond('last_purchase_at', 'is_null'),
      cond('consent_whatsapp', 'eq', 'false'),
    ]);
    const built = buildRule(root);
    expect(built.errors).toEqual({});
    expect(built.rule).toEqual({
      all: [
        { field: 'city', op: 'in', value: ['Chennai', 'Madurai'] },
        {
          any: [
            { field: 'birthday', op: 'within_next_days', value: 7 },
            { field: 'lifetime_value', op: 'gte', value: 500000 },
          ],
        },
        { not: { all: [{ field: 'tags', op: 'has_any', value: ['no-calls', 'Moved'] }] } },
        { field: 'tier', op: 'in', value: ['vip', 'vvip'] },
        { field: 'purchase_share_diamond', op: 'gte', value: 0.5 },
        { field: 'home_store_id', op: 'eq', value: 's1' },
        { field: 'last_purchase_at', op: 'is_null' },
        { field: 'consent_whatsapp', op: 'eq', value: false },
      ],
    });
    // Where each node sits on the server's error paths.
    const [, any, not] = root.children;
    expect(built.paths['rule.all[1]']).toBe(any?.key);
    expect(built.paths['rule.all[2]']).toBe(not?.key);
    expect(built.paths['rule.all[2].not']).toBe(not?.key);
  });

  it('says what is missing before asking the server', () => {
    const a = cond('city', 'eq', '  ');
    const b = cond('birthday', 'within_next_days', '400');
    const c = cond('gender', 'in');
    const d = cond('lifetime_value', 'gte', 'lots');
    const e = cond('family_wedding', 'within_next_days', '1000');
    const built = buildRule(group([a, b, c, d, e]));
    expect(built.errors).toEqual({
      [`${a.key}.value`]: 'Enter a value.',
      [`${b.key}.value`]: 'Enter a whole number of days from 0 to 366.',
      [`${c.key}.value`]: 'Choose at least one.',
      [`${d.key}.value`]: 'Enter a whole amount, e.g. 500000.',
    });
  });

  it('checks each kind of value', () => {
    expect(conditionValue(cond('purchase_share_gold', 'gte', '101')).error).toMatch(/0 to 100/);
    expect(conditionValue(cond('purchase_share_gold', 'gte', '33.5%')).value).toBe(0.335);
    expect(conditionValue(cond('name', 'contains', 'x'.repeat(121))).error).toMatch(/120/);
    expect(conditionValue(cond('dnd', 'eq', '')).error).toBe('Choose one.');
    expect(conditionValue(cond('created_at', 'within_last_days', '36500')).value).toBe(36500);
    expect(conditionValue(cond('home_store_id', 'in')).error).toMatch(/store/);
    expect(splitList('a, B ,b,, c')).toEqual(['a', 'B', 'c']);
  });

  it('refuses rules over the server’s size limit', () => {
    const many = Array.from({ length: MAX_NODES }, () => cond('dnd', 'eq', 'false'));
    const root = group(many);
    expect(countNodes(root)).toBe(MAX_NODES + 1);
    expect(buildRule(root).errors[root.key]).toMatch(/at most 60/);
  });
});

describe('editing the draft', () => {
  it('reads a saved rule back into the editor and builds the same JSON', () => {
    const rule: Rule = {
      all: [
        { field: 'city', op: 'eq', value: 'Chennai' },
        { not: { field: 'dnd', op: 'eq', value: true } },
        {
          any: [
            { field: 'metals', op: 'has_any', value: ['gold', 'platinum'] },
            { field: 'purchase_share_gold', op: 'gte', value: 0.25 },
          ],
        },
        { field: 'tags', op: 'has_none', value: ['no-calls', 'moved'] },
      ],
    };
    const draft = draftFromRule(rule);
    expect(buildRule(draft).rule).toEqual(rule);
    const dnd = draft.children[1] as ConditionDraft;
    expect(dnd.negate).toBe(true);
    expect(dnd.value).toBe('true');
  });

  it('puts a bare condition or a negated rule under a top-level group', () => {
    const d = draftFromRule({ field: 'lifetime_value', op: 'gte', value: 1000000 });
    expect(d.mode).toBe('all');
    expect(buildRule(d).rule).toEqual({ all: [{ field: 'lifetime_value', op: 'gte', value: 1000000 }] });
    const n = draftFromRule({ not: { any: [] } });
    expect(buildRule(n).rule).toEqual({ all: [{ not: { any: [] } }] });
    // not(not(x)) is x.
    expect(buildRule(draftFromRule({ not: { not: { field: 'dnd', op: 'eq', value: false } } })).rule).toEqual({
      all: [{ field: 'dnd', op: 'eq', value: false }],
    });
  });

  it('keeps a condition it does not know as it was', () => {
    const rule: Rule = { all: [{ field: 'loyalty_points', op: 'gte', value: 10 }] };
    expect(buildRule(draftFromRule(rule)).rule).toEqual(rule);
  });

  it('starts over when the field changes, and keeps what fits when the operator changes', () => {
    const c = cond('tier', 'eq', 'vip');
    const many = withOp(c, 'in');
    expect(many.values).toEqual(['vip']);
    expect(withOp(many, 'eq').value).toBe('vip');
    expect(withOp(cond('city', 'eq', 'Chennai'), 'in').value).toBe('Chennai');
    expect(withOp(cond('city', 'eq', 'Chennai'), 'is_null').value).toBe('');
    const moved = withField({ ...c, negate: true }, 'birthday');
    expect(moved).toMatchObject({ key: c.key, negate: true, field: 'birthday', op: 'within_next_days', value: '7' });
    expect(withField(c, 'dnd').value).toBe('true');
  });

  it('adds, changes and removes nodes anywhere in the tree', () => {
    let root = emptyRuleDraft();
    const inner = newGroup('any', []);
    root = addChild(root, root.key, inner);
    const c = newCondition('area');
    root = addChild(root, inner.key, c);
    expect((root.children[1] as GroupDraft).children).toHaveLength(1);
    root = updateNode(root, c.key, (n) => ({ ...n, negate: true }));
    expect(((root.children[1] as GroupDraft).children[0] as ConditionDraft).negate).toBe(true);
    root = removeNode(root, c.key);
    expect((root.children[1] as GroupDraft).children).toHaveLength(0);
    root = removeNode(root, inner.key);
    expect(root.children).toHaveLength(1);
  });
});

describe('server errors', () => {
  it('puts each error on the condition and part it is about', () => {
    const a = cond('city', 'eq', 'Chennai');
    const b = cond('dnd', 'eq', 'true', [], true);
    const inner = group([cond('birthday', 'within_next_days', '7')], 'any');
    const root = group([a, b, inner]);
    const { paths } = buildRule(root);
    const inside = inner.children[0] as ConditionDraft;
    expect(
      ruleErrorsFromServer(
        [
          { field: 'rule.all[0].op', message: 'is not an operator for city' },
          { field: 'rule.all[1].not.value', message: 'must be true or false' },
          { field: 'rule.all[2].any[0].field', message: 'is not a field rules can use' },
          { field: 'rule.all[2]', message: 'is nested too deeply (at most 6 levels)' },
          { field: 'rule', message: 'has too many conditions (at most 60)' },
          { field: 'name', message: 'is required' },
        ],
        paths,
      ),
    ).toEqual({
      [`${a.key}.op`]: 'Is not an operator for city.',
      [`${b.key}.value`]: 'Must be true or false.',
      [`${inside.key}.field`]: 'Is not a field rules can use.',
      [inner.key]: 'Is nested too deeply (at most 6 levels).',
      [root.key]: 'Has too many conditions (at most 60).',
    });
  });

  it('falls back to the closest node it knows', () => {
    const a = cond('city', 'eq', 'Chennai');
    const root = group([a]);
    const { paths } = buildRule(root);
    expect(ruleErrorsFromServer([{ field: 'rule.all[0].all[3].value', message: 'bad' }], paths)).toEqual({ [a.key]: 'Bad.' });
  });
});

describe('rules in words', () => {
  it('describes conditions for people', () => {
    const opts = { storeName: (id: string) => (id === 's1' ? 'T. Nagar' : undefined), number: (n: number) => `₹${n}` };
    expect(describeCondition({ field: 'city', op: 'in', value: ['Chennai', 'Madurai'] }, opts)).toBe('City is one of Chennai, Madurai');
    expect(describeCondition({ field: 'birthday', op: 'within_next_days', value: 7 })).toBe('Birthday within the next 7 days');
    expect(describeCondition({ field: 'last_purchase_at', op: 'before_days_ago', value: 365 })).toBe(
      'Last purchase more than 365 days ago',
    );
    expect(describeCondition({ field: 'created_at', op: 'within_last_days', value: 1 })).toBe('Added as a customer in the last 1 day');
    expect(describeCondition({ field: 'lifetime_value', op: 'gte', value: 1000000 }, opts)).toBe('Lifetime spend is at least ₹1000000');
    expect(describeCondition({ field: 'purchase_share_diamond', op: 'gte', value: 0.5 })).toBe(
      'Share of purchases with diamonds is at least 50%',
    );
    expect(describeCondition({ field: 'tier', op: 'eq', value: 'vvip' })).toBe('Tier is VVIP');
    expect(describeCondition({ field: 'dnd', op: 'eq', value: false })).toBe('Do not disturb (DND) is No');
    expect(describeCondition({ field: 'consent_sms', op: 'eq', value: true })).toBe('SMS consent is Granted');
    expect(describeCondition({ field: 'home_store_id', op: 'in', value: ['s1', 's2'] }, opts)).toBe(
      'Home store is one of T. Nagar, a store',
    );
    expect(describeCondition({ field: 'email', op: 'is_null' })).toBe('email is_null');
    expect(describeCondition({ field: 'area', op: 'is_null' })).toBe('Area is not filled in');
  });

  it('describes groups and negations as a tree', () => {
    expect(
      describeRule({ all: [{ field: 'city', op: 'eq', value: 'Chennai' }, { not: { field: 'dnd', op: 'eq', value: true } }] }),
    ).toEqual({
      kind: 'group',
      mode: 'all',
      negate: false,
      children: [
        { kind: 'condition', text: 'City is Chennai', negate: false },
        { kind: 'condition', text: 'Do not disturb (DND) is Yes', negate: true },
      ],
    });
  });

  it('knows every field the server accepts', () => {
    for (const f of [
      'name',
      'city',
      'area',
      'language',
      'community',
      'gender',
      'customer_type',
      'budget_band',
      'tier',
      'tags',
      'metals',
      'stones',
      'categories',
      'styles',
      'lifetime_value',
      'created_at',
      'last_purchase_at',
      'birthday',
      'anniversary',
      'family_birthday',
      'family_anniversary',
      'family_wedding',
      'consent_whatsapp',
      'consent_sms',
      'consent_email',
      'consent_calls',
      'dnd',
      'home_store_id',
      'purchase_share_diamond',
      'purchase_share_gold',
    ]) {
      expect(fieldDef(f), f).toBeDefined();
    }
    expect(fieldDef('language')?.ops.some((o) => o.op === 'contains')).toBe(false);
    expect(fieldDef('area')?.ops.some((o) => o.op === 'contains')).toBe(true);
  });
});

describe('auto tags', () => {
  it('checks and suggests tags', () => {
    expect(autoTagProblem('')).toBeNull();
    expect(autoTagProblem(' Chennai-VIP ')).toBeNull();
    expect(autoTagProblem('chennai vip')).toMatch(/lower-case letters, digits or hyphens/);
    expect(autoTagProblem('x'.repeat(41))).toMatch(/1 to 40/);
    expect(autoTagProblem('at-risk', ['at-risk'])).toMatch(/built-in/);
    expect(suggestTag('Chennai VIPs (2026)')).toBe('chennai-vips-2026');
    expect(suggestTag('  ')).toBe('');
  });
});
