// The model classes of @kubernetes-models/istio, one per `group/version/Kind`. Each carries the
// validator compiled from Istio's CRD schema for that version.
import * as netV1 from '@kubernetes-models/istio/networking.istio.io/v1';
import * as netV1beta1 from '@kubernetes-models/istio/networking.istio.io/v1beta1';
import * as netV1alpha3 from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import * as secV1 from '@kubernetes-models/istio/security.istio.io/v1';
import * as secV1beta1 from '@kubernetes-models/istio/security.istio.io/v1beta1';

/** A model class: construct it with a resource and call `validate()`, which throws on problems. */
export type ModelClass = new (data: Record<string, unknown>) => { validate(): void };

const MODULES: Record<string, Record<string, unknown>> = {
  'networking.istio.io/v1': netV1,
  'networking.istio.io/v1beta1': netV1beta1,
  'networking.istio.io/v1alpha3': netV1alpha3,
  'security.istio.io/v1': secV1,
  'security.istio.io/v1beta1': secV1beta1,
};

/** The model class for `apiVersion` and `kind`, or undefined when the package has none. */
export function modelClassFor(apiVersion: string, kind: string): ModelClass | undefined {
  const mod = MODULES[apiVersion];
  if (!mod || !Object.hasOwn(mod, kind)) return undefined;
  return mod[kind] as ModelClass;
}
