// Istio's cluster metadata (`filter_metadata.istio`): the service a cluster stands for, its
// subset and the DestinationRule applied, read by telemetry and by anyone reading a config dump.
import type { Metadata } from '../../../xds/generated/envoy/config/core/v3/Metadata.js';
import type { DestinationRule } from '../../model/push-context.js';
import type { Service } from '../../model/service.js';
import { structFromJson, type JsonValue } from '../../../xds/struct.js';

/** Istio's short service name: `reviews` for `reviews.default.svc.cluster.local`, the host otherwise. */
export function serviceShortName(service: Service): string {
  const suffix = `.${service.namespace}.svc.`;
  const at = service.hostname.indexOf(suffix);
  return at > 0 ? service.hostname.slice(0, at) : service.hostname;
}

/** The `istio` filter metadata of a service cluster. */
export function buildClusterMetadata(service: Service, port: number, subset: string, rule: DestinationRule | undefined): Metadata {
  const istio: Record<string, JsonValue> = {
    services: [{ host: service.hostname, name: serviceShortName(service), namespace: service.namespace }],
    default_original_port: port,
  };
  if (subset) istio.subset = subset;
  if (rule) istio.config = `/apis/${rule.apiVersion}/namespaces/${rule.metadata.namespace}/destination-rule/${rule.metadata.name}`;
  return { filter_metadata: { istio: structFromJson(istio) } };
}
