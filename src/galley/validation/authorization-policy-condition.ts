// The `when` conditions of AuthorizationPolicy rules: the keys Istio supports and their values.
import { closest, type FieldPath } from '../../api/index.js';
import type { Reporter } from './reporter.js';
import { checkHeaderName } from './common/index.js';
import {
  checkIpValue, checkMatchValues, checkPortValue, checkServiceAccountValue, checkWildcardValue, type ValueCheck,
} from './authorization-policy-match.js';

/** One `when` entry, as far as validation reads it. */
export interface ConditionLike {
  readonly key?: string | null;
  readonly values?: readonly string[] | null;
  readonly notValues?: readonly string[] | null;
}

/** Keys without a bracketed part, and how their values are checked. */
const PLAIN_KEYS: Readonly<Record<string, ValueCheck>> = {
  'source.ip': checkIpValue,
  'remote.ip': checkIpValue,
  'destination.ip': checkIpValue,
  'destination.port': checkPortValue,
  'source.namespace': checkWildcardValue,
  'source.principal': checkWildcardValue,
  'source.serviceAccount': checkServiceAccountValue,
  'request.auth.principal': checkWildcardValue,
  'request.auth.audiences': checkWildcardValue,
  'request.auth.presenter': checkWildcardValue,
  'connection.sni': checkWildcardValue,
};

/** Keys with a bracketed name, `prefix[name]`; `nested` allows `prefix[a][b]`. */
const MAP_KEYS: ReadonlyArray<{ prefix: string; nested: boolean; header: boolean }> = [
  { prefix: 'request.headers', nested: false, header: true },
  { prefix: 'request.experimental.inline.headers', nested: false, header: true },
  { prefix: 'request.auth.claims', nested: true, header: false },
];

/** Istio's experimental keys, `experimental.envoy.filters.<filter>[<key>]`. */
const EXPERIMENTAL = /^experimental\.envoy\.filters\.[^[\]]+(\[[^[\]]+\])+$/;

/** Keys Istio rejects, and what replaced them. */
const RETIRED_KEYS: Readonly<Record<string, string>> = {
  'destination.namespace': 'it is replaced by the namespace of the policy itself',
  'destination.name': 'it was only supported by the v1alpha1 API; use a selector or targetRef',
  'destination.user': 'it was only supported by the v1alpha1 API; use a selector or targetRef',
};

/** Keys the CUSTOM action cannot match on. */
const NOT_WITH_CUSTOM = ['source.namespace', 'source.serviceAccount', 'source.principal'];

const ALL_KEYS = [...Object.keys(PLAIN_KEYS), ...MAP_KEYS.map((k) => `${k.prefix}[]`), 'experimental.envoy.filters.'];

type KeyCheck = { readonly check: ValueCheck } | { readonly error: string };

function classifyKey(key: string): KeyCheck {
  const plain = PLAIN_KEYS[key];
  if (plain) return { check: plain };
  const retired = RETIRED_KEYS[key];
  if (retired) return { error: `key "${key}" is no longer supported: ${retired}` };
  if (key.startsWith('destination.labels')) {
    return { error: `key "${key}" is no longer supported: select workloads with the policy's selector instead` };
  }
  for (const family of MAP_KEYS) {
    if (key !== family.prefix && !key.startsWith(`${family.prefix}[`)) continue;
    const names = bracketedNames(key.slice(family.prefix.length));
    const form = family.nested ? `${family.prefix}[<name>] or ${family.prefix}[<name>][<nested>]` : `${family.prefix}[<name>]`;
    if (!names || (!family.nested && names.length !== 1)) return { error: `key "${key}" must have the form ${form}` };
    if (family.header) {
      const bad = checkHeaderName(names[0]!);
      if (bad) return { error: `key "${key}": ${bad}` };
    }
    return { check: checkWildcardValue };
  }
  if (key.startsWith('experimental.envoy.filters.')) {
    if (EXPERIMENTAL.test(key)) return { check: checkWildcardValue };
    return { error: `key "${key}" must have the form experimental.envoy.filters.<filter>[<key>]` };
  }
  const hint = closest(key, ALL_KEYS);
  return { error: `unknown condition key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}` };
}

/** The names of `[a][b]`, or undefined when the text is not one or more non-empty bracketed names. */
function bracketedNames(text: string): string[] | undefined {
  if (!/^(\[[^[\]]+\])+$/.test(text)) return undefined;
  return text.slice(1, -1).split('][');
}

/**
 * Checks one `when` condition at `path`: the key must be one Istio supports, values or notValues
 * must be set, and each value must suit the key (an IP block for `source.ip`, a port for
 * `destination.port`). With `custom`, keys that only the CUSTOM action cannot use are rejected.
 */
export function checkCondition(condition: ConditionLike, path: FieldPath, custom: boolean, report: Reporter): void {
  const key = condition.key;
  const hasValues = Array.isArray(condition.values) && condition.values.length > 0;
  const hasNotValues = Array.isArray(condition.notValues) && condition.notValues.length > 0;
  if (typeof key !== 'string') return; // a missing key is a schema error
  if (key === '') {
    report.error([...path, 'key'], 'must not be empty: name the attribute to match, such as "source.ip"');
    return;
  }
  if (!hasValues && !hasNotValues) {
    report.error(path, `condition on "${key}" needs values or notValues to compare with`);
  }

  const kind = classifyKey(key);
  if ('error' in kind) {
    report.error([...path, 'key'], kind.error);
    return;
  }
  if (custom && (NOT_WITH_CUSTOM.includes(key) || key.startsWith('request.auth.'))) {
    report.error([...path, 'key'], `key "${key}" is not supported with the CUSTOM action`);
  }
  checkMatchValues(condition.values, [...path, 'values'], report, kind.check);
  checkMatchValues(condition.notValues, [...path, 'notValues'], report, kind.check);
}
