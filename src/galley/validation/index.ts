// Semantic validation: the rules Istio's validating webhook applies, one validator per kind.
import type { AnyResource, IstioKind, Resource } from '../../api/index.js';
import { Reporter, type FieldProblem } from './reporter.js';
import { validateAuthorizationPolicy } from './authorization-policy.js';
import { validateDestinationRule } from './destination-rule.js';
import { validateGateway } from './gateway.js';
import { validatePeerAuthentication } from './peer-authentication.js';
import { validateRequestAuthentication } from './request-authentication.js';
import { validateServiceEntry } from './service-entry.js';
import { validateSidecar } from './sidecar.js';
import { validateVirtualService } from './virtual-service.js';
import { validateWorkloadEntry } from './workload-entry.js';
import { validateWorkloadGroup } from './workload-group.js';

export { Reporter, type FieldProblem } from './reporter.js';

type Validators = { [K in IstioKind]: (resource: Resource<K>, report: Reporter) => void };

const VALIDATORS: Validators = {
  VirtualService: validateVirtualService,
  DestinationRule: validateDestinationRule,
  Gateway: validateGateway,
  ServiceEntry: validateServiceEntry,
  WorkloadEntry: validateWorkloadEntry,
  WorkloadGroup: validateWorkloadGroup,
  Sidecar: validateSidecar,
  PeerAuthentication: validatePeerAuthentication,
  AuthorizationPolicy: validateAuthorizationPolicy,
  RequestAuthentication: validateRequestAuthentication,
};

/** Runs the semantic rules of the resource's kind and returns every problem they find. */
export function validateSemantics(resource: AnyResource): FieldProblem[] {
  const report = new Reporter();
  const validate = VALIDATORS[resource.kind] as (r: AnyResource, report: Reporter) => void;
  validate(resource, report);
  return report.problems;
}
